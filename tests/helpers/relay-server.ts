import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createRelayApp, type LogLine, type RelayOptions } from '../../relay/app';
import { JobManager, type JobManagerOptions } from '../../relay/jobs';
import { openDiskStore } from '../../relay/store/disk/disk-store';
import { JobFiles } from '../../relay/store/disk/job-files';
import type { RelayStore } from '../../relay/store/store';
import type { Upstream } from '../../relay/upstream';

export interface RunningRelay {
  url: string;
  logs: string[];
  jobs: JobManager;
  /** Stops serving and ends its provider calls, as if the process ended; a temporary data dir is removed. */
  close(): Promise<void>;
}

export interface RelayServerOptions extends Partial<Omit<RelayOptions, 'jobs'>>, Partial<Omit<JobManagerOptions, 'upstream' | 'store' | 'log'>> {
  upstream: Upstream;
  /** How long a finished job is kept; 24 h when not given. */
  ttlMs?: number;
  /** A store to share with another relay, standing in for a second instance; a disk store in `dataDir` when not given (and closed with the relay). */
  store?: RelayStore;
  /** Where jobs are kept; a fresh temporary folder, removed on close, when not given. */
  dataDir?: string;
  /** A fixed loopback port, to start the relay again where its clients expect it; any free port when not given. */
  port?: number;
}

/** The relay app served over real HTTP on a free loopback port, its log lines captured. */
export async function startRelay(options: RelayServerOptions): Promise<RunningRelay> {
  const { upstream, dataDir, port: fixedPort = 0, ttlMs, now, clientLimits, monthlyImagesPerToken, writeRetryDelaysMs, store: shared, ...relay } = options;
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'reimage-relay-')));
  const logs: string[] = [];
  const log = (line: LogLine) => logs.push(JSON.stringify(line));
  const store = shared ?? (await openDiskStore({ jobs: new JobFiles(dir), tokensDir: dir, ttlMs: ttlMs ?? 24 * 3600_000, now }));
  const jobs = await JobManager.open({ upstream, store, ttlMs, now, clientLimits, monthlyImagesPerToken, log, writeRetryDelaysMs });
  const app = createRelayApp({ mode: 'live', version: 'test', log, jobs, records: store, monthlyImagesPerToken, now, ...relay });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: fixedPort }) as Server;
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    jobs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await jobs.stop();
      if (!shared) await store.close();
      if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
