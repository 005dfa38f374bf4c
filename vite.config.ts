import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `base: './'` makes every asset path relative, so `dist/` works from any sub-path. `dist/` holds the app
// alone: the bench page (bench/run.ts) and the browser tests' kernel page (test/e2e/preview-server.ts)
// are built by their runners into folders of their own.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    target: 'es2022',
    rollupOptions: {
      input: { main: 'index.html' },
    },
  },
  server: { port: 5173 },
});
