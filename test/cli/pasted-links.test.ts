import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPaperboy } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const OFF = { PAPERBOY_ARXIV_LOOKUP: 'off' };

/** Papers with the ids and DOIs the shapes below point at; JSON Lines records carry `doi` as people paste it. */
const RECORDS = [
  { arxivId: '2605.14544', title: 'Sparse Probes for Deception', date: '2026-05-14' },
  { arxivId: '2604.19544', title: 'Debiased Preference Construction', date: '2026-04-20' },
  { arxivId: 'hep-th/9901001', title: 'Strings Before the Millennium', date: '1999-01-04' },
  { arxivId: 'math/0309136', title: 'Knots in Three Manifolds', date: '2003-09-08' },
  { doi: 'https://doi.org/10.1063/1.881498', title: 'A Physics Today Column', date: '1991' },
  { doi: 'doi:10.1000.10/123456', title: 'A Dotted Registrant', date: '2020-01-01' },
  { doi: '10.1002/(SICI)1521-3978(199806)46:4/5<493::AID-PROP493>3.0.CO;2-P', title: 'A SICI Paper', date: '1998' },
  { doi: '10.1016/S0140-6736(20)30183-5', title: 'A Lancet Paper', date: '2020-01-24' },
].map((r) => ({ authors: ['Ann Lee'], category: 'cs.CL', abstract: 'An abstract.', ...r }));

/** Each shape with the canonical id (`arxivId`, no version) or DOI (lower case, percent-decoded) it must give. */
const SHAPES: [string, { arxivId?: string; doi?: string }][] = [
  ['https://arxiv.org/abs/2605.14544v2', { arxivId: '2605.14544' }],
  ['https://arxiv.org/abs/arXiv:2605.14544', { arxivId: '2605.14544' }],
  ['arXiv:2604.19544 [cs.CL]', { arxivId: '2604.19544' }],
  ['arxiv.org/pdf/2604.19544v1.pdf', { arxivId: '2604.19544' }],
  ['hep-th/9901001v2', { arxivId: 'hep-th/9901001' }],
  ['math.GT/0309136', { arxivId: 'math/0309136' }],
  ['https://doi.org/10.1063%2F1.881498', { doi: '10.1063/1.881498' }],
  ['dx.doi.org/10.1063/1.881498.', { doi: '10.1063/1.881498' }],
  ['10.1000.10/123456', { doi: '10.1000.10/123456' }],
  [
    'doi:10.1002/(SICI)1521-3978(199806)46:4/5<493::AID-PROP493>3.0.CO;2-P',
    {
      doi: '10.1002/(sici)1521-3978(199806)46:4/5<493::aid-prop493>3.0.co;2-p',
    },
  ],
  ['(https://doi.org/10.1016/S0140-6736(20)30183-5);', { doi: '10.1016/s0140-6736(20)30183-5' }],
];

describe('R8: links as people paste them', () => {
  const tempDir = useTempDir();

  async function db(): Promise<string> {
    const dir = tempDir();
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const path = join(dir, 'p.db');
    expect((await runPaperboy(['ingest', file, '--db', path])).code).toBe(0);
    return path;
  }

  it('R8: paperboy paper --json finds each shape and prints its canonical arXiv id or DOI', async () => {
    const path = await db();
    for (const [shape, expected] of SHAPES) {
      const result = await runPaperboy(['paper', shape, '--db', path, '--json'], { env: OFF });
      expect(result.code, `${shape}: ${result.stderr}`).toBe(0);
      expect(JSON.parse(result.stdout), shape).toMatchObject(expected);
    }
  });

  it('R8: paper number 0 is no id (exit 1, not a paper link)', async () => {
    const result = await runPaperboy(['paper', '0704.0000', '--db', await db(), '--json'], { env: OFF });
    expect(result.code).toBe(1);
  });

  it('R8: a terminal line of running text and links answers with the cards, not "unknown filter"', async () => {
    const result = await runPaperboy(['start', '--db', await db()], {
      env: OFF,
      stdin: 'look at https://arxiv.org/abs/2605.14544v2 and arXiv:2604.19544\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('unknown filter');
    expect(result.stdout).toContain('Sparse Probes for Deception');
    expect(result.stdout).toContain('Debiased Preference Construction');
  });

  it('R8: a URL or arXiv:ID inside a search or /paper query is words, never a filter', async () => {
    const path = await db();
    const search = await runPaperboy(
      ['search', 'look at https://arxiv.org/abs/2605.14544v2 and arXiv:2604.19544', '--db', path, '--json'],
      { env: OFF },
    );
    expect(search.code, search.stderr).toBe(0);
    expect(search.stderr).not.toContain('unknown filter');
    const chat = await runPaperboy(['start', '--db', path], {
      env: OFF,
      stdin: '/paper probes https://example.org/x doi:10.1063/1.881498\n/paper probes foo:bar\n',
    });
    expect(chat.stdout).not.toMatch(/unknown filter "(?:https|doi):"/);
    expect(chat.stdout).toContain('unknown filter "foo:"');
  });
});
