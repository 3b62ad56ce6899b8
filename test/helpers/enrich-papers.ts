import type { PaperInput } from '../../src/core/store/paper-store.ts';

const base: PaperInput = {
  title: '',
  authors: ['Ada Lovelace'],
  authorsTruncated: false,
  affiliations: [],
  abstract: 'An abstract about machines that think.',
  date: '2025-04-01',
  category: 'CL',
  categoryFull: 'cs.CL',
  hasCode: false,
  codeUrl: null,
  arxivId: null,
  venue: null,
  citations: null,
};

/**
 * Papers the real OpenAlex and Semantic Scholar bodies describe (by arXiv id or DOI), and one neither knows:
 * what enrichment tests store before asking the fakes.
 */
export const ENRICH_PAPERS: PaperInput[] = [
  // OpenAlex's real arXiv-only work (cited 0).
  { ...base, title: 'Scientific claim verification on arXiv', arxivId: '2007.14454', date: '2020-07-29' },
  // Semantic Scholar's real arXiv paper (cited 72, no TL;DR).
  {
    ...base,
    title: 'Large Language Models Pass the Turing Test',
    arxivId: '2503.23674',
    date: '2025-03-31',
    citations: 5,
  },
  // Semantic Scholar's real Turing paper (cited 10,059, with a TL;DR).
  { ...base, title: 'Computing Machinery and Intelligence', doi: '10.1093/MIND/LIX.236.433', date: '1950-10-01' },
  // OpenAlex's real World Bank working paper (cited 1,553).
  { ...base, title: 'Working paper on development', doi: '10.1596/1813-9450-3630', date: '2005-06-01' },
  // Known to neither.
  { ...base, title: 'A paper nobody has heard of', arxivId: '2401.99999', date: '2024-01-15' },
  // Without an arXiv id or DOI: never asked.
  { ...base, title: 'A profile-only paper', date: '2024-02-01', citations: 40 },
];
