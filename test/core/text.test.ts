import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toPrintable, truncate } from '../../src/core/text.ts';

const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('truncate', () => {
  it('never cuts between the halves of a surrogate pair (an emoji or a rare character at the limit)', () => {
    expect(truncate('a😀😀', 3)).toBe('a…');
    expect(truncate('ab😀😀', 3)).toBe('ab…');
    expect(truncate('𝔸𝔹ℂ', 4)).toBe('𝔸…');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 40 }), (text, max) => {
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(hasLoneSurrogate(cut)).toBe(false);
      }),
    );
  });

  it('leaves text within the limit as it is', () => {
    expect(truncate('😀', 2)).toBe('😀');
  });
});

describe('toPrintable', () => {
  it('R10: drops bidi overrides, isolates, marks and zero-width characters, keeping the visible text', () => {
    const spoof =
      'invoice\u202Efdp.exe \u2066a\u2067b\u2068c\u2069 z\u200Bw\u200C\u200D\u200E\u200F \u061C|\u202A\u202B\u202C\u202D\uFEFF';
    expect(toPrintable(spoof)).toBe('invoicefdp.exe abc zw |');
    // Right-to-left text itself stays: only the invisible controls go.
    expect(toPrintable('שלום عربي')).toBe('שלום عربي');
  });
});
