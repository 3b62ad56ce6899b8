import { readFile, stat } from 'node:fs/promises';
import { PaperboyError } from '../core/errors.ts';
import type { BibLibrary } from '../core/foryou/bib-library.ts';
import { BIB_MAX_BYTES, parseBibLibrary } from '../core/foryou/bib-library.ts';
import { importLibrary } from '../core/foryou/import-library.ts';
import { ownerKey, parseUserKey, TERMINAL_READER } from '../core/foryou/owner-key.ts';
import type { TasteStore } from '../core/foryou/taste-store.ts';
import type { Reader } from '../core/reading/reading-list-store.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

/** Reads and parses a `.bib` file: at most 10 MB, BibTeX, or our error (exit 1) before anything is stored. */
export async function readBibFile(file: string): Promise<BibLibrary> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (error) {
    throw new PaperboyError(
      'file_unreadable',
      `cannot read ${file}: ${(error as Error).message}. Give the path of a BibTeX (.bib) file.`,
      { cause: error },
    );
  }
  if (size > BIB_MAX_BYTES)
    throw new PaperboyError(
      'file_unreadable',
      `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; an import reads at most 10 MB. Export a smaller collection, or split the library into several files.`,
    );
  return parseBibLibrary(await readFile(file, 'utf8'), file);
}

/** Resolves the `--user` of `saved import` before any store opens (a bad key is a usage error, exit 2). */
export const importReader = (user: string | undefined): Reader =>
  user === undefined ? TERMINAL_READER : parseUserKey(user);

/** `paperboy saved import FILE.bib`: a reference manager's library into a person's reading list and taste. */
export async function runSavedImport(
  file: string,
  reader: Reader,
  library: BibLibrary,
  deps: { store: PaperStore; taste: TasteStore },
  io: CliIo,
  json: boolean,
): Promise<number> {
  const summary = await importLibrary(deps, reader, library, io.clock());
  if (json) {
    writeJson(io, { user: ownerKey(reader), ...summary });
    return EXIT.ok;
  }
  const lines = [
    `${file}: ${summary.entries} entries read, ${summary.matched} found in the index, ${summary.added} added to the reading list of ${ownerKey(reader)}.`,
  ];
  if (summary.matched > summary.added)
    lines.push(
      `${summary.matched - summary.added} were on the list already (or it is full): they still count as taste.`,
    );
  if (summary.unmatched.length) {
    lines.push(`Not in the index (${summary.unmatched.length}):`);
    for (const u of summary.unmatched.slice(0, 20)) lines.push(`  ${u.key}: ${u.title}`);
    if (summary.unmatched.length > 20) lines.push(`  … and ${summary.unmatched.length - 20} more (see --json)`);
  }
  for (const e of summary.errors.slice(0, 20)) lines.push(`skipped at line ${e.line}: ${e.message}`);
  io.stdout.write(toPrintable(`${lines.join('\n')}\n`));
  return EXIT.ok;
}
