import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MIN_VERSION = 13;
const INSTALL_HINT = "Install Debian's `postgresql` package (`apt-get install postgresql`; `.ci/run` does it on CI) and run the tests again.";

/** A throwaway PostgreSQL server for one test run, reachable on loopback with a password. */
export interface PostgresCluster {
  /** The superuser's URL to its `postgres` database. */
  url: string;
  /** Stops the server and removes everything it wrote. */
  stop(): Promise<void>;
  /** The server's main process (its backends are its children), for the bench's CPU counts. */
  serverPid(): number;
}

/** Why the cluster cannot be made here, said so that whoever reads it knows what to install. */
export class PostgresMissingError extends Error {}

interface Binaries {
  initdb: string;
  pgCtl: string;
}

/** Where to look for the server's programs; tests of the harness point these at empty places. */
export interface BinarySearch {
  root?: string;
  path?: string;
}

/** Debian keeps each major version in /usr/lib/postgresql/<major>/bin, off PATH: take the newest, else what PATH has. */
async function findBinaries({ root = '/usr/lib/postgresql', path = process.env.PATH ?? '' }: BinarySearch): Promise<Binaries> {
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => b - a) : [];
  const bin = majors.map((major) => join(root, String(major), 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  const found = bin
    ? { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl') }
    : await Promise.all(['initdb', 'pg_ctl'].map((name) => run('/bin/sh', ['-c', `command -v ${name}`], { env: { PATH: path } })))
        .then(([initdb, pgCtl]) => ({ initdb: initdb.stdout.trim(), pgCtl: pgCtl.stdout.trim() }))
        .catch(() => undefined);
  if (!found) throw new PostgresMissingError(`PostgreSQL's initdb and pg_ctl were not found (in /usr/lib/postgresql/<version>/bin or on PATH). ${INSTALL_HINT}`);
  const { stdout } = await run(found.initdb, ['--version']);
  const major = Number(/(\d+)(\.\d+)?/.exec(stdout)?.[1]);
  if (!(major >= MIN_VERSION)) throw new PostgresMissingError(`The tests need PostgreSQL ${MIN_VERSION} or later; ${found.initdb} is "${stdout.trim()}". ${INSTALL_HINT}`);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root, so as root every server command runs as Debian's `postgres` user. */
function asServerUser(): (command: string, args: string[]) => Promise<unknown> {
  if (userInfo().uid !== 0) return (command, args) => run(command, args);
  return (command, args) => run('runuser', ['-u', 'postgres', '--', command, ...args]);
}

/**
 * Makes and starts a cluster in a new temporary directory: listening on 127.0.0.1 only (on a free
 * port; its unix socket in that directory, never in /run), a password for TCP, and durability off
 * (no fsync), since it lives for one test run and starts on every `npm test`.
 */
export async function startPostgresCluster(search: BinarySearch = {}): Promise<PostgresCluster> {
  const { initdb, pgCtl } = await findBinaries(search);
  const asServer = asServerUser();
  const dir = await mkdtemp(join(tmpdir(), 'reimage-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const stop = async () => {
    await asServer(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w', '-s']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (userInfo().uid === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
        throw new PostgresMissingError(`Tests run as root, and PostgreSQL must run as the \`postgres\` user, which does not exist. ${INSTALL_HINT}`);
      });
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout), Number(group));
    }
    const password = randomBytes(18).toString('hex');
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, password, { mode: 0o644 });
    await asServer(initdb, [
      '--no-sync', '--no-instructions', '-D', data, '-U', 'postgres', '--pwfile', passwordFile,
      '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8',
    ]);
    await rm(passwordFile);
    // Another process may take the free port before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [
        `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`,
        '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300',
      ].join(' ');
      try {
        await asServer(pgCtl, ['start', '-D', data, '-l', log, '-w', '-s', '-o', options]);
        const serverPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop, serverPid };
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  } catch (error) {
    const serverLog = await readFile(log, 'utf8').catch(() => '');
    await stop();
    if (error instanceof PostgresMissingError) throw error;
    const output = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`The tests' PostgreSQL cluster did not start: ${output}${serverLog ? `\nServer log:\n${serverLog.slice(-2000)}` : ''}`);
  }
}
