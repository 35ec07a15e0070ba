import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchRows, createGenerationQueue, EMPTY_QUEUE, type QueueState } from '../../ui/generation-queue';
import { type PollRetry, relayJobClient } from '../../ui/job-client';
import { outageText, relayOutage, secondsUntil } from '../../ui/relay-down';
import { MAX_UNREACHABLE_DELAY_MS, retryDelayMs } from '../../ui/retry-delay';
import type { VariantSpec } from '../../ui/variant-run';

const RELAY = { relayUrl: 'http://localhost:8787', accessToken: '' };

describe('a relay that is down, said once', () => {
  it('counts down to the next try in whole seconds', () => {
    const outage = { relayUrl: RELAY.relayUrl, retryAt: 10_000 };
    expect(outageText(outage, 6_100)).toBe("Can't reach the relay at http://localhost:8787: trying again in 4 s.");
    expect(outageText(outage, 9_001)).toBe("Can't reach the relay at http://localhost:8787: trying again in 1 s.");
    expect(outageText(outage, 10_000)).toBe("Can't reach the relay at http://localhost:8787: trying again now.");
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });

  it('is one outage for all the rows and the health check, the soonest try first', () => {
    const spec = { relay: RELAY } as VariantSpec;
    const running = (retry?: PollRetry) => ({ key: String(retry?.retryAt), batchId: 'b', runId: 'b', prompt: 'p', requestedAt: 0, attempt: 0, label: '', startedAt: 0, expectedSeconds: 90, retryable: true, spec, state: { phase: 'running' as const, jobId: 'j', retry } });
    const queue: QueueState = {
      rows: [
        running({ reason: 'down', retryAt: 9_000, unreachable: true }),
        running({ reason: 'down', retryAt: 7_000, unreachable: true }),
        running({ reason: 'The relay answered HTTP 502.', retryAt: 1_000, unreachable: false }),
        running(),
      ],
    };
    expect(relayOutage(queue)).toEqual({ relayUrl: RELAY.relayUrl, retryAt: 7_000 });
    expect(relayOutage(queue, { relayUrl: RELAY.relayUrl, retryAt: 5_000 })).toEqual({ relayUrl: RELAY.relayUrl, retryAt: 5_000 });
    expect(relayOutage(EMPTY_QUEUE)).toBeUndefined();
  });

  it('tries an unreachable relay at least every 4 s, however long it is away; an erring one backs off to 30 s', () => {
    expect([1, 2, 3, 4, 50].map((n) => retryDelayMs(n, 1000, true))).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(retryDelayMs(50, 1000, false)).toBe(30_000);
    expect(MAX_UNREACHABLE_DELAY_MS).toBeLessThan(5000);
  });
});

describe('waiting for an image while the relay is down for minutes', () => {
  let down = true;
  let pollsAt: number[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
    down = true;
    pollsAt = [];
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.includes('/v1/jobs/')) pollsAt.push(Date.now());
      if (down) throw new TypeError('fetch failed');
      if (url.endsWith('/image')) return new Response(new Uint8Array([1, 2, 3]));
      return Response.json({ id: 'job-1', status: 'succeeded', image: { width: 1024, height: 1024 } });
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('notices the relay’s return within 5 s after 10 minutes away, and says when each next try starts', async () => {
    const retries: (PollRetry | undefined)[] = [];
    const jobs = relayJobClient(RELAY);
    let result: unknown;
    void jobs.wait('job-1', { onRetry: (retry) => retries.push(retry) }).then((value) => (result = value));

    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const gaps = pollsAt.slice(1).map((at, i) => at - pollsAt[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(4000);
    const last = retries.at(-1)!;
    expect(last).toMatchObject({ unreachable: true, reason: expect.stringContaining("Can't reach the relay at http://localhost:8787") });
    expect(last.retryAt - Date.now()).toBeGreaterThan(0);
    expect(last.retryAt - Date.now()).toBeLessThanOrEqual(4000);

    down = false;
    const back = Date.now();
    await vi.advanceTimersByTimeAsync(5000);
    expect(result).toMatchObject({ width: 1024, height: 1024 });
    expect(pollsAt.at(-1)! - back).toBeLessThan(5000);
    expect(retries.at(-1)).toBeUndefined();
  });

  it('tries at once when Retry now is pressed, without waiting out the countdown', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      pollsAt.push(Date.now());
      if (down) throw new TypeError('fetch failed');
      return url.endsWith('/image') ? new Response(new Uint8Array([1])) : Response.json({ id: 'job-1', status: 'succeeded', image: { width: 8, height: 8 } });
    });
    const queue = createGenerationQueue({
      sandbox: { place: async () => ({ nodeId: '1:1', width: 8, height: 8 }), recordJob: async () => {}, jobStarted: () => {}, jobSettled: () => {}, exportLayers: async () => [],
        exportRegion: async () => {
          throw new Error('This test makes no region edit');
        },
      },
      jobsFor: (relay, wake) => relayJobClient(relay, undefined, wake),
      parallel: 1,
      onBatchSettled: () => {},
    });
    const spec = (_index: number, idempotencyKey: string): VariantSpec => ({
      job: { kind: 'started', id: 'job-1' },
      idempotencyKey,
      generation: { prompt: 'p', size: '1024x1024', sourceNodeIds: [], createdAt: '' },
      placement: { kind: 'beside' },
      referenceNames: [],
      relay: RELAY,
      startedAt: 0,
      notifyOnPlace: () => undefined,
    });
    queue.add(batchRows({ batchId: 'b', count: 1, label: String, spec, expectedSeconds: 90, now: 0 }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(relayOutage(queue.getState())).toBeDefined();
    const polls = pollsAt.length;

    down = false;
    queue.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(pollsAt.length).toBeGreaterThan(polls);
    expect(queue.getState().rows[0].state.phase).toBe('placed');
  });
});
