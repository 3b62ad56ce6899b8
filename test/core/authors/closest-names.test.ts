import { describe, expect, it } from 'vitest';
import { createNameIndex, nameLikeness } from '../../../src/core/authors/closest-names.ts';

const names = ['Zac Hatfield-Dodds', 'Amanda Askell', 'Amanda Askel', 'Deep Ganguli', 'Zoë Ñúñez', 'Yoshua Bengio'];

describe('createNameIndex', () => {
  const index = createNameIndex(names);

  it('finds a name by a typo, a surname, a prefix, and without accents', () => {
    expect(index.closest('yoshua bengoi')[0]?.name).toBe('Yoshua Bengio');
    expect(index.closest('Ganguli')[0]?.name).toBe('Deep Ganguli');
    expect(index.closest('hatf')[0]?.name).toBe('Zac Hatfield-Dodds');
    expect(index.closest('zoe nunez')[0]).toEqual({ name: 'Zoë Ñúñez', score: 1 });
  });

  it('offers every close name, best first, and nothing for a stranger', () => {
    expect(
      index
        .closest('Amanda Askeel')
        .map((c) => c.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['Amanda Askel', 'Amanda Askell']);
    expect(index.closest('Qwxyz Vbnm')).toEqual([]);
    expect(index.closest('')).toEqual([]);
  });

  it('scores the same name as 1 and unrelated names as 0', () => {
    expect(nameLikeness('ZAC  hatfield dodds', 'Zac Hatfield-Dodds')).toBe(1);
    expect(nameLikeness('Qwxyz', 'Amanda Askell')).toBe(0);
  });
});
