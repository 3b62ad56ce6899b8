import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../../src/core/search/edit-distance.ts';
import { osaDistance } from './oracle.ts';

describe('editDistance', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('langauge', 'language', 2)).toBe(1);
    expect(editDistance('memroy', 'memory', 1)).toBe(1);
    expect(editDistance('ca', 'abc', 3)).toBe(3);
  });

  it('agrees with the full table, up to its limit', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(osaDistance(a, b), max + 1));
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});
