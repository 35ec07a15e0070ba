import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../helpers/postgres-cluster';

/** What the test files get: the cluster's superuser URL, or why there is none (said by every test that needs it). */
export type ProvidedPostgres = { url: string } | { error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres;
  }
}

/**
 * One throwaway PostgreSQL cluster per test run, shared by the test files (each makes its own
 * database in it). A machine without PostgreSQL still runs every other test: the ones that need
 * it fail, each with the message saying what to install, and none is skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const cluster = await startPostgresCluster();
    project.provide('postgres', { url: cluster.url });
    return cluster.stop;
  } catch (error) {
    project.provide('postgres', { error: (error as Error).message });
    return async () => undefined;
  }
}
