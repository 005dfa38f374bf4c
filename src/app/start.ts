// Wires the app layer in the browser: URL ⇄ store, language, and the trainer on the faster backend.
// main.tsx calls this once; everything it starts is stopped by the function it returns.
import { pickLocale } from './i18n';
import { browserParts, createMeasuredEngine, startEngineWorker } from './measured-engine';
import { playgroundStore, type PlaygroundStore } from './store';
import { Trainer, animationFrameScheduler, type EngineAdapter } from './trainer';
import { startUrlSync } from './url-sync';
import { exposeTestHook } from './test-hook';

export interface StartOptions {
  store?: PlaygroundStore;
  /** Default: the measured engine (CPU worker and WebGPU), following the `backend` setting. */
  engine?: EngineAdapter;
}

export function startPlayground({ store = playgroundStore, engine }: StartOptions = {}): () => void {
  store.getState().setLocale(pickLocale(navigator.languages ?? [navigator.language]));
  const stopUrlSync = startUrlSync(store);
  let stopPreference = (): void => {};
  if (!engine) {
    const measured = createMeasuredEngine(browserParts(startEngineWorker()), store.getState().settings.backend);
    stopPreference = store.subscribe((state, previous) => {
      if (state.settings.backend !== previous.settings.backend) measured.setPreference(state.settings.backend);
    });
    engine = measured;
  }
  const trainer = new Trainer(store, engine, animationFrameScheduler);
  const removeTestHook = exposeTestHook(store, engine);
  trainer.start().catch((error: unknown) => store.getState().publishError(error instanceof Error ? error.message : String(error)));
  return () => {
    stopPreference();
    trainer.stop();
    stopUrlSync();
    removeTestHook();
  };
}
