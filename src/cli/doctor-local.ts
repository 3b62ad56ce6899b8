import { existsSync, statSync } from 'node:fs';
import { MIGRATIONS } from '../adapters/sqlite/sqlite-migrations.ts';
import { collectFiles } from '../core/ingest/ingest-files.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { type DoctorCheck, type DoctorCheckId, fail, ok, warn } from './doctor-check.ts';
import { readSnapshotStamp } from './snapshot-stamp.ts';

type Store = PaperStore & { db: import('better-sqlite3').Database };
/** What `inspectSqliteFile` finds. */
type SqliteFileFacts = { quickCheck: string; version: number; tables: number; paperboy: boolean };

const MIN_NODE = 20;
// Below this many papers the index builds from the database in milliseconds: no snapshot is needed (the
// same number of changed papers makes `search` and `start` write one).
const SNAPSHOT_WORTH_IT = 2000;

/** Node 20 or newer. */
export function checkNode(version = process.versions.node): DoctorCheck {
  const major = Number(version.split('.')[0]);
  return major >= MIN_NODE
    ? ok('node', `Node ${version}`)
    : fail('node', `Node ${version} is too old`, `Install Node ${MIN_NODE} or newer (https://nodejs.org).`);
}

/**
 * The checks that need the database: it opens and passes `PRAGMA quick_check`, its migrations are current, the
 * search snapshot is of this database and not far behind it, and the subscriptions' time zones exist.
 * `open` is only called when the file exists: doctor never creates a database.
 */
export async function checkDatabase(
  dbPath: string,
  open: () => Store,
  inspect: () => SqliteFileFacts,
): Promise<DoctorCheck[]> {
  const dependent: DoctorCheckId[] = ['migrations', 'search_snapshot', 'subscription_time_zones'];
  if (!existsSync(dbPath)) {
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
  let inspected: SqliteFileFacts;
  try {
    inspected = inspect();
  } catch (error) {
    return broken(
      `${dbPath} does not open as a SQLite database: ${(error as Error).message}`,
      'Point --db / PAPERBOY_DB at the Paperboy database, or restore it from a backup.',
      'the database does not open',
    );
  }
  if (inspected.quickCheck !== 'ok')
    return broken(
      `${dbPath} is damaged: quick_check says ${inspected.quickCheck.slice(0, 200)}`,
      'Stop Paperboy and restore the database from a backup (paperboy backup makes them), or delete it and ingest again.',
      'the database is damaged',
    );
  if (inspected.version === 0 && inspected.tables > 0 && !inspected.paperboy)
    return broken(
      `${dbPath} is a SQLite database, but not a Paperboy database (no papers table)`,
      "Point --db / PAPERBOY_DB at the Paperboy database; a command that writes would add Paperboy's tables to this one.",
      'not a Paperboy database',
    );
  // A schema of another version: the store's statements may not prepare on it, so it is not opened.
  if (inspected.version < MIGRATIONS.length) {
    const migrations = checkMigrations(inspected.version);
    return [
      ok('database', `${dbPath} opens and passes quick_check`),
      migrations,
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        warn(id, 'not checked: the schema is older than this Paperboy', migrations.fix),
      ),
    ];
  }
  let store: Store;
  try {
    store = open();
  } catch (error) {
    return [
      ok('database', `${dbPath} opens and passes quick_check`),
      checkMigrations(inspected.version),
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        fail(id, `not checked: ${(error as Error).message}`, 'Fix the database first.'),
      ),
    ];
  }
  try {
    const papers = (await store.counts()).papers;
    return [
      ok('database', `${dbPath} opens and passes quick_check (${papers.toLocaleString('en-US')} papers)`),
      checkMigrations(store.db.pragma('user_version', { simple: true }) as number),
      await checkSnapshot(store, dbPath, papers),
      checkTimeZones(store),
    ];
  } catch (error) {
    return [
      ok('database', `${dbPath} opens and passes quick_check`),
      checkMigrations(store.db.pragma('user_version', { simple: true }) as number),
      ...(['search_snapshot', 'subscription_time_zones'] as const).map((id) =>
        fail(
          id,
          `not checked: ${(error as Error).message}`,
          'Run "paperboy start" once to bring the database up to date.',
        ),
      ),
    ];
  } finally {
    await store.close();
  }
}

