import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOnlyLinks, type PaperRef, recogniseLinks } from '../../../src/core/links/recognise-links.ts';

const arxiv = (id: string, version: number | null = null): PaperRef => ({ kind: 'arxiv', id, version });
const doi = (value: string): PaperRef => ({ kind: 'doi', doi: value });

describe('recogniseLinks: the shapes of the issue', () => {
  const shapes: [string, PaperRef[]][] = [
    ['https://arxiv.org/abs/2310.13548', [arxiv('2310.13548')]],
    ['https://arxiv.org/abs/2310.13548v2', [arxiv('2310.13548', 2)]],
    ['http://arxiv.org/pdf/2310.13548v3', [arxiv('2310.13548', 3)]],
    ['https://arxiv.org/pdf/2310.13548.pdf', [arxiv('2310.13548')]],
    ['https://arxiv.org/pdf/2310.13548v2.pdf', [arxiv('2310.13548', 2)]],
    ['https://arxiv.org/html/2310.13548v1', [arxiv('2310.13548', 1)]],
    ['https://arxiv.org/html/2310.13548v1#S2', [arxiv('2310.13548', 1)]],
    ['https://arxiv.org/html/2310.13548v1/x1.png', [arxiv('2310.13548', 1)]],
    ['https://www.arxiv.org/abs/2310.13548', [arxiv('2310.13548')]],
    ['https://export.arxiv.org/abs/2310.13548', [arxiv('2310.13548')]],
    ['arxiv.org/abs/2310.13548', [arxiv('2310.13548')]],
    ['https://arxiv.org/abs/2310.13548?context=cs', [arxiv('2310.13548')]],
    ['https://arxiv.org/abs/2310.13548/', [arxiv('2310.13548')]],
    ['https://arxiv.org/abs/0704.0001', [arxiv('0704.0001')]],
    ['https://arxiv.org/abs/1501.00001', [arxiv('1501.00001')]],
    ['arXiv:2310.13548', [arxiv('2310.13548')]],
    ['arxiv:2310.13548v4', [arxiv('2310.13548', 4)]],
    ['arXiv: 2310.13548', [arxiv('2310.13548')]],
    ['2310.13548', [arxiv('2310.13548')]],
    ['2310.13548v2', [arxiv('2310.13548', 2)]],
    ['hep-th/9901001', [arxiv('hep-th/9901001')]],
    ['hep-th/9901001v2', [arxiv('hep-th/9901001', 2)]],
    ['math.GT/0309136', [arxiv('math/0309136')]],
    ['cond-mat.mes-hall/0501001', [arxiv('cond-mat/0501001')]],
    ['arXiv:hep-th/9901001', [arxiv('hep-th/9901001')]],
    ['https://arxiv.org/abs/hep-th/9901001v1', [arxiv('hep-th/9901001', 1)]],
    ['https://arxiv.org/abs/math.GT/0309136', [arxiv('math/0309136')]],
    ['https://doi.org/10.1145/3442188.3445922', [doi('10.1145/3442188.3445922')]],
    ['http://dx.doi.org/10.1038/nature14539', [doi('10.1038/nature14539')]],
    ['doi:10.1038/nature14539', [doi('10.1038/nature14539')]],
    ['DOI: 10.1038/Nature14539', [doi('10.1038/nature14539')]],
    ['https://doi.org/10.1016/S0140-6736(20)30183-5', [doi('10.1016/s0140-6736(20)30183-5')]],
    ['(https://doi.org/10.1016/S0140-6736(20)30183-5).', [doi('10.1016/s0140-6736(20)30183-5')]],
    ['https://doi.org/10.1000/a%2Fb', [doi('10.1000/a/b')]],
    ['https://doi.org/10.1038/nature14539?ref=x#top', [doi('10.1038/nature14539')]],
    ['https://doi.org/10.48550/arXiv.2310.13548', [arxiv('2310.13548')]],
    ['doi:10.48550/arXiv.2310.13548v2', [arxiv('2310.13548', 2)]],
    ['https://doi.org/10.48550/arXiv.hep-th/9901001', [arxiv('hep-th/9901001')]],
    ['https://huggingface.co/papers/2310.13548', [arxiv('2310.13548')]],
    ['huggingface.co/papers/2310.13548#community', [arxiv('2310.13548')]],
    ['<https://arxiv.org/abs/2310.13548|Towards Understanding Sycophancy>', [arxiv('2310.13548')]],
    ['<https://arxiv.org/abs/2310.13548>', [arxiv('2310.13548')]],
    ['see https://arxiv.org/abs/2310.13548.', [arxiv('2310.13548')]],
    ['(arXiv:2310.13548), and', [arxiv('2310.13548')]],
    ['"2310.13548"', [arxiv('2310.13548')]],
    ['**2310.13548**', [arxiv('2310.13548')]],
    ['what is 2310.13548?', [arxiv('2310.13548')]],
    ['2310.13548 and https://arxiv.org/abs/2310.13548v3', [arxiv('2310.13548')]],
    ['2310.13548 1706.03762', [arxiv('2310.13548'), arxiv('1706.03762')]],
    [
      '<https://arxiv.org/abs/1706.03762|a> <https://doi.org/10.1038/nature14539|b>',
      [arxiv('1706.03762'), doi('10.1038/nature14539')],
    ],
  ];
  it.each(shapes)('%s', (text, refs) => {
    expect(recogniseLinks(text)).toEqual(refs);
  });
});

