import { closeSync, openSync, readSync } from 'node:fs';

// The snapshot is written as JSON with its version, database identity and rev first (paper-index.ts): reading
// its head tells doctor what it belongs to without loading the whole index.
const HEAD = /^\{"version":(\d+),"identity":"([^"]*)","rev":(\d+)/;

/** The database identity and rev a search snapshot was made from, or undefined when its head is unreadable. */
export function readSnapshotStamp(path: string): { identity: string; rev: number } | undefined {
  const head = Buffer.alloc(512);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const length = readSync(fd, head, 0, head.length, 0);
    const match = HEAD.exec(head.subarray(0, length).toString('utf8'));
    return match ? { identity: match[2] ?? '', rev: Number(match[3]) } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
