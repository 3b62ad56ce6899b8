import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { COMMANDS } from '../../src/core/commands/help.ts';
import { runPaperboy } from '../helpers/run-cli.ts';

// Every chat example of the README and of /help, run in document order on what `npm start` loads (the sample
// profile in data/profiles/ and the sample's arXiv ids beside it, sample-arxiv.jsonl), with no network at all:
// arXiv lookups are off, so a pasted link or id is answered from what the sample ships, never from arXiv.

const CHAT_COMMANDS = /^\/(?:paper|papers|search|author|who|more|digest|save|saved|cite|help)\b/;
// A usage line, not an example: placeholders (QUERY, NAME, ID, HH:MM), alternatives or an ellipsis.
const SYNTAX = /\b[A-Z][A-Z_-]+\b|[[\]|…]/;

/**
 * The README's examples: each line of a ```text block (what a person types), and each `inline code` that is a chat
 * command with an argument and no placeholder in it (a bare `/search` names the command), in document order.
 */
function readmeExamples(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const examples: string[] = [];
  for (const m of readme.matchAll(/```text\n([\s\S]*?)```|```[\s\S]*?```|`([^`\n]+)`/g)) {
    if (m[1] !== undefined) examples.push(...m[1].split('\n').filter((l) => l.trim() !== ''));
    else if (m[2] !== undefined && CHAT_COMMANDS.test(m[2]) && /\s\S/.test(m[2]) && !SYNTAX.test(m[2]))
      examples.push(m[2]);
  }
  return examples;
}

const helpExamples = (): string[] => COMMANDS.flatMap((c) => c.examples);

const FAILED = [/^Sorry/m, /I don't know “/, /No papers found/, /not in the index/, /unknown filter/i, /did you mean/i];
// A search or a lookup answers with at least one result: a card, an author card, a BibTeX entry, a saved paper.
const RESULT = /^\s*\d+\. \S|h-index|@(?:misc|inproceedings|article)\{|^Saved |already in your reading list/m;
const LOOKUP = /^(?:\/(?:paper|papers|search|author|who|more|save|cite)\b|@paperboy (?!help)|(?!\/|help$))/;

describe('R1: every example of the README and /help works on the sample', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-examples-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const examples = [...readmeExamples().map((e) => ['README', e]), ...helpExamples().map((e) => ['/help', e])];

  it('R1: the README and /help hold examples to check', () => {
    expect(readmeExamples().length).toBeGreaterThan(5);
    expect(helpExamples().length).toBeGreaterThan(10);
  });

  // In order, on one database, as a reader meets them (`/save` before `/saved`).
  for (const [where, example] of examples) {
    it(`R1: ${where}: ${example}`, async () => {
      const run = await runPaperboy(['start', '--db', join(dir, 'paperboy.db')], {
        stdin: `${example}\n`,
        // No network: an example that needed arXiv would answer "not in the index yet" here.
        env: { PAPERBOY_ARXIV_LOOKUP: 'off' },
      });
      expect(run.code, run.stderr).toBe(0);
      for (const failed of FAILED) expect(run.stdout, `${example} answered:\n${run.stdout}`).not.toMatch(failed);
      if (LOOKUP.test(example as string)) expect(run.stdout, `${example} answered:\n${run.stdout}`).toMatch(RESULT);
    });
  }
});