describe('recogniseLinks: near misses are not links', () => {
  const misses = [
    'https://arxiv.org/list/cs.CL/recent',
    'https://arxiv.org/abs/2313.13548', // month 13
    'https://arxiv.org/abs/2310.1354', // four digits after 2014
    'https://arxiv.org/abs/1401.12345', // five digits before 2015
    'https://arxiv.org/abs/2310.135489',
    'https://arxiv.org/abs/2310.13548vx',
    'https://notarxiv.org/abs/2310.13548',
    'https://arxiv.org.evil.com/abs/2310.13548',
    'https://example.com/papers/2310.13548',
    'https://example.com/?id=2310.13548',
    'foo/9901001',
    'hep-th/9913001', // month 13
    'hep-th/990100',
    'x2310.13548',
    '12310.13548',
    '2310.13548.5',
    'version 3.14159',
    'scored 0.9123 on it',
    '10.1038/nature14539', // a bare DOI: not one of the shapes
    'https://doi.org/10.1038/',
    'doi:10.12/abc', // registrant code too short
    'https://huggingface.co/papers',
    'https://huggingface.co/models/2310.13548',
    'arxiv 2310',
    '',
  ];
  it.each(misses)('%s', (text) => {
    expect(recogniseLinks(text)).toEqual([]);
  });
});

describe('isOnlyLinks', () => {
  it.each([
    ['2310.13548', true],
    ['https://arxiv.org/abs/2310.13548v2?context=cs', true],
    ['2310.13548, 1706.03762.', true],
    ['<https://arxiv.org/abs/2310.13548|Sycophancy in language models>', true],
    ['(doi:10.1038/nature14539)', true],
    ['2310.13548 transformers', false],
    ['papers like https://arxiv.org/abs/2310.13548', false],
    ['transformers', false],
    ['', false],
    ['  ,  ', false],
  ])('%s -> %s', (text, only) => {
    expect(isOnlyLinks(text)).toBe(only);
  });
});

describe('recogniseLinks: properties', () => {
  it('any string gives zero or more refs and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const refs = recogniseLinks(text);
        expect(Array.isArray(refs)).toBe(true);
        expect(typeof isOnlyLinks(text)).toBe('boolean');
      }),
    );
  });

  const pieces = fc.constantFrom(
    'arxiv.org/abs/',
    'https://',
    'doi.org/10.1234/',
    'doi:',
    '2310.',
    '13548',
    'v',
    '2',
    '<',
    '>',
    '|',
    ')',
    '(',
    '.pdf',
    'hep-th/',
    '9901001',
    ' ',
    '?',
    '#',
    'arXiv:',
    'huggingface.co/papers/',
  );
  it('strings made of link pieces give refs whose ids are well formed', () => {
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
        (text) => {
          for (const ref of recogniseLinks(text)) {
            if (ref.kind === 'arxiv') expect(ref.id).toMatch(/^(?:\d{4}\.\d{4,5}|[a-z-]+\/\d{7})$/);
            else expect(ref.doi).toMatch(/^10\.\d{4,9}\/\S+$/);
          }
        },
      ),
    );
  });

  it('a recognised link stays recognised with Slack wrapping, punctuation, a query string and a fragment', () => {
    const ids = fc.tuple(
      fc.integer({ min: 15, max: 29 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 99999 }),
    );
    fc.assert(
      fc.property(ids, fc.constantFrom('', '.', ',', ')', '!'), ([yy, mm, n], end) => {
        const id = `${yy}${String(mm).padStart(2, '0')}.${String(n).padStart(5, '0')}`;
        const text = `look: <https://arxiv.org/abs/${id}v2?context=cs#S2|label with words>${end}`;
        expect(recogniseLinks(text)).toEqual([arxiv(id, 2)]);
        expect(isOnlyLinks(`<https://arxiv.org/abs/${id}v2?context=cs#S2|label>${end}`)).toBe(true);
      }),
    );
  });

  // Linear time: each of these, 40,000 characters, is read in one pass. A backtracking pattern would take
  // seconds or minutes on some of them; the test has no timer, it only has to finish.
  it.each([
    ['digits', '1'.repeat(40_000)],
    ['id prefixes', '2310.'.repeat(8_000)],
    ['URL prefixes', 'arxiv.org/abs/'.repeat(2_900)],
    ['DOI prefixes', 'doi:10.1234/'.repeat(3_400)],
    ['closing brackets', `doi:10.1234/x${')'.repeat(40_000)}`],
    ['opening angles', '<'.repeat(40_000)],
    ['open Slack links', '<a|'.repeat(13_400)],
    ['spaces', ' '.repeat(40_000)],
    ['old-style prefixes', 'hep-th.ab-cd/'.repeat(3_000)],
  ])('a 40,000-character string of %s finishes', (_name, text) => {
    expect(recogniseLinks(text).length).toBeGreaterThanOrEqual(0);
    expect(isOnlyLinks(text)).toBeTypeOf('boolean');
  });
});
