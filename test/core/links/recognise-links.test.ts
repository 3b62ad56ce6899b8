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

describe('recogniseLinks: the shapes peers recognise (JabRef, idutils, arXiv), as paste gives them', () => {
  const shapes: [string, PaperRef[]][] = [
    ['https://arxiv.org/abs/arXiv:2310.13548', [arxiv('2310.13548')]],
    ['http://arxiv.org/abs/arXiv:1310.2590', [arxiv('1310.2590')]],
    ['arXiv:2310.13548 [cs.CL]', [arxiv('2310.13548')]],
    ['arXiv:0706.0001v1 [q-bio.CB]', [arxiv('0706.0001', 1)]],
    ['0706.0001v1 [q-bio.CB]', [arxiv('0706.0001', 1)]],
    ['0704.0001', [arxiv('0704.0001')]],
    ['arxiv:math.GT/0309136v2', [arxiv('math/0309136', 2)]],
    ['hep-th/9901001v27', [arxiv('hep-th/9901001', 27)]],
    ['hep-th/1601.07616', [arxiv('1601.07616')]],
    ['arXiv:hep-th/1601.07616', [arxiv('1601.07616')]],
    ['hep-ph/1203.12345v12', [arxiv('1203.12345', 12)]],
    ['1203.12345', [arxiv('1203.12345')]],
    ['physics/0303098/', [arxiv('physics/0303098')]],
    ['http://arxiv.org/pdf/hep-ex/0307015v1', [arxiv('hep-ex/0307015', 1)]],
    ['https://arxiv.org/html/2503.08641v1#bib.bib5', [arxiv('2503.08641', 1)]],
    ['https://ar5iv.labs.arxiv.org/html/2310.13548', [arxiv('2310.13548')]],
    ['see 2503.08641 for details', [arxiv('2503.08641')]],
    ['10.1006/jmbi.1998.2354', [doi('10.1006/jmbi.1998.2354')]],
    ['other stuff 10.1006/jmbi.1998.2354 end', [doi('10.1006/jmbi.1998.2354')]],
    ['see 10.1038/nature14539.', [doi('10.1038/nature14539')]],
    ['doi: 10.1016/j.epsl.2011.11.037', [doi('10.1016/j.epsl.2011.11.037')]],
    ['doi.org/10.1016/j.epsl.2011.11.037', [doi('10.1016/j.epsl.2011.11.037')]],
    ['urn:doi:10.1234/abc', [doi('10.1234/abc')]],
    ['https://doi.org/urn:doi:10.1234/abc', [doi('10.1234/abc')]],
    ['doi.org/10.1063%2F1.881498', [doi('10.1063/1.881498')]],
    ['https://dx.doi.org/10.2307%2F1990888', [doi('10.2307/1990888')]],
    ['10.1000.10/123456', [doi('10.1000.10/123456')]],
    ['https://doi.org/10.1000.10/123456', [doi('10.1000.10/123456')]],
    [
      '10.1002/(SICI)1521-3978(199806)46:4/5<493::AID-PROP493>3.0.CO;2-P',
      [doi('10.1002/(sici)1521-3978(199806)46:4/5<493::aid-prop493>3.0.co;2-p')],
    ],
    [
      'doi:10.1002/(SICI)1522-2594(199911)42:5<952::AID-MRM16>3.0.CO;2-S.',
      [doi('10.1002/(sici)1522-2594(199911)42:5<952::aid-mrm16>3.0.co;2-s')],
    ],
    [
      'https://doi.org/10.1175/1520-0493(2002)130%3C1913:EDAWPO%3E2.0.CO;2',
      [doi('10.1175/1520-0493(2002)130<1913:edawpo>2.0.co;2')],
    ],
    ['http://doi.org/10.1006/rwei.1999%25.0001', [doi('10.1006/rwei.1999%.0001')]],
    ['http://doi.acm.org/10.1145/1294928.1294933', [doi('10.1145/1294928.1294933')]],
    ['http://dx.doi.net/10.1007/978-3-642-15618-2_19', [doi('10.1007/978-3-642-15618-2_19')]],
    ['http://doi.ieeecomputersociety.org/10.1109/MIC.2012.43', [doi('10.1109/mic.2012.43')]],
    ['https://dl.acm.org/doi/10.1145/3442188.3445922', [doi('10.1145/3442188.3445922')]],
    ['https://www.scitepress.org/Link.aspx?doi=10.5220/0010404301780189&x=1', [doi('10.5220/0010404301780189')]],
    ['10.1007/978-3-030-02671-4\\_7', [doi('10.1007/978-3-030-02671-4_7')]],
    ['Res Treat. 2018; 170(1): 77–87. doi:10.1007/s10549-018-4743-9; something', [doi('10.1007/s10549-018-4743-9')]],
    ['bla doi:10.1007/s10549-018-4743-9.1234 with . in doi', [doi('10.1007/s10549-018-4743-9.1234')]],
    ['10.1016/üникóδé-дôΐ', [doi('10.1016/üникóδé-дôΐ')]],
    ['(see doi:10.1234/abc_(x)), then', [doi('10.1234/abc_(x)')]],
    ['&lt;https://doi.org/10.1038/nature14539&gt;', [doi('10.1038/nature14539')]],
    ['https://www.nature.com/articles/s41586-021-03819-2', [doi('10.1038/s41586-021-03819-2')]],
    ['https://journals.aps.org/prl/abstract/10.1103/PhysRevLett.116.061102', [doi('10.1103/physrevlett.116.061102')]],
    ['https://hf.co/papers/2310.13548', [arxiv('2310.13548')]],
    ['arXiv:cs/0112017v1', [arxiv('cs/0112017', 1)]],
    ['[2310.13548]', [arxiv('2310.13548')]],
    ['DOI 10.1038/NATURE14539', [doi('10.1038/nature14539')]],
    ['look at https://arxiv.org/abs/2605.14544v2 and arXiv:2604.19544', [arxiv('2605.14544', 2), arxiv('2604.19544')]],
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
    'https://arxiv.org/abs/0704.0000', // paper number 0
    '0704.0000',
    'arXiv:0703.12345', // before new-style ids
    'hep-th/9901000',
    '2017/1118',
    'https://asdf.org/abs/0706.0001v1',
    'version10.1038/nature14539', // a DOI inside a word
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
    ['arXiv:2310.13548 [cs.CL]', true],
    ['https://dl.acm.org/doi/10.1145/3442188.3445922', true],
    ['https://onlinelibrary.wiley.com/doi/abs/10.1002/asi.24750.', true],
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
            else expect(ref.doi).toMatch(/^10\.\d{4,9}(?:\.\d+)*\/\S+$/);
          }
        },
      ),
    );
  });

  it('a recognised link stays recognised with Slack wrapping, punctuation, a query string and a fragment', () => {
    const ids = fc.tuple(
      fc.integer({ min: 15, max: 29 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 99999 }),
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
