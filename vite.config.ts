import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `base: './'` makes every asset path relative, so `dist/` works from any sub-path.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    target: 'es2022',
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench/index.html', gpuKernels: 'test/e2e/pages/gpu-kernels.html' },
    },
  },
  server: { port: 5173 },
});
