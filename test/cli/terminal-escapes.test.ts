import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Clear the screen, home the cursor, set the window title, colour red, carriage return, backspace.
const ESCAPES = '\u001b[2J\u001b[H\u001b]0;pwned\u0007\u009b31m\r\u0008';
// Any C0/C1 control character but newline and tab would reach the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point here
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const record = (title: string, author: string) =>
  JSON.stringify({
    title,
    authors: [author, 'Plain Author'],
    affiliations: [`Lab ${ESCAPES}`],
    date: '2026-01-02',
    category: `cs.CL${ESCAPES}`,
    abstract: `Abstract ${ESCAPES}`,
  });

describe('the command line prints nothing that drives the terminal', () => {
  const tempDir = useTempDir();

  it('H10 `search` text output strips escape sequences from titles, authors, categories and the query echo', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const file = join(dir, 'papers.jsonl');
    writeFileSync(file, `${record(`Hostile escapes ${ESCAPES} title`, `Mallory ${ESCAPES}`)}\n`);
    expect((await runPaperboy(['ingest', file, '--db', db])).code).toBe(0);

    const found = await runPaperboy(['search', 'hostile escapes', '--db', db]);
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('Hostile escapes');
    expect(found.stdout).toContain('Mallory');
    expect(found.stdout).not.toMatch(CONTROL);

    const none = await runPaperboy(['search', `nothingmatcheszz ${ESCAPES}`, '--db', db]);
    expect(none.code).toBe(0);
    expect(none.stdout + none.stderr).not.toMatch(CONTROL);

    const invalid = await runPaperboy(['search', `colour:red${ESCAPES}`, '--db', db]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/error:/);
    expect(invalid.stderr).not.toMatch(CONTROL);
  });

  it('H10 `ingest` warnings and errors print the offending text without its escape sequences', async () => {
    const dir = tempDir();
    const db = join(dir, 'p.db');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      `${record(`Fine ${ESCAPES}`, 'A')}\n{"title": "x${ESCAPES}", "authors": [], "date": "soon${ESCAPES}"}\nnot json ${ESCAPES}\n`,
    );
    const result = await runPaperboy(['ingest', file, '--db', db]);
    expect(result.stdout + result.stderr).toMatch(/line 2/);
    expect(result.stdout + result.stderr).not.toMatch(CONTROL);
  });
});
