import { existsSync } from 'node:fs';
import { snapshotPathFor } from '../core/search/paper-index.ts';
import type { StoreContents, StoreInspection } from '../core/store/store-engine.ts';
import { countOf } from '../core/text.ts';
import { type DoctorCheck, fail, ok, warn } from './doctor-check.ts';
import { checkTimeZones, SNAPSHOT_WORTH_IT } from './doctor-local.ts';
import { readSnapshotStamp } from './snapshot-stamp.ts';

/**
 * Doctor's store checks on PostgreSQL (DATABASE_URL), over what the engine's `inspect()` found: `database`
 * connects and counts, `migrations` is the schema version, `search_snapshot` looks at the local search cache's
 * snapshot, `subscription_time_zones` as on SQLite. Messages name the host and port, never the password. SQLite's
 * quick_check does not apply.
 */
export async function checkPgDatabase(inspection: StoreInspection, searchPath: string): Promise<DoctorCheck[]> {
  const where = inspection.where;
  const dependent = ['migrations', 'search_snapshot', 'subscription_time_zones'] as const;
  if (inspection.problem)
    return [
      fail(
        'database',
        'message' in inspection.problem ? inspection.problem.message : `PostgreSQL at ${where} cannot be used`,
        `Start PostgreSQL at ${where} or correct DATABASE_URL (host, port, user, password, database); unset it to use SQLite.`,
      ),
      ...dependent.map((id) => fail(id, 'not checked: PostgreSQL cannot be reached', 'Fix the database first.')),
    ];
  const { version, current, contents } = inspection;
  if (version === 0) {
    const fix = 'Run "paperboy ingest data/profiles" or "paperboy start" with DATABASE_URL set: it creates the schema.';
    return [
      ok('database', `PostgreSQL at ${where} answers (no Paperboy schema yet)`),
      warn('migrations', 'schema version 0: Paperboy never ran on this database', fix),
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        warn(id, 'not checked: no schema yet', fix),
      ),
    ];
  }
  if (version !== current || !contents || 'error' in contents) {
    const newer = version > current;
    const message = `PostgreSQL schema version ${version}, this Paperboy is at ${current}`;
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
  return [
    ok(
      'database',
      `PostgreSQL at ${where}: ${countOf(contents.papers, 'paper')}, ${countOf(contents.profiles, 'profile')} (quick_check is not used with PostgreSQL)`,
    ),
    ok('migrations', `PostgreSQL schema version ${version}, current`),
    await checkCacheSnapshot(searchPath, contents),
    checkTimeZones(contents.subscriptions, contents.futureRuns),
  ];
}

async function checkCacheSnapshot(searchPath: string, facts: StoreContents): Promise<DoctorCheck> {
  const { papers } = facts;
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
  if (stamp.rev > facts.maxRev)
    return warn(
      'search_snapshot',
      `${path} is ahead of the database (restored from another copy?): it will be rebuilt`,
      rebuild,
    );
  const behind = await facts.behind(stamp.rev);
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
