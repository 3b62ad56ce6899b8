import { existsSync, lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import { resolveStoreTarget } from '../config.ts';
import { PaperboyError } from '../core/errors.ts';
import { type CliIo, EXIT } from './io.ts';

/**
 * `paperboy backup FILE`: a consistent copy of the database through SQLite's online backup (better-sqlite3's
 * `.backup()`), safe while a bot or an ingest writes: the copy is of one moment. Written beside FILE first and
 * renamed once it passes `quick_check`, so FILE is never half a database.
 */
export async function runBackup(io: CliIo, file: string, flags: { db?: string }): Promise<number> {
  const target = resolveStoreTarget(flags.db, io.env);
  if (target.kind === 'postgres') {
    // The variable's name in the example, never its value: the command is pasted as it is, in a shell that has it.
    io.stderr.write(
      'backup: the store is PostgreSQL (DATABASE_URL); back it up with pg_dump, for example: pg_dump --format=custom --file=paperboy.dump "$DATABASE_URL"\n',
    );
    return EXIT.failed;
  }
  const dbPath = target.file;
  if (!existsSync(dbPath))
    throw new PaperboyError(
      'not_found',
      `no database at ${dbPath}. Point --db or PAPERBOY_DB at the database to copy.`,
    );
  // Through a symbolic link in FILE's folder, the file it names there is replaced (the link stays).
  const dest = refuseTarget(file, dbPath);
  const started = Date.now();
  const temp = `${dest}.${process.pid}.tmp`;
  const source = createSqliteStore(dbPath, { readonly: true });
  try {
    // After the first step, copy the rest in one step: pages a writer changes between steps make SQLite start over.
    await source.db.backup(temp, { progress: ({ totalPages }) => Math.max(100, totalPages) });
    const copy = createSqliteStore(temp, { readonly: true });
    try {
      const check = copy.db.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new PaperboyError(
          'file_unreadable',
          `the copy of ${dbPath} failed quick_check (${String(check)}). Run the backup again.`,
        );
      const { papers, profiles } = await copy.counts();
      renameSync(temp, dest);
      const megabytes = (statSync(dest).size / 1e6).toFixed(1);
      io.stdout.write(
        `backed up ${dbPath} to ${file}: ${papers.toLocaleString('en-US')} papers, ${profiles.toLocaleString('en-US')} profiles, ${megabytes} MB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    } finally {
      await copy.close();
    }
  } finally {
    await source.close();
    // Opening the copy (a WAL database) to check it made its -wal and -shm beside it: they go with it.
    for (const path of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(path, { force: true });
  }
  return EXIT.ok;
}

/**
 * FILE must be somewhere else than the database: renamed over the live database (or its WAL or shared memory), a
 * copy would leave a running bot writing to a deleted file. Its folder must exist. FILE is a new path or a
 * regular file: never a folder, a device (`/dev/full`), a FIFO or a socket, which a rename would replace. A
 * symbolic link is followed only to a regular file (or a new name) in FILE's own folder.
 *
 * @returns the path to write: FILE, or the file its link names
 */
function refuseTarget(file: string, dbPath: string): string {
  let target = resolve(file);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new PaperboyError(
      'not_found',
      `the folder ${folder} does not exist. Create it, or back up to another folder.`,
    );
  const kind = kindOf(target);
  if (kind === 'symlink') {
    const linked = resolve(folder, readlinkSync(target));
    const inFolder = existsSync(dirname(linked)) && realpathSync(dirname(linked)) === realpathSync(folder);
    const linkedKind = kindOf(linked);
    if (!inFolder || (linkedKind !== 'none' && linkedKind !== 'file'))
      throw new PaperboyError(
        'usage',
        `${file} is a symbolic link to ${linked}, ${inFolder ? `which is ${describeKind(linkedKind)}` : 'outside its folder'}: a backup never writes there. Name a new file for the copy.`,
      );
    target = join(folder, basename(linked));
  } else if (kind !== 'none' && kind !== 'file') {
    const hint =
      kind === 'folder'
        ? ` Name a file in it, e.g. ${join(file, 'paperboy-backup.db')}.`
        : ' Name a new file for the copy.';
    throw new PaperboyError(
      'usage',
      `${file} is ${describeKind(kind)}, not a file: a backup never replaces it.${hint}`,
    );
  }
  const real = (path: string) => join(realpathSync(dirname(resolve(path))), basename(path));
  const db = real(dbPath);
  const sameFile =
    existsSync(target) &&
    statSync(target).ino === statSync(dbPath).ino &&
    statSync(target).dev === statSync(dbPath).dev;
  const to = real(target);
  if (sameFile || to === db)
    throw new PaperboyError('usage', `${file} is the database itself. Name a new file for the copy, e.g. ${file}.bak.`);
  if (['-wal', '-shm', '-journal'].some((suffix) => to === `${db}${suffix}`))
    throw new PaperboyError('usage', `${file} belongs to the database ${dbPath}. Name a new file for the copy.`);
  return target;
}

type PathKind = 'none' | 'file' | 'folder' | 'symlink' | 'special';

/** What is at `path`, the link itself for a symbolic link. */
function kindOf(path: string): PathKind {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return 'none';
  }
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFile()) return 'file';
  return stat.isDirectory() ? 'folder' : 'special';
}

const describeKind = (kind: PathKind): string =>
  ({
    none: 'missing',
    file: 'a file',
    folder: 'a folder',
    symlink: 'a symbolic link',
    special: 'a device, FIFO or socket',
  })[kind];
