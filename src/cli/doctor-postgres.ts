import { existsSync } from 'node:fs';
import { pgAddressOf } from '../config.ts';
import { snapshotPathFor } from '../core/search/paper-index.ts';
import { type DoctorCheck, fail, ok, warn } from './doctor-check.ts';
import { futureRunsCheck } from './doctor-local.ts';
import { readSnapshotStamp } from './snapshot-stamp.ts';

const SNAPSHOT_WORTH_IT = 2000;

/**
 * Doctor's store checks on PostgreSQL (DATABASE_URL): `database` connects and counts, `migrations` is the schema
 * version, `search_snapshot` looks at the local search cache's snapshot, `subscription_time_zones` as on SQLite.
 * Messages name the host and port, never the password. SQLite's quick_check does not apply.
 */
export async function checkPgDatabase(url: string, searchPath: string): Promise<DoctorCheck[]> {
  const { inspectPg } = await import('../adapters/postgres/pg-doctor.ts');
  const where = pgAddressOf(url);
  const facts = await inspectPg(url);
  const dependent = ['migrations', 'search_snapshot', 'subscription_time_zones'] as const;
  if (!facts.reachable)
    return [
      fail(
        'database',
        facts.message,
        `Start PostgreSQL at ${where} or correct DATABASE_URL (host, port, user, password, database); unset it to use SQLite.`,
      ),
      ...dependent.map((id) => fail(id, 'not checked: PostgreSQL cannot be reached', 'Fix the database first.')),
    ];
  try {
    if (facts.version === 0) {
      const fix =
        'Run "paperboy ingest data/profiles" or "paperboy start" with DATABASE_URL set: it creates the schema.';
      return [
        ok('database', `PostgreSQL at ${where} answers (no Paperboy schema yet)`),
        warn('migrations', 'schema version 0: Paperboy never ran on this database', fix),
        ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
          warn(id, 'not checked: no schema yet', fix),
        ),
      ];
    }
    if (facts.version !== facts.current) {
      const newer = facts.version > facts.current;
      const message = `PostgreSQL schema version ${facts.version}, this Paperboy is at ${facts.current}`;
      const fix = newer
        ? 'Update Paperboy to the version that wrote this database.'
        : 'Run any paperboy command that writes (ingest, start): it migrates the database first.';
      return [
        ok('database', `PostgreSQL at ${where} answers`),
        newer ? fail('migrations', message, fix) : warn('migrations', message, fix),
        ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
          warn(id, 'not checked: the schema is of another version', fix),
        ),
      ];
    }
    const papers = facts.counts?.papers ?? 0;
    const profiles = facts.counts?.profiles ?? 0;
    const bad = facts.subscriptions.filter((s) => !isTimeZone(s.tz));
    return [
      ok(
        'database',
        `PostgreSQL at ${where}: ${papers.toLocaleString('en-US')} papers, ${profiles.toLocaleString('en-US')} profiles (quick_check is not used with PostgreSQL)`,
      ),
      ok('migrations', `PostgreSQL schema version ${facts.version}, current`),
      await checkCacheSnapshot(searchPath, papers, facts),
      bad.length === 0
        ? futureRunsCheck(`${facts.subscriptions.length} subscriptions, every time zone valid`, facts.futureRuns ?? [])
        : fail(
            'subscription_time_zones',
            `unknown time zones: ${bad.map((s) => `subscription ${s.id} "${s.tz}"`).join(', ')}`,
            "Unsubscribe those digests and subscribe again with a zone such as Europe/Berlin (or update Node's time zone data).",
          ),
    ];
  } finally {
    await facts.close();
  }
}

async function checkCacheSnapshot(
  searchPath: string,
  papers: number,
  facts: { identity?: string; maxRev?: number; behind?: (rev: number) => Promise<number> },
): Promise<DoctorCheck> {
  const path = snapshotPathFor(searchPath) ?? searchPath;
  const rebuild = `Run "paperboy search x" once with this PAPERBOY_SEARCH_CACHE: it rebuilds the search cache at ${searchPath}.`;
  if (!existsSync(path))
    return papers > SNAPSHOT_WORTH_IT
      ? warn(
          'search_snapshot',
          `no search snapshot at ${path} for ${papers.toLocaleString('en-US')} papers: the next start builds the index from PostgreSQL, slowly`,
          rebuild,
        )
      : ok(
          'search_snapshot',
          `no snapshot needed below ${SNAPSHOT_WORTH_IT.toLocaleString('en-US')} papers (cache ${searchPath})`,
        );
  const stamp = readSnapshotStamp(path);
  if (!stamp) return warn('search_snapshot', `${path} is damaged or of another format: it will be rebuilt`, rebuild);
  if (stamp.identity !== facts.identity)
    return warn('search_snapshot', `${path} was made for another database: it will be rebuilt`, rebuild);
  if (stamp.rev > (facts.maxRev ?? 0))
    return warn(
      'search_snapshot',
      `${path} is ahead of the database (restored from another copy?): it will be rebuilt`,
      rebuild,
    );
  const behind = (await facts.behind?.(stamp.rev)) ?? 0;
  return behind > SNAPSHOT_WORTH_IT
    ? warn(
        'search_snapshot',
        `the search snapshot at ${path} is ${behind.toLocaleString('en-US')} papers behind the database`,
        rebuild,
      )
    : ok(
        'search_snapshot',
        `the search snapshot at ${path} matches the database${behind ? ` (${behind} papers to catch up at start)` : ''}`,
      );
}

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
