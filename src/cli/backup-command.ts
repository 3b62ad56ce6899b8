import { existsSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveStoreTarget } from '../config.ts';
import { PaperboyError } from '../core/errors.ts';
import { countOf } from '../core/text.ts';
import { type CliIo, EXIT } from './io.ts';
import { engineFor } from './open-stores.ts';

/**
 * `paperboy backup FILE`: a consistent copy of the database through the engine's online backup (SQLite's), safe
 * while a bot or an ingest writes: the copy is of one moment, and FILE is never half a database. An engine without
 * one (PostgreSQL) says how to back it up instead.
 */
export async function runBackup(io: CliIo, file: string, flags: { db?: string }): Promise<number> {
  const target = resolveStoreTarget(flags.db, io.env);
  const engine = await engineFor(target, { env: io.env });
  if (!engine.backup) {
    io.stderr.write(`backup: ${engine.backupAdvice ?? 'this store has no backup of its own'}\n`);
    return EXIT.failed;
  }
  const dbPath = engine.label;
  if (!existsSync(dbPath))
    throw new PaperboyError(
      'not_found',
      `no database at ${dbPath}. Point --db or PAPERBOY_DB at the database to copy.`,
    );
  // Through a symbolic link in FILE's folder, the file it names there is replaced (the link stays).
  const dest = refuseTarget(file, dbPath);
  const started = Date.now();
  const { papers, profiles, bytes } = await engine.backup(dest);
  io.stdout.write(
    `backed up ${dbPath} to ${file}: ${countOf(papers, 'paper')}, ${countOf(profiles, 'profile')}, ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
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
