// Adapter and device acquisition: navigator.gpu in the browser, the `webgpu` package (Dawn) in Node.
// The Node module is imported dynamically through a variable so the browser bundle never includes it.

export interface AcquiredDevice {
  device: GPUDevice;
  adapterInfo: string;
  /** A CPU emulation (SwiftShader, or a fallback adapter): a workgroup runs on one core, threads add overhead. */
  emulated: boolean;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let nodeGpu: Promise<GPU> | undefined;

async function gpuEntryPoint(): Promise<GPU | undefined> {
  if (typeof navigator !== 'undefined' && navigator.gpu) return navigator.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  nodeGpu ??= (async () => {
    // Dawn finds Vulkan drivers through this variable; Debian's Chromium ships SwiftShader's.
    const fsName = 'node:fs';
    const { existsSync } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
    if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    const name = 'webgpu';
    const dawn = (await import(/* @vite-ignore */ name)) as { create(flags: string[]): GPU; globals: object };
    Object.assign(globalThis, dawn.globals);
    return dawn.create([]);
  })();
  return nodeGpu;
}

/** Limits we ask for: the adapter's maxima for buffer sizes (datasets live on the device), defaults otherwise. */
const RAISED_LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage'] as const;

/** Our kernels bind at most this many storage buffers (dense_step); WebGPU guarantees 8. */
export const STORAGE_BUFFERS_NEEDED = 8;

/** This machine offers no WebGPU adapter (as opposed to an adapter or kernel that fails): callers may fall back. */
export class WebGPUUnavailableError extends Error {
  override name = 'WebGPUUnavailableError';
}

export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = await gpuEntryPoint();
  if (!gpu) throw new WebGPUUnavailableError('WebGPU is not available: no navigator.gpu, and not running in Node with the `webgpu` package');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGPUUnavailableError('WebGPU: requestAdapter returned no adapter (no GPU driver, or WebGPU disabled)');
  if (adapter.limits.maxStorageBuffersPerShaderStage < STORAGE_BUFFERS_NEEDED) {
    throw new Error(
      `WebGPU: the adapter allows ${adapter.limits.maxStorageBuffersPerShaderStage} storage buffers per shader stage, the fused training-step kernel needs ${STORAGE_BUFFERS_NEEDED}`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  const { vendor, architecture, device: model, description } = adapter.info;
  const adapterInfo = [description, vendor, architecture, model].filter((s) => s).join(' · ') || 'unknown adapter';
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const emulated = architecture === 'swiftshader' || info.isFallbackAdapter === true;
  return { device, adapterInfo, emulated };
}
