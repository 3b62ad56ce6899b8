import { existsSync, statSync } from 'node:fs';
import { isTimeZone } from '../core/digest/schedule.ts';
import { collectFiles } from '../core/ingest/ingest-files.ts';
import type { FutureRun, StoreContents, StoreInspection } from '../core/store/store-engine.ts';
import { type DoctorCheck, type DoctorCheckId, fail, ok, warn } from './doctor-check.ts';
import { readSnapshotStamp } from './snapshot-stamp.ts';

const MIN_NODE = 20;
// Below this many papers the index builds from the database in milliseconds: no snapshot is needed (the
// same number of changed papers makes `search` and `start` write one).
export const SNAPSHOT_WORTH_IT = 2000;

/** Node 20 or newer. */
export function checkNode(version = process.versions.node): DoctorCheck {
  const major = Number(version.split('.')[0]);
  return major >= MIN_NODE
    ? ok('node', `Node ${version}`)
    : fail('node', `Node ${version} is too old`, `Install Node ${MIN_NODE} or newer (https://nodejs.org).`);
}

/**
 * The checks that need the database, over what the engine's `inspect()` found: it opens and passes
 * `PRAGMA quick_check`, its migrations are current, the search snapshot is of this database and not far behind
 * it, and the subscriptions' time zones exist. Doctor never creates a database.
 */
export async function checkDatabase(inspection: StoreInspection): Promise<DoctorCheck[]> {
  const dbPath = inspection.where;
  const dependent: DoctorCheckId[] = ['migrations', 'search_snapshot', 'subscription_time_zones'];
  const { problem, contents } = inspection;
  if (problem?.kind === 'missing') {
    const fix =
      'Run "paperboy ingest data/profiles" or "paperboy start", which create it, or point --db / PAPERBOY_DB at it.';
    return [
      warn('database', `no database at ${dbPath} yet`, fix),
      ...dependent.map((id) => warn(id, 'not checked: no database yet', fix)),
    ];
  }
  const broken = (message: string, fix: string, why: string) => [
    fail('database', message, fix),
    ...dependent.map((id) => fail(id, `not checked: ${why}`, 'Fix the database first.')),
  ];
  if (problem?.kind === 'unopenable' || problem?.kind === 'unreachable')
    return broken(
      `${dbPath} does not open as a SQLite database: ${problem.message}`,
      'Point --db / PAPERBOY_DB at the Paperboy database, or restore it from a backup.',
      'the database does not open',
    );
  if (problem?.kind === 'damaged')
    return broken(
      `${dbPath} is damaged: quick_check says ${problem.message.slice(0, 200)}`,
      'Stop Paperboy and restore the database from a backup (paperboy backup makes them), or delete it and ingest again.',
      'the database is damaged',
    );
  if (problem?.kind === 'foreign')
    return broken(
      `${dbPath} is a SQLite database, but not a Paperboy database (no papers table)`,
      "Point --db / PAPERBOY_DB at the Paperboy database; a command that writes would add Paperboy's tables to this one.",
      'not a Paperboy database',
    );
  const migrations = checkMigrations(inspection.version, inspection.current);
  // A schema of another version: the store's statements may not prepare on it, so it is not opened.
  if (!contents) {
    return [
      ok('database', `${dbPath} opens and passes quick_check`),
      migrations,
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        warn(id, 'not checked: the schema is older than this Paperboy', migrations.fix),
      ),
    ];
  }
  if ('error' in contents) {
    return [
      ok('database', `${dbPath} opens and passes quick_check`),
      migrations,
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        fail(
          id,
          `not checked: ${contents.error}`,
          contents.opened ? 'Run "paperboy start" once to bring the database up to date.' : 'Fix the database first.',
        ),
      ),
    ];
  }
  return [
    ok('database', `${dbPath} opens and passes quick_check (${contents.papers.toLocaleString('en-US')} papers)`),
    migrations,
    await checkSnapshot(contents, dbPath),
    checkTimeZones(contents.subscriptions, contents.futureRuns),
  ];
}

function checkMigrations(version: number, current: number): DoctorCheck {
  if (version === current) return ok('migrations', `schema version ${version}, current`);
  if (version > current)
    return fail(
      'migrations',
      `schema version ${version} is newer than this Paperboy (${current})`,
      'Update Paperboy to the version that wrote this database.',
    );
  return warn(
    'migrations',
    `schema version ${version}, this Paperboy is at ${current}`,
    'Run any paperboy command that writes (ingest, start): it migrates the database first.',
  );
}

