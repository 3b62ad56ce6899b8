import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { parseQuery } from '../../../src/core/search/query-parser.ts';

const errorOf = (text: string) => {
  try {
    parseQuery(text);
  } catch (error) {
    if (isPaperboyError(error, 'invalid_query')) return error.message;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
};

describe('parseQuery', () => {
  it('reads free words, phrases, exclusions and every filter', () => {
    const q = parseQuery(
      'Reward  hacking "theory of mind" -survey -"position paper" author:"Deep Ganguli" by:Askell cat:CL aff:anthropic since:2023-02 before:2025 has:code sort:date',
    );
    expect(q).toMatchObject({
      terms: ['reward', 'hacking'],
      phrases: [['theory', 'of', 'mind']],
      excluded: [['survey'], ['position', 'paper']],
      authors: ['Deep Ganguli', 'Askell'],
      categories: ['cl'],
      affiliations: ['anthropic'],
      from: 20230201,
      to: 20241231,
      hasCode: true,
      sort: 'date',
    });
  });

  it('folds case and accents and drops stopwords', () => {
    expect(parseQuery('Naïve Bayes for the WIN').terms).toEqual(['naive', 'bayes', 'win']);
  });

  it('leaves function words out of a question, keeps them when quoted or when nothing else is asked', () => {
    expect(parseQuery('how do language models become sycophantic').terms).toEqual([
      'language',
      'models',
      'become',
      'sycophantic',
    ]);
    expect(parseQuery('papers on reward hacking').terms).toEqual(['reward', 'hacking']);
    expect(parseQuery('how "to" act')).toMatchObject({ terms: ['to', 'act'], exact: ['to'] });
    expect(parseQuery('how to').terms).toEqual(['how', 'to']);
    expect(parseQuery('attention is all you need').words).toEqual(['attention', 'is', 'all', 'you', 'need']);
    expect(parseQuery('what are the papers about theory of mind in llms').words).toEqual([
      'theory',
      'of',
      'mind',
      'in',
      'llms',
    ]);
    expect(parseQuery('-the -"state of the art"').excluded).toEqual([['the'], ['state', 'of', 'the', 'art']]);
  });

  it('turns year: into a whole-year range', () => {
    expect(parseQuery('year:2023')).toMatchObject({ from: 20230101, to: 20231231 });
  });

  it.each([
    ['colour:red', /position 1: unknown filter "colour:". Known filters: author: by: cat:/],
    ['llm "open phrase', /position 5: this quote is never closed/],
    ['x author:', /position 3: "author:" needs a value, like author:"Deep Ganguli"/],
    ['year:23', /expected a year like year:2023, got "23"/],
    ['since:2024-02-30', /"2024-02-30" is not a real date/],
    ['since:yesterday', /expected a date like 2024 or 2024-01-31/],
    ['has:pdf', /only has:code is known/],
    ['sort:stars', /sort is date, relevance or citations/],
    ['cites:lots', /expected a number of citations like cites:100/],
    ['-cat:CL', /cannot be excluded/],
    ['since:2025 before:2024', /date range is empty/],
  ])('rejects %s with a clear invalid_query error', (text, pattern) => {
    expect(errorOf(text)).toMatch(pattern);
  });

  it('parses any string or fails with our own error, never a crash', () => {
    const pieces = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '-', ':', 'author:', 'cat:', 'year:', 'since:', 'before:', 'has:', 'sort:', ' ', '\t'),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        try {
          const q = parseQuery(parts.join(''));
          expect(Array.isArray(q.terms)).toBe(true);
        } catch (error) {
          if (!isPaperboyError(error, 'invalid_query')) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
