import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Built into dist/dashboard, which the web process serves (src/proxy/dashboard.ts):
// content-hashed files under /assets/, index.html at every page path.
export default defineConfig({
  base: '/',
  plugins: [preact()],
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
