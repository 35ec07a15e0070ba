import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One throwaway PostgreSQL cluster per run, for the tests of the PostgreSQL store.
    globalSetup: ['tests/setup/postgres.ts'],
  },
});
