import { createLogger } from '../adapters/logger.ts';
import { createTerminalPoster } from '../adapters/terminal/digest-poster.ts';
import { COLOUR, PLAIN } from '../adapters/terminal/render.ts';
import { loadConfig, resolveStoreTarget } from '../config.ts';
import type { Platform } from '../core/digest/digest-store.ts';
import { type DigestPoster, runDueDigests, UNSENT_STATUSES } from '../core/digest/run-digests.ts';
import { PaperboyError } from '../core/errors.ts';
import { openSearch } from '../core/search/open-search.ts';
import { toPaperJson } from '../core/search/search-json.ts';
import { leaseOf, platformTimeoutOf } from './digest-lease-env.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';
import { openStores } from './open-stores.ts';
import { platformPosters } from './platform-posters.ts';
import { secretsOf } from './secrets.ts';
import { interruptedExit, stopTakingDigests } from './shutdown.ts';

/**
 * `paperboy digest run [--now ISO] [--json]`: runs whatever is due at that time once, then exits: 0 when every
 * due digest went out (or had nothing to send), 1 when one could not be sent (a platform refused, the database
 * stayed locked), so that cron reports it; the ledger keeps such a digest and the next run sends it.
 */
export async function runDigestRun(io: CliIo, flags: { db?: string; now?: string; json?: boolean }): Promise<number> {
  const config = loadConfig(io.env);
  const now = flags.now ? new Date(flags.now) : io.clock();
  if (Number.isNaN(now.getTime())) {
    throw new PaperboyError(
      'usage',
      `--now "${flags.now}" is not a time. Use ISO 8601, like 2026-03-30T09:00:00+02:00.`,
    );
  }
  const stores = await openStores(resolveStoreTarget(flags.db, io.env), {
    env: io.env,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  const { store } = stores;
  try {
    const { search } = await openSearch({ store, text: stores.text, citations: stores.enrichment }, stores.searchPath);
    const logger = createLogger(io.stderr, { env: io.env, secrets: secretsOf(config) });
    const style = io.stdout.isTTY && !io.env.NO_COLOR ? COLOUR : PLAIN;
    const all: Partial<Record<Platform, DigestPoster>> = {
      ...platformPosters(config, logger, platformTimeoutOf(io.env)),
      terminal: createTerminalPoster((text) => {
        if (!flags.json) io.stdout.write(`${text}\n`);
      }, style),
    };
    // SIGINT/SIGTERM: the digest in flight finishes and is recorded; the others wait for the next run.
    const posters = io.signal ? stopTakingDigests(all, io.signal) : all;
    const outcomes = await runDueDigests({
      store,
      digests: stores.digests,
      figures: stores.enrichment,
      taste: stores.taste,
      search,
      posters,
      now,
      maxLateMinutes: config.PAPERBOY_DIGEST_MAX_LATE,
      log: (line) => logger.info(line),
      // Leases are timed by the database's clock; this machine's is checked against it, whatever --now says.
      clock: () => io.clock().getTime(),
      // Without --now, ledger rows dated more than a day past the database's clock are stale (docs/digests.md).
      realTime: !flags.now,
      ...leaseOf(io.env),
    });
    if (flags.json) {
      // Papers in the one JSON shape every command prints; a digest ranks nothing, so `score` is null.
      const digests = [];
      for (const outcome of outcomes) {
        const papers = await store.getPapers(outcome.papers.map((p) => p.id));
        digests.push({
          ...outcome,
          papers: papers.map((paper) => ({
            ...toPaperJson({ paper, score: 0, matchedTerms: [], profiles: [] }),
            score: null,
          })),
        });
      }
      writeJson(io, { digests });
    }
    if (io.signal?.aborted) {
      io.stderr.write(
        `paperboy: stopped by ${String(io.signal.reason)}; the digests not sent go out at the next run\n`,
      );
      return interruptedExit(io.signal);
    }
    const failed = outcomes.filter((o) => UNSENT_STATUSES.includes(o.status));
    if (failed.length === 0) return EXIT.ok;
    io.stderr.write(
      `error: ${failed.length === 1 ? 'a due digest' : `${failed.length} due digests`} could not be sent (${failed.map((o) => `#${o.subscription}`).join(', ')}); the reason is logged above. Nothing is lost: the next "paperboy digest run" sends them.\n`,
    );
    return EXIT.failed;
  } finally {
    await stores.close();
  }
}
