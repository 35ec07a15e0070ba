import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Most Node tests wait on relay processes, sockets and timers, not on a core: three files at
    // once on a two-core machine took the suite from 350 s to 145-215 s. The browser suite keeps one
    // (package.json: its Chromium pages are CPU-bound, and share the cores with the relay).
    maxWorkers: 3,
    hookTimeout: 30_000,
    // One throwaway PostgreSQL cluster per run, for the tests of the PostgreSQL store.
    globalSetup: ['tests/setup/postgres.ts'],
  },
});