async function checkSnapshot(contents: StoreContents, dbPath: string): Promise<DoctorCheck> {
  const { papers } = contents;
  const path = `${dbPath}.search-index.json`;
  // Quoted for the shell when it must be (`My Data/p.db`), so the fix can be pasted as it is.
  const db = /^[\w@%+=:,./-]+$/.test(dbPath) ? dbPath : `'${dbPath.replace(/'/g, `'\\''`)}'`;
  const rebuild = `Run "paperboy search x --db ${db}" once: it rebuilds the snapshot.`;
  if (!existsSync(path)) {
    return papers > SNAPSHOT_WORTH_IT
      ? warn(
          'search_snapshot',
          `no search snapshot beside ${papers.toLocaleString('en-US')} papers: the next start builds the index from the database, slowly`,
          rebuild,
        )
      : ok('search_snapshot', `no snapshot needed below ${SNAPSHOT_WORTH_IT.toLocaleString('en-US')} papers`);
  }
  const stamp = readSnapshotStamp(path);
  if (!stamp) return warn('search_snapshot', `${path} is damaged or of another format: it will be rebuilt`, rebuild);
  if (stamp.identity !== contents.identity)
    return warn('search_snapshot', `${path} was made for another database: it will be rebuilt`, rebuild);
  if (stamp.rev > contents.maxRev)
    return warn(
      'search_snapshot',
      `${path} is ahead of the database (restored from another copy?): it will be rebuilt`,
      rebuild,
    );
  const behind = await contents.behind(stamp.rev);
  return behind > SNAPSHOT_WORTH_IT
    ? warn(
        'search_snapshot',
        `the search snapshot is ${behind.toLocaleString('en-US')} papers behind the database`,
        rebuild,
      )
    : ok(
        'search_snapshot',
        behind === 0
          ? 'the search snapshot matches the database'
          : `the search snapshot matches the database (${behind} papers to catch up at start)`,
      );
}

/** Every subscription's time zone exists (on either engine). */
export function checkTimeZones(
  subscriptions: readonly { id: number; tz: string }[],
  futureRuns: readonly FutureRun[] = [],
): DoctorCheck {
  const bad = subscriptions.filter((r) => !isTimeZone(r.tz));
  if (bad.length === 0)
    return futureRunsCheck(`${subscriptions.length} subscriptions, every time zone valid`, futureRuns);
  return fail(
    'subscription_time_zones',
    `unknown time zones: ${bad.map((r) => `subscription ${r.id} "${r.tz}"`).join(', ')}`,
    "Unsubscribe those digests and subscribe again with a zone such as Europe/Berlin (or update Node's time zone data).",
  );
}

/** The profiles folder exists and how many pages (`*.txt`) it holds. */
export function checkProfiles(folder: string): DoctorCheck {
  const fix = 'Set PAPERBOY_PROFILES (or start --profiles) to the folder of profile pages, or create it.';
  if (!existsSync(folder)) return warn('profiles', `the profiles folder ${folder} does not exist`, fix);
  if (!statSync(folder).isDirectory()) return fail('profiles', `${folder} is a file, not a folder`, fix);
  const pages = collectFiles([folder]).files.filter((f) => f.toLowerCase().endsWith('.txt')).length;
  return ok('profiles', `${folder}: ${pages} page${pages === 1 ? '' : 's'}`);
}

/**
 * Also names the subscriptions held by ledger rows dated after the database's clock: no later digest of theirs is
 * made until then (a run at an earlier time reports `blocked_by_future_run`); `start` and `digest run` without
 * `--now` ignore rows more than a day ahead as stale.
 */
function futureRunsCheck(zones: string, future: readonly FutureRun[]): DoctorCheck {
  if (future.length === 0) return ok('subscription_time_zones', zones);
  const named = future
    .slice(0, 10)
    .map((r) => `subscription ${r.subscriptionId} (pb-digest-${r.id}, due ${r.dueAt})`)
    .join(', ');
  return warn(
    'subscription_time_zones',
    `${zones}; ${future.length} digest ledger row${future.length === 1 ? '' : 's'} dated in the future (made by "digest run --now" ahead of the clock): ${named}${future.length > 10 ? ', …' : ''}`,
    'Runs at an earlier time report them as blocked_by_future_run; "start" and "digest run" without --now ignore rows more than a day ahead. To drop one early, remove that row (its pb-digest number is its id in digest_runs) with the database\'s own client.',
  );
}
