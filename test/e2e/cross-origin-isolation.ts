// A Vite preview-server plugin shared by the bench (bench/run.ts) and the browser tests (preview-server.ts).
import type { Plugin } from 'vite';

/**
 * Pages opened with `?isolated` get the headers that make them cross-origin isolated (SharedArrayBuffer,
 * hence WebAssembly threads: jax-js runs its kernels on a pool of workers then). Every other response is
 * plain. The same-origin scripts and jax-js's blob workers need nothing more under require-corp; what such
 * a page requests (its Referer has `?isolated`) gets them too, since a dedicated worker takes its policy
 * from its own script's response.
 */
export const crossOriginIsolation: Plugin = {
  name: 'cross-origin-isolation',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      const isolated = (url: string | undefined): boolean => url !== undefined && new URL(url, 'http://localhost').searchParams.has('isolated');
      if (isolated(req.url) || isolated(req.headers.referer)) {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
      next();
    });
  },
};
