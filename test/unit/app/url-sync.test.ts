import { describe, expect, it } from 'vitest';
import { createPlaygroundStore } from '../../../src/app/store';
import { serializeHash } from '../../../src/app/url-codec';
import { shareLink, startUrlSync, type UrlWindow } from '../../../src/app/url-sync';

function fakeWindow(hash: string) {
  const listeners = new Set<() => void>();
  const replaced: string[] = [];
  const win: UrlWindow = {
    location: { hash, href: `https://example.org/app/${hash}` },
    history: {
      replaceState: (_d, _u, url) => {
        replaced.push(String(url));
        win.location.hash = String(url);
      },
    },
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
  };
  const navigate = (next: string) => {
    win.location.hash = next;
    listeners.forEach((l) => l());
  };
  return { win, replaced, navigate, listeners };
}

describe('url sync', () => {
  it('applies the hash, lists what it ignored, and writes the canonical form once', () => {
    const store = createPlaygroundStore();
    const { win, replaced } = fakeWindow('#noise=20&seed=0.123&bogus=1');
    startUrlSync(store, win);
    expect(store.getState().settings.noise).toBe(20);
    expect(store.getState().notices.map((n) => n.key)).toEqual(['bogus']);
    expect(replaced).toEqual([serializeHash(store.getState().settings)]);
    expect(win.location.hash).toContain('seed=0.123');
  });

  it('follows setting changes and hash changes; stop removes the listener', () => {
    const store = createPlaygroundStore();
    const { win, navigate, listeners } = fakeWindow('#seed=0.5');
    const stop = startUrlSync(store, win);
    store.getState().setSetting('learningRate', 0.3);
    expect(win.location.hash).toContain('learningRate=0.3');
    navigate('#activation=relu');
    expect(store.getState().settings.activation).toBe('relu');
    // A hand-edited hash without a seed keeps the current one.
    expect(store.getState().settings.seed).toBe('0.5');
    expect(win.location.hash).toBe(serializeHash(store.getState().settings));
    stop();
    expect(listeners.size).toBe(0);
  });

  it('draws a seed for a page opened without one', () => {
    const store = createPlaygroundStore();
    const { win } = fakeWindow('');
    startUrlSync(store, win);
    expect(store.getState().settings.seed).toMatch(/^0\.\d{5}$/);
  });

  it('builds the share link from the page address', () => {
    const store = createPlaygroundStore();
    expect(shareLink(store.getState().settings, 'https://example.org/app/#old')).toBe(`https://example.org/app/${serializeHash(store.getState().settings)}`);
  });
});
