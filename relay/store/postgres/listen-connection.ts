import pg from 'pg';
import { LocalEvents } from '../local-events';
import type { EventSubject, JobEvents } from '../store';
import { connectionConfig } from './database';
import { EVENTS_CHANNEL, payloadSubject } from './notify-channel';

/** Between tries to get the LISTEN connection back: soon at first, then every few seconds while the database stays away. */
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;
/**
 * A LISTEN connection only receives, so one whose peer vanished without a word would wait forever:
 * it is asked something this often, and given up when no answer comes in time.
 */
const CHECK = { everyMs: 10_000, timeoutMs: 5_000 };

/**
 * The instance's one LISTEN connection: what any instance NOTIFYs on the channel goes to this
 * process's waiters. It reconnects by itself; once it listens again it wakes every waiter, since
 * notifications sent while it was away are lost and the waiters must re-read.
 */
export class ListenConnection implements JobEvents {
  private readonly local = new LocalEvents();
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private check: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly url: string,
    private readonly checks = CHECK,
  ) {}

  /** The first connection, at open: a failure here rejects (the relay does not start). */
  async start(): Promise<void> {
    await this.connect();
  }

  subscribe(subject: EventSubject, listener: () => void): () => void {
    return this.local.subscribe(subject, listener);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(connectionConfig(this.url));
    client.on('notification', (message) => {
      const subject = payloadSubject(message.payload);
      if (subject) this.local.emit(subject);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    this.retryMs = RECONNECT_MIN_MS;
    const ask = { text: 'SELECT 1', query_timeout: this.checks.timeoutMs };
    this.check = setInterval(() => void client.query(ask).catch(() => this.lost(client)), this.checks.everyMs);
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.check);
    client.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.connect().then(
        () => this.local.emitAll(),
        () => {
          this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
          this.reconnectLater();
        },
      );
    }, this.retryMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.check);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
