import { parse } from '@retorquere/bibtex-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseKey, type CitablePaper, toBibtex, uniqueKeys } from '../../../src/core/cite/bibtex.ts';

const paper = (over: Partial<CitablePaper> = {}): CitablePaper => ({
  title: 'Towards Understanding Sycophancy in Language Models',
  authors: ['Mrinank Sharma', 'Meg Tong'],
  authorsTruncated: false,
  date: '2023-10-20',
  arxivId: null,
  venue: null,
  category: 'CL',
  categoryFull: 'cs.CL',
  ...over,
});

type Creator = { lastName?: string; firstName?: string; prefix?: string; suffix?: string; name?: string };
const fullName = (c: Creator) => c.name ?? [c.firstName, c.prefix, c.lastName, c.suffix].filter(Boolean).join(' ');

/**
 * Parses with a real BibTeX parser and fails on any error it reports. The parser marks case-protected words of a
 * title as `<span class="nocase">…</span>` for the application that shows them: the text is what is compared.
 * Without sentence casing (what a style may do to unprotected words), the text must come back as written.
 */
function parsed(bib: string) {
  const result = parse(bib, { sentenceCase: false });
  expect(result.errors).toEqual([]);
  for (const entry of result.entries)
    if (typeof entry.fields.title === 'string')
      entry.fields.title = entry.fields.title.replace(/<span class="nocase">|<\/span>/g, '');
  return result.entries;
}

describe('BibTeX entries', () => {
  it('R9: braces only what must keep its case: acronyms and words with capitals after the first letter', () => {
    const bib = toBibtex([paper({ title: 'Towards Understanding Sycophancy in GPT-4 and LLMs with BibTeX' })]);
    expect(bib).toContain('title = {Towards Understanding Sycophancy in {GPT-4} and {LLMs} with {BibTeX}}');
    // A style that sentence-cases titles lowers the ordinary words and keeps the protected ones.
    expect(parse(bib).entries[0]?.fields.title).toMatch(/^Towards understanding sycophancy in .*GPT-4.*LLMs.*BibTeX/);
  });

  it('an arXiv paper is @misc with eprint, archivePrefix and primaryClass', () => {
    const bib = toBibtex([paper({ arxivId: '2310.13548' })]);
    expect(bib).toMatch(/^@misc\{sharma2023understanding,/);
    const [entry] = parsed(bib);
    expect(entry?.type).toBe('misc');
    expect(entry?.fields.eprint).toBe('2310.13548');
    expect(entry?.fields.archiveprefix).toBe('arXiv');
    expect(entry?.fields.primaryclass).toBe('cs.CL');
    expect(entry?.fields.year).toBe('2023');
  });

  it('a venue paper is @inproceedings with booktitle; anything else is plain @misc', () => {
    const [venue, other] = parsed(toBibtex([paper({ venue: 'NeurIPS', category: 'NeurIPS' }), paper({ title: 'B' })]));
    expect(venue?.type).toBe('inproceedings');
    expect(venue?.fields.booktitle).toBe('NeurIPS');
    expect(other?.type).toBe('misc');
    expect(other?.fields.eprint).toBeUndefined();
  });

  it('adds doi and journal when the paper has them', () => {
    const [entry] = parsed(
      toBibtex([paper({ arxivId: '2310.13548', doi: '10.1000/x_y.1', journalRef: 'J. Obs. 5 (2024)' })]),
    );
    expect(entry?.fields.doi).toBe('10.1000/x_y.1');
    expect(entry?.fields.journal).toBe('J. Obs. 5 (2024)');
  });

  it('keys: ASCII-folded family name, year, first word that is not a function word; anon without authors', () => {
    expect(baseKey(paper({ authors: ['José Müller'], title: 'On the Ünusual Effects', date: '2021' }))).toBe(
      'muller2021unusual',
    );
    expect(baseKey(paper({ authors: [], title: 'A Study' }))).toBe('anon2023study');
    expect(baseKey(paper({ authors: ['Łukasz Kaiser'], title: 'The "Attention" is all' }))).toBe('kaiser2023attention');
  });

  it('keys are unique within one output: a, b, … after the first', () => {
    const same = paper();
    expect(uniqueKeys([same, same, same, paper({ date: '2020' })])).toEqual([
      'sharma2023understanding',
      'sharma2023understandinga',
      'sharma2023understandingb',
      'sharma2020understanding',
    ]);
    const entries = parsed(toBibtex([same, same]));
    expect(entries.map((e) => e.key)).toEqual(['sharma2023understanding', 'sharma2023understandinga']);
  });

  it('a truncated author list ends with "and others"', () => {
    const bib = toBibtex([
      paper({ authors: ['Esin Durmus', 'Karina Nguyen', 'Thomas I. Liao'], authorsTruncated: true }),
    ]);
    expect(bib).toContain('and others}');
    const [entry] = parsed(bib);
    const authors = (entry?.fields.author ?? []) as Creator[];
    expect(authors.map(fullName)).toEqual(['Esin Durmus', 'Karina Nguyen', 'Thomas I. Liao', 'others']);
  });

  it('hostile titles and names round-trip through a real BibTeX parser', () => {
    const titles = [
      'Braces {in} }titles{ and 100% of \\ backslashes',
      'Costs $5 & #1 on C_4 ~ x^2',
      'Über Ångström: café naïveté',
      '大規模言語モデル 의 研究 GPT-4',
      'LaTeX \\textbf{bold} and \\& escapes',
      '@everyone <!channel> "quoted"',
      '&ZÜ 中 \\Ab %Cd',
    ];
    const names = [
      'José Müller',
      'Zoë O’Brien-Ñúñez',
      '王 小明',
      'Ann {Brace} Lee',
      'Back\\slash Per%cent',
      'Émile Zola',
      'Ada Lovelace',
    ];
    const papers = titles.map((title, i) => paper({ title, authors: [names[i] as string, 'Meg Tong'] }));
    const entries = parsed(toBibtex(papers));
    expect(entries).toHaveLength(titles.length);
    entries.forEach((entry, i) => {
      expect(entry.fields.title).toBe(titles[i]);
      expect(((entry.fields.author ?? []) as Creator[]).map(fullName)).toEqual([names[i], 'Meg Tong']);
    });
  });

  it('any title and names parse back to themselves (property)', () => {
    const text = fc
      .string({ unit: fc.constantFrom(...'aZ é中{}\\%$&#_~^"@,.-\'Ü'), minLength: 1, maxLength: 40 })
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s !== '' && !/^(?:and|others)$/i.test(s));
    const word = fc
      .string({ unit: fc.constantFrom(..."aZéÜ中{}\\%$&#_~^'-."), minLength: 1, maxLength: 10 })
      .filter((s) => !/^(?:and|others)$/i.test(s) && !/^\p{Ll}/u.test(s));
    fc.assert(
      fc.property(text, word, word, (title, given, family) => {
        const name = `${given} ${family}`;
        const [entry] = parsed(toBibtex([paper({ title, authors: [name] })]));
        expect(entry?.fields.title).toBe(title);
        expect(((entry?.fields.author ?? []) as Creator[]).map(fullName)).toEqual([name]);
      }),
      { numRuns: 500 },
    );
  });
});