function checkMigrations(version: number): DoctorCheck {
  const current = MIGRATIONS.length;
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

async function checkSnapshot(store: Store, dbPath: string, papers: number): Promise<DoctorCheck> {
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
  if (stamp.identity !== (await store.identity()))
    return warn('search_snapshot', `${path} was made for another database: it will be rebuilt`, rebuild);
  const maxRev = await store.maxRev();
  if (stamp.rev > maxRev)
    return warn(
      'search_snapshot',
      `${path} is ahead of the database (restored from another copy?): it will be rebuilt`,
      rebuild,
    );
  const behind = (store.db.prepare('SELECT count(*) AS n FROM papers WHERE rev > ?').get(stamp.rev) as { n: number }).n;
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

function checkTimeZones(store: Store): DoctorCheck {
  const rows = store.db.prepare('SELECT id, tz FROM subscriptions').all() as { id: number; tz: string }[];
  const bad = rows.filter((r) => !isTimeZone(r.tz));
  // SQLite's clock is this machine's.
  const future = store.db
    .prepare('SELECT id, subscription_id, due_at FROM digest_runs WHERE due_at > ? ORDER BY due_at')
    .all(new Date().toISOString()) as FutureRun[];
  if (bad.length === 0) return futureRunsCheck(`${rows.length} subscriptions, every time zone valid`, future);
  return fail(
    'subscription_time_zones',
    `unknown time zones: ${bad.map((r) => `subscription ${r.id} "${r.tz}"`).join(', ')}`,
    "Unsubscribe those digests and subscribe again with a zone such as Europe/Berlin (or update Node's time zone data).",
  );
}

/** A digest ledger row dated after the database's clock (`digest run --now` ahead of the clock made it). */
export interface FutureRun {
  id: number;
  subscription_id: number;
  due_at: string;
}

/**
 * Subscriptions held by ledger rows dated after the database's clock: each is named (a later due time is not
 * made until then; `start` and `digest run` without `--now` ignore rows more than a day ahead as stale).
 */
export function futureRunsCheck(zones: string, future: FutureRun[]): DoctorCheck {
  if (future.length === 0) return ok('subscription_time_zones', zones);
  const named = future
    .slice(0, 10)
    .map((r) => `subscription ${r.subscription_id} (pb-digest-${r.id}, due ${r.due_at})`)
    .join(', ');
  return warn(
    'subscription_time_zones',
    `${zones}; ${future.length} digest ledger row${future.length === 1 ? '' : 's'} dated in the future (made by "digest run --now" ahead of the clock): ${named}${future.length > 10 ? ', …' : ''}`,
    'Runs at an earlier time report them as blocked_by_future_run; "start" and "digest run" without --now ignore rows more than a day ahead. To drop one: DELETE FROM digest_runs WHERE id = N.',
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

/** The profiles folder exists and how many pages (`*.txt`) it holds. */
export function checkProfiles(folder: string): DoctorCheck {
  const fix = 'Set PAPERBOY_PROFILES (or start --profiles) to the folder of profile pages, or create it.';
  if (!existsSync(folder)) return warn('profiles', `the profiles folder ${folder} does not exist`, fix);
  if (!statSync(folder).isDirectory()) return fail('profiles', `${folder} is a file, not a folder`, fix);
  const pages = collectFiles([folder]).files.filter((f) => f.toLowerCase().endsWith('.txt')).length;
  return ok('profiles', `${folder}: ${pages} page${pages === 1 ? '' : 's'}`);
}
