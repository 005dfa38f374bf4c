// What browser tests reach on `window.__playground`: the store (to read settings and results) and a way to
// lose the GPU device, which no user action can do. Nothing here changes how the page trains.
import type { PlaygroundStore } from './store';
import type { EngineAdapter } from './trainer';

export interface PlaygroundTestHook {
  store: PlaygroundStore;
  /** Destroy the GPU device now; false when training is not on a GPU backend. */
  loseDevice(): boolean;
}

declare global {
  interface Window {
    __playground?: PlaygroundTestHook;
  }
}

export function exposeTestHook(store: PlaygroundStore, engine: EngineAdapter): () => void {
  window.__playground = { store, loseDevice: () => engine.loseDevice?.() ?? false };
  return () => {
    delete window.__playground;
  };
}
