import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { parseAuthorLine, parseProfile } from '../../../src/core/profile/parse-profile.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';

const page = (lines: string[]) => lines.join('\n');
const paper = (header: string, title: string, authors: string, abstract?: string) =>
  [header, title, '', authors, '', ...(abstract === undefined ? [] : [abstract, ''])].join('\n');

const expectParseError = (text: string, pattern: RegExp) => {
  try {
    parseProfile(text, 'data/x.txt');
  } catch (error) {
    expect(isPaperboyError(error, 'profile_parse_failed')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a parse error');
};

describe('parseProfile on the reference page', () => {
  const { profile, warnings } = parseProfile(readFileSync(SAMPLE_PAGE, 'utf8'), SAMPLE_PAGE);

  it('reads the header metrics', () => {
    expect(profile).toMatchObject({
      name: 'Zac Hatfield-Dodds',
      category: 'CL',
      hIndex: 18,
      paperCount: 18,
      citationCount: 15836,
      novelty: 54,
      aiScore: 45,
      listedCount: 18,
    });
    expect(warnings).toEqual([]);
  });

  it('reads all 18 papers with dates, code flags, authors and affiliations', () => {
    expect(profile.papers).toHaveLength(18);
    expect(profile.papers[0]).toMatchObject({
      category: 'CL',
      date: '2023-06-28',
      hasCode: true,
      title: 'Towards Measuring the Representation of Subjective Global Opinions in Language Models',
      authors: ['Esin Durmus', 'Karina Nguyen', 'Thomas I. Liao'],
      authorsTruncated: true,
      affiliations: ['openai', 'stanford'],
    });
    expect(profile.papers[0]?.abstract).toMatch(/^Large language models \(LLMs\) may not equitably/);
    expect(profile.papers.map((p) => p.title)).toContain('Towards Understanding Sycophancy in Language Models');
  });
});

describe('parseProfile on pages copied from the web', () => {
  const base = page([
    'Ada Lovelace',
    '',
    'LG',
    'h-index3',
    '2papers',
    '1,234citations',
    '',
    '2 Papers',
    '',
    paper('CVJan 5, 2024Code', 'Seeing Things', 'Ada Lovelace, Charles Babbage · cambridge', 'We see.'),
    paper('ROFeb 29, 2024', 'Moving Things', 'Ada Lovelace', 'We move.'),
  ]);

  it('reads Windows line endings, a byte-order mark, trailing spaces, tabs and runs of blank lines alike', () => {
    const messy = `\uFEFF${base.replaceAll('\n', '  \t\r\n').replaceAll('\r\n  \t\r\n', '\r\n\r\n\r\n\t\r\n')}`;
    expect(parseProfile(messy, 'x.txt').profile).toEqual(parseProfile(base, 'x.txt').profile);
  });

  it('accepts missing metrics, singular labels and one-digit days', () => {
    const { profile, warnings } = parseProfile(
      page(['Solo Author', '', '1paper', '', '1 Paper', '', paper('NEMar 3, 2023', 'One', 'Solo Author')]),
      'x.txt',
    );
    expect(profile).toMatchObject({ hIndex: null, citationCount: null, novelty: null, aiScore: null, paperCount: 1 });
    expect(profile.listedCount).toBe(1);
    expect(profile.papers[0]).toMatchObject({ date: '2023-03-03', category: 'NE', abstract: null, affiliations: [] });
    expect(warnings).toEqual([]);
  });

  it('warns with the line when the listed count disagrees with the papers present', () => {
    const { profile, warnings } = parseProfile(base.replace('2 Papers', '3 Papers'), 'x.txt');
    expect(profile.papers).toHaveLength(2);
    expect(warnings).toEqual([
      { line: 8, severity: 'warning', message: expect.stringMatching(/lists 3 papers, but 2/) },
    ]);
  });

  it('skips one malformed paper block, naming its line, and keeps the others', () => {
    const broken = base.replace('ROFeb 29, 2024', 'ROFeb 2024');
    const { profile, warnings } = parseProfile(broken, 'data/x.txt');
    expect(profile.papers.map((p) => p.title)).toEqual(['Seeing Things']);
    expect(warnings.map((w) => w.line)).toContain(17);
    expect(warnings.find((w) => w.line === 17)?.message).toMatch(
      /expected a category and a date like .*got "ROFeb 2024"/,
    );
  });

  it('rejects an impossible date as a warning, not a crash', () => {
    const { warnings } = parseProfile(base.replace('Feb 29, 2024', 'Feb 30, 2024'), 'x.txt');
    expect(warnings[0]?.message).toMatch(/not a real date/);
  });

  it('keeps abstracts that run over several lines and paragraphs', () => {
    const text = page([
      'A B',
      '',
      'h-index1',
      '',
      paper('IRDec 1, 2025', 'T', 'A B', 'line one\nline two\n\n\nsecond paragraph'),
    ]);
    expect(parseProfile(text, 'x.txt').profile.papers[0]?.abstract).toBe('line one\nline two\n\nsecond paragraph');
  });

  it('keeps names and titles in any script and markup characters verbatim', () => {
    const text = page([
      '李 明',
      '',
      'h-index2',
      '',
      paper('CLJul 4, 2024', '*Bold* _claims_ `code` <b> & @everyone <!channel>', 'Zoë Ñúñez, 李 明 · 清华大学'),
    ]);
    const { profile } = parseProfile(text, 'x.txt');
    expect(profile.name).toBe('李 明');
    expect(profile.papers[0]?.title).toBe('*Bold* _claims_ `code` <b> & @everyone <!channel>');
    expect(profile.papers[0]?.authors).toEqual(['Zoë Ñúñez', '李 明']);
    expect(profile.papers[0]?.affiliations).toEqual(['清华大学']);
  });

  it.each([
    ['an empty file', '', /file is empty/],
    ['blank lines only', '\n \n\t\n', /file is empty/],
    ['an HTML page', '<!DOCTYPE html>\n<html><body>hi</body></html>', /looks like HTML/],
    ['binary data', '\u0000\u0001\u0002PNG\u0000', /binary data/],
    ['plain prose', 'Dear diary,\nToday nothing happened.\n', /no profile found/],
  ])('rejects %s with a clear error naming the file', (_, text, pattern) => {
    expectParseError(text, pattern);
    expectParseError(text, /data\/x\.txt/);
  });
});

describe('parseAuthorLine', () => {
  it('splits authors, "et al." and affiliations', () => {
    expect(parseAuthorLine('A, B, C et al. · x, y')).toEqual({
      authors: ['A', 'B', 'C'],
      authorsTruncated: true,
      affiliations: ['x', 'y'],
    });
    expect(parseAuthorLine('Only One')).toEqual({ authors: ['Only One'], authorsTruncated: false, affiliations: [] });
  });
});
