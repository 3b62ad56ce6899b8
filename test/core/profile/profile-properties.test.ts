import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { parseProfile } from '../../../src/core/profile/parse-profile.ts';
import type { Profile } from '../../../src/core/profile/profile-schema.ts';
import { renderProfile } from '../../../src/core/profile/render-profile.ts';

const word = fc.stringMatching(/^[A-Za-zÀ-ÿ一-龥*_`<>&@!'"()-]{1,12}$/);
const phrase = (max: number) => fc.array(word, { minLength: 1, maxLength: max }).map((w) => w.join(' '));
const name = fc
  .array(fc.stringMatching(/^[A-Z][a-zà-ÿ]{1,10}$/), { minLength: 2, maxLength: 3 })
  .map((w) => w.join(' '));
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const isoDate = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const paperArb = fc.record({
  category: fc.constantFrom('CL', 'CV', 'RO', 'ML', 'NE', 'IR', 'LG', 'HEP-TH'),
  date: isoDate,
  hasCode: fc.boolean(),
  // A title must not itself look like a paper's date line.
  title: phrase(8).filter((t) => !/^[A-Z]/.test(t) || !/\d/.test(t)),
  authors: fc.array(name, { minLength: 1, maxLength: 4 }),
  authorsTruncated: fc.boolean(),
  affiliations: fc.array(fc.stringMatching(/^[a-z]{2,10}$/), { maxLength: 2 }),
  abstract: nullable(
    fc
      .array(
        phrase(20).map((p) => `the ${p}`),
        { minLength: 1, maxLength: 3 },
      )
      .map((ps) => ps.join('\n\n')),
  ),
});

const profileArb: fc.Arbitrary<Profile> = fc.record({
  name,
  category: nullable(fc.constantFrom('CL', 'CV', 'LG')),
  hIndex: nullable(fc.nat(200)),
  paperCount: nullable(fc.nat(5000)),
  citationCount: nullable(fc.nat(2_000_000)),
  novelty: nullable(fc.nat(100)),
  aiScore: nullable(fc.nat(100)),
  listedCount: fc.constant(null),
  papers: fc.array(paperArb, { maxLength: 5 }),
});

describe('parseProfile properties', () => {
  it('any text gives a profile or our own parse error, never a crash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        try {
          parseProfile(text, 'fuzz.txt');
        } catch (error) {
          if (!isPaperboyError(error, 'profile_parse_failed')) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('any mix of page-like lines gives a profile or our own parse error', () => {
    const line = fc.oneof(
      fc.constantFrom('', 'h-index12', '3papers', '1,234citations', 'Novelty5%', 'AI Score3', '2 Papers', 'CL'),
      fc.constantFrom('CLJun 28, 2023Code', 'CVFeb 2023', 'ROJan 35, 2020', 'Jun 1, 2020', 'A, B et al. · x'),
      phrase(6),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        try {
          const { profile } = parseProfile(lines.join('\n'), 'fuzz.txt');
          expect(profile.name.length).toBeGreaterThan(0);
        } catch (error) {
          if (!isPaperboyError(error, 'profile_parse_failed')) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rendering a parsed profile and parsing it again gives the same profile', () => {
    fc.assert(
      fc.property(profileArb, (generated) => {
        const withCount = { ...generated, listedCount: generated.papers.length };
        const first = parseProfile(renderProfile(withCount), 'a.txt').profile;
        const second = parseProfile(renderProfile(first), 'b.txt').profile;
        expect(second).toEqual(first);
        expect(first).toEqual(withCount);
      }),
      { numRuns: 500 },
    );
  });
});
