// Which backend trains, over the page's life. The CPU backend starts at once, so the page trains within a
// frame of loading; WebGPU starts beside it (ready once the dense network's pipelines have compiled, a
// second or more on a CPU-emulated adapter; the rest compile in the background) and, once ready, the
// trainer moves the network to it. If the GPU device is lost, training moves back to the CPU at once and
// returns to WebGPU when the device is recreated. Every change reaches the
// trainer as a BackendEvent; it moves the network (same weights) between backends.
import { createBackend, useBackend, type Backend } from '../index';
import type { BackendInfo } from './store';

export type BackendEvent =
  /**
   * Move the network to another backend: read its weights (or, when `lost`, take them from the last
   * snapshot: the old backend's memory is gone), call `activate`, then build the network again.
   */
  | { type: 'switch'; info: BackendInfo; activate: () => void; lost: boolean }
  /** Only the badge changes (WebGPU failed to start, or a lost device could not be recreated). */
  | { type: 'status'; info: BackendInfo }
  /** An error the engine reported outside any call the trainer made (validation, out of memory). */
  | { type: 'error'; message: string };

/** The WebGPU backend's extras this module uses (see webgpu-backend.ts); absent on other backends. */
interface DeviceEvents {
  onDeviceEvent(listener: (event: { type: string; reason?: string; message?: string }) => void): () => void;
  executor: { simulateLoss(): void };
}

function hasDeviceEvents(backend: Backend): backend is Backend & DeviceEvents {
  return typeof (backend as Partial<DeviceEvents>).onDeviceEvent === 'function';
}

/** Why WebGPU cannot be tried in this environment, or null when it can. */
function webgpuMissingReason(): string | null {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  return null;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface BackendStartup {
  /** The backend to build the first network on: the CPU, ready at once. */
  first: BackendInfo;
  /** Lose the GPU device on purpose (the browser tests' hook); false when no GPU backend is running. */
  loseDevice(): boolean;
  /**
   * Whether a failure just seen comes from a lost GPU device (a read cut short): true once the loss is
   * reported, which may come a moment after the failure; false after a second without one.
   */
  failedFromLoss(): Promise<boolean>;
  /** Stop listening to the GPU backend. */
  stop(): void;
}

/**
 * Make the CPU backend active and, when WebGPU is wanted and present, start it in the background;
 * `onEvent` hears when to move the network, and of device losses and engine errors from then on.
 */
export async function startBackends(preferWebGPU: boolean, onEvent: (event: BackendEvent) => void): Promise<BackendStartup> {
  const cpu = await createBackend('cpu');
  useBackend(cpu);
  const cpuInfo = (fallbackReason: string | null, preparing: BackendInfo['preparing'] = null): BackendInfo => ({
    name: 'cpu',
    description: cpu.description,
    fallbackReason,
    preparing,
  });
  const missing = preferWebGPU ? webgpuMissingReason() : null;
  let gpu: (Backend & DeviceEvents) | null = null;
  let unsubscribe = (): void => {};
  let stopped = false;
  /** Set from a device loss until training is back on the recreated device. */
  let lost = false;
  const lossWaiters = new Set<() => void>();

  const gpuInfo = (backend: Backend): BackendInfo => ({ name: 'webgpu', description: backend.description, fallbackReason: null, preparing: null });

  const listen = (backend: Backend & DeviceEvents): void => {
    unsubscribe = backend.onDeviceEvent((event) => {
      const reason = event.reason ?? event.message ?? 'unknown reason';
      if (event.type === 'lost') {
        lost = true;
        for (const wake of lossWaiters) wake();
        onEvent({ type: 'switch', info: cpuInfo(`the GPU device was lost (${reason}); recreating it`, 'webgpu'), activate: () => useBackend(cpu), lost: true });
      } else if (event.type === 'restored') {
        const activate = (): void => {
          lost = false;
          useBackend(backend);
        };
        onEvent({ type: 'switch', info: gpuInfo(backend), activate, lost: false });
      } else if (event.type === 'failed') {
        onEvent({ type: 'status', info: cpuInfo(`the GPU device was lost and could not be recreated (${reason})`) });
      } else {
        onEvent({ type: 'error', message: reason });
      }
    });
  };

  if (preferWebGPU && missing === null) {
    createBackend('webgpu').then(
      (backend) => {
        if (stopped) return;
        if (hasDeviceEvents(backend)) {
          gpu = backend;
          listen(backend);
        }
        onEvent({ type: 'switch', info: gpuInfo(backend), activate: () => useBackend(backend), lost: false });
      },
      (error: unknown) => {
        if (!stopped) onEvent({ type: 'status', info: cpuInfo(message(error)) });
      },
    );
  }

  return {
    first: cpuInfo(missing, preferWebGPU && missing === null ? 'webgpu' : null),
    loseDevice() {
      if (!gpu) return false;
      gpu.executor.simulateLoss();
      return true;
    },
    failedFromLoss() {
      if (lost) return Promise.resolve(true);
      if (!gpu) return Promise.resolve(false);
      return new Promise((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          lossWaiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          lossWaiters.delete(wake);
          resolve(false);
        }, 1000);
        lossWaiters.add(wake);
      });
    },
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
