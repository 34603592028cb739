import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080' } },
  test: {
    root: '.',
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
