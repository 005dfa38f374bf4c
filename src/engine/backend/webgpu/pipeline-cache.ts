// The built-in kernels' pipelines on one device, compiled in the background in priority order: the kernels
// the first network needs (firstKernels) compile first, so the backend is usable once they are; the rest
// start after them (not beside them, where they would share the compiler's threads) and keep compiling.
// A kernel asked for before its compile finished is compiled synchronously then, so results never depend
// on the order.
import { stats } from '../../stats';
import { compileKernel, kernelSource, KERNELS, type KernelName, type KernelSpec } from './kernels';
import type { ShaderFile } from './shaders';

export class PipelineCache {
  private readonly compiled = new Map<KernelName, GPUComputePipeline>();
  private readonly pending = new Map<KernelName, Promise<GPUComputePipeline>>();
  private readonly modules = new Map<ShaderFile, { module: GPUShaderModule; code: string }>();
  /** Kernels compiled synchronously because they were used before their background compile finished. */
  fallbacks = 0;
  /** Settles when every kernel has compiled (rejects with the first WGSL error). */
  readonly all: Promise<void>;

  constructor(
    private readonly device: GPUDevice,
    private readonly shaders: Map<ShaderFile, string>,
    first: readonly KernelName[],
  ) {
    const firstDone = this.prepare(first);
    const rest = (Object.keys(KERNELS) as KernelName[]).filter((name) => !first.includes(name));
    this.all = firstDone.then(() => this.prepare(rest));
    // A failure is reported by whoever awaits `prepare` or `all`, and by `get`; not as an unhandled rejection.
    this.all.catch(() => {});
  }

  /** How many built-in kernels have a pipeline now. */
  get count(): number {
    return this.compiled.size;
  }

  /** Resolves once every kernel named has its pipeline (starting the compiles not started yet). */
  async prepare(names: readonly KernelName[]): Promise<void> {
    await Promise.all(names.map((name) => this.compile(name)));
  }

  /** The kernel's pipeline; compiled synchronously here when its background compile has not finished. */
  get(name: KernelName): GPUComputePipeline {
    const ready = this.compiled.get(name);
    if (ready) return ready;
    const spec: KernelSpec = KERNELS[name];
    const pipeline = this.device.createComputePipeline({
      label: name,
      layout: 'auto',
      compute: { module: this.module(spec.file).module, entryPoint: spec.entry, constants: spec.constants },
    });
    stats.pipelinesCompiled++;
    this.fallbacks++;
    this.compiled.set(name, pipeline);
    return pipeline;
  }

  private compile(name: KernelName): Promise<GPUComputePipeline> {
    let p = this.pending.get(name);
    if (!p) {
      const spec: KernelSpec = KERNELS[name];
      const { module, code } = this.module(spec.file);
      p = compileKernel(this.device, module, code, name, spec).then((pipeline) => {
        // A synchronous fallback may have got there first: keep the pipeline already in use.
        if (!this.compiled.has(name)) this.compiled.set(name, pipeline);
        return pipeline;
      });
      this.pending.set(name, p);
    }
    return p;
  }

  private module(file: ShaderFile): { module: GPUShaderModule; code: string } {
    let m = this.modules.get(file);
    if (!m) {
      const code = kernelSource(file, this.shaders);
      m = { module: this.device.createShaderModule({ label: file, code }), code };
      this.modules.set(file, m);
    }
    return m;
  }
}
