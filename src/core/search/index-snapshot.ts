import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

// 7: facts and counts as base64 typed arrays, the vocabulary as one string: a JSON of a few values, not of
//    millions (at 191k papers the old snapshot took 6 s to parse, at 1M it would not have fit the targets);
// 6: no MiniSearch document index; 5: the identity of the database; terms folded with NFD.
export const SNAPSHOT_VERSION = 7;

/**
 * The snapshot file: a JSON object whose large parts are typed arrays in base64 (little-endian, as the machines
 * Node runs on are) and the vocabulary as one string of words joined by newlines, so loading parses a handful
 * of JSON values and copies bytes. `version`, `identity` and `rev` stay plain fields, readable by anyone.
 */
export interface SnapshotFile {
  version: number;
  /** The identity of the database the snapshot was made from (see `PaperStore.identity`). */
  identity: string;
  rev: number;
  /** How many papers the facts hold. */
  papers: number;
  /** Each distinct set of (folded) categories. */
  categorySets: string[][];
  /** Indexed by paper id: first and last day (Int32), flags (Uint8: 1 present, 2 code), category set (Uint32). */
  from: string;
  to: string;
  flags: string;
  categorySet: string;
  /** Title words in UTF-16 code unit order, joined by "\n"; and how many titles hold each (Uint32). */
  words: string;
  counts: string;
}

export interface SnapshotParts {
  identity: string;
  rev: number;
  papers: number;
  categorySets: string[][];
  from: Int32Array;
  to: Int32Array;
  flags: Uint8Array;
  categorySet: Uint32Array;
  words: readonly string[];
  counts: Uint32Array;
}

const toBase64 = (array: ArrayBufferView): string =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

/**
 * The bytes of a base64 string in an ArrayBuffer of their own (a small Buffer shares a pool and may not start
 * on a multiple of the element width), or undefined when they are not whole elements of `width` bytes.
 */
function bytesOf(text: unknown, width: number): ArrayBuffer | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % width !== 0) return undefined;
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/** Writes the snapshot atomically (temp file, then rename), so a reader never sees half of it. */
export function writeSnapshot(path: string, parts: SnapshotParts): void {
  const file: SnapshotFile = {
    version: SNAPSHOT_VERSION,
    identity: parts.identity,
    rev: parts.rev,
    papers: parts.papers,
    categorySets: parts.categorySets,
    from: toBase64(parts.from),
    to: toBase64(parts.to),
    flags: toBase64(parts.flags),
    categorySet: toBase64(parts.categorySet),
    words: parts.words.join('\n'),
    counts: toBase64(parts.counts),
  };
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(file));
    renameSync(temp, path);
  } catch (error) {
    // A full disk or a folder in the way: leave no temp file behind (one per failed write adds up).
    rmSync(temp, { force: true });
    throw error;
  }
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * The parts of a snapshot of this format that agree with one another; anything else (another version, a file
 * cut short or edited by hand, a paper counted twice, a word in more titles than there are papers) is
 * undefined, and the index is rebuilt from the database. One pass over the arrays: a few milliseconds.
 */
export function readSnapshot(path: string): (SnapshotParts & { words: string[] }) | undefined {
  if (!existsSync(path)) return undefined;
  let file: Partial<SnapshotFile> | null;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<SnapshotFile> | null;
  } catch {
    // A damaged snapshot is only a cache: rebuild from the database.
    return undefined;
  }
  if (typeof file !== 'object' || file === null || file.version !== SNAPSHOT_VERSION) return undefined;
  const { identity, rev, papers, categorySets, words } = file;
  if (typeof identity !== 'string' || !isCount(rev) || !isCount(papers) || typeof words !== 'string') return undefined;
  if (
    !Array.isArray(categorySets) ||
    !categorySets.every((s) => Array.isArray(s) && s.every((c) => typeof c === 'string'))
  )
    return undefined;
  const bytes = [bytesOf(file.from, 4), bytesOf(file.to, 4), bytesOf(file.flags, 1)];
  const more = [bytesOf(file.categorySet, 4), bytesOf(file.counts, 4)];
  const [fromBytes, toBytes, flagBytes] = bytes;
  const [setBytes, countBytes] = more;
  if (!fromBytes || !toBytes || !flagBytes || !setBytes || !countBytes) return undefined;
  const from = new Int32Array(fromBytes);
  const to = new Int32Array(toBytes);
  const flags = new Uint8Array(flagBytes);
  const categorySet = new Uint32Array(setBytes);
  const counts = new Uint32Array(countBytes);
  const length = flags.length;
  if (from.length !== length || to.length !== length || categorySet.length !== length) return undefined;
  let present = 0;
  for (let id = 0; id < length; id++) {
    const f = flags[id] as number;
    if (f === 0) continue;
    if (f > 3 || (from[id] as number) < 0 || (to[id] as number) < 0) return undefined;
    if ((categorySet[id] as number) >= categorySets.length) return undefined;
    present++;
  }
  if (present !== papers) return undefined;
  const list = words === '' ? [] : words.split('\n');
  if (list.length !== counts.length) return undefined;
  for (let i = 0; i < list.length; i++) {
    const count = counts[i] as number;
    // Each word once, in order, and in no more titles than there are papers: else the parts disagree.
    if (count === 0 || count > papers || list[i] === '' || (i > 0 && (list[i - 1] as string) >= (list[i] as string)))
      return undefined;
  }
  return { identity, rev, papers, categorySets, from, to, flags, categorySet, words: list, counts };
}
