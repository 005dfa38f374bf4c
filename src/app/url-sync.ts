// Keeps the location hash and the store's settings in step: the hash is read (validated) on start and on
// every `hashchange`, and rewritten in canonical form with replaceState so the back button is not flooded.
import type { PlaygroundStore } from './store';
import { randomSeed } from './seed';
import { parseHash, serializeHash } from './url-codec';
import type { Settings } from './url-table';

/** The parts of `window` the sync uses (a fake one in tests). */
export interface UrlWindow {
  location: { hash: string; href: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

/** Apply the page's hash, then follow both directions. Returns a function that stops syncing. */
export function startUrlSync(store: PlaygroundStore, win: UrlWindow = window): () => void {
  const writeHash = (settings: Settings) => {
    const hash = serializeHash(settings);
    if (win.location.hash !== hash) win.history.replaceState(null, '', hash);
  };
  const readHash = (seedIfMissing: string) => {
    const { settings, ignored } = parseHash(win.location.hash, { seed: seedIfMissing });
    const state = store.getState();
    state.addNotices(ignored);
    state.applySettings(settings);
    writeHash(store.getState().settings);
  };

  readHash(randomSeed());
  // A hand-edited hash without a seed keeps the current one rather than drawing new data.
  const onHashChange = () => readHash(store.getState().settings.seed);
  win.addEventListener('hashchange', onHashChange);
  const unsubscribe = store.subscribe((state, prev) => {
    if (state.settings !== prev.settings) writeHash(state.settings);
  });
  return () => {
    win.removeEventListener('hashchange', onHashChange);
    unsubscribe();
  };
}

/** The link the Share button copies: this page with the settings' canonical hash. */
export function shareLink(settings: Settings, href: string): string {
  const base = href.split('#')[0];
  return `${base}${serializeHash(settings)}`;
}
