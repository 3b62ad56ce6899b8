import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger.ts';
import type { PaperIndex } from '../core/search/paper-index.ts';
import { STORE_CLOSED, type StoreProbe } from '../core/store/store-engine.ts';

// The index may lag the database by this many papers and still be ready: catching up that many takes well
// under a second, at the next query.
export const READY_WITHIN_PAPERS = 2000;

export interface HealthAnswer {
  status: number;
  body: string;
}

/**
 * What `/readyz` reports for a running `start`: the database is open, the search index is within
 * {@link READY_WITHIN_PAPERS} papers of it, each configured platform is connected, and the process is not
 * shutting down. The serving code tells it as each part comes up.
 */
export function createReadiness(probe: StoreProbe, platforms: readonly string[]) {
  let index: PaperIndex | undefined;
  let stopping = false;
  let catchingUp = false;
  const connected = new Map<string, () => boolean>();

  const reasons = (): string[] => {
    if (stopping) return ['shutting down'];
    const found: string[] = [];
    try {
      // The store answers (a cheap count), also while the index loads.
      const n = probe.behind(index?.rev ?? Number.MAX_SAFE_INTEGER);
      if (!index) found.push('loading the profiles folder and the search index');
      else {
        if (n > READY_WITHIN_PAPERS) {
          found.push(`the search index is ${n.toLocaleString('en-US')} papers behind the database`);
          // Catch up now rather than at the next query, so an idle bot becomes ready again by itself.
          if (!catchingUp) {
            catchingUp = true;
            setImmediate(() => {
              // A busy or unreachable database: the next probe asks again.
              Promise.resolve()
                .then(() => index?.sync())
                .catch(() => {})
                .finally(() => {
                  catchingUp = false;
                });
            });
          }
        }
      }
    } catch (error) {
      const message = (error as Error).message;
      found.push(message === STORE_CLOSED ? STORE_CLOSED : `the database does not answer: ${message}`);
    }
    for (const platform of platforms) {
      const isConnected = connected.get(platform);
      if (!isConnected) found.push(`${platform}: not connected yet`);
      else if (!isConnected()) found.push(`${platform}: disconnected`);
    }
    return found;
  };

  return {
    reasons,
    indexReady: (ready: PaperIndex) => {
      index = ready;
    },
    platformUp: (platform: string, isConnected: () => boolean) => {
      connected.set(platform, isConnected);
    },
    stopping: () => {
      stopping = true;
    },
    /** `/healthz`: alive. `/readyz`: 200 `{ ready: true }`, else 503 `{ ready: false, reasons }`. */
    answer(path: string): HealthAnswer | undefined {
      if (path === '/healthz') return { status: 200, body: JSON.stringify({ ok: true }) };
      if (path !== '/readyz') return undefined;
      const found = reasons();
      return {
        status: found.length ? 503 : 200,
        body: JSON.stringify(found.length ? { ready: false, reasons: found } : { ready: true }),
      };
    },
  };
}
export type Readiness = ReturnType<typeof createReadiness>;

/** `GET /healthz` and `GET /readyz` on `port` (0: any free port), for supervisors and load balancers. */
export async function startHealthServer(port: number, readiness: Readiness, logger: Logger) {
  const server = createServer((req, res) => {
    const answer = req.method === 'GET' ? readiness.answer((req.url ?? '').split('?')[0] ?? '') : undefined;
    res.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' });
    res.end(answer?.body ?? JSON.stringify({ error: 'not found: GET /healthz or /readyz' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  logger.info(`paperboy: health on port ${actual} (GET /healthz, /readyz)`);
  return {
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
