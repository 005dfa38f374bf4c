// Wires the app layer in the browser: URL ⇄ store, language, and the trainer on the best backend.
// main.tsx calls this once; everything it starts is stopped by the function it returns.
import { pickLocale } from './i18n';
import { createSequentialEngine } from './sequential-engine';
import { playgroundStore, type PlaygroundStore } from './store';
import { Trainer, animationFrameScheduler, type EngineAdapter } from './trainer';
import { startUrlSync } from './url-sync';
import { exposeTestHook } from './test-hook';

export interface StartOptions {
  store?: PlaygroundStore;
  engine?: EngineAdapter;
}

export function startPlayground({ store = playgroundStore, engine = createSequentialEngine() }: StartOptions = {}): () => void {
  store.getState().setLocale(pickLocale(navigator.languages ?? [navigator.language]));
  const stopUrlSync = startUrlSync(store);
  const trainer = new Trainer(store, engine, animationFrameScheduler);
  const removeTestHook = exposeTestHook(store, engine);
  trainer.start().catch((error: unknown) => store.getState().publishError(error instanceof Error ? error.message : String(error)));
  return () => {
    trainer.stop();
    stopUrlSync();
    removeTestHook();
  };
}
