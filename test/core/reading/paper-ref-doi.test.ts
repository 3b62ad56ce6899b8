import { describe, expect, it } from 'vitest';
import { parsePaperRef } from '../../../src/core/reading/paper-ref.ts';

describe('reading list and BibTeX ids', () => {
  it('B1 a bare DOI (10.1145/…), as papers print it, names a paper for /save, /cite and paperboy bibtex', () => {
    expect(parsePaperRef('10.1145/3597503.3639187')).toEqual({ kind: 'doi', doi: '10.1145/3597503.3639187' });
    // arXiv's own DOI is its arXiv id, as with the doi: prefix.
    expect(parsePaperRef('10.48550/arXiv.2310.13548')).toEqual({ kind: 'arxiv', arxivId: '2310.13548' });
    expect(parsePaperRef('doi:10.1145/3597503.3639187')).toEqual(parsePaperRef('10.1145/3597503.3639187'));
    // Still one paper only: a bare DOI followed by words is no reference.
    expect(parsePaperRef('10.1145/3597503.3639187 and more')).toBeUndefined();
    expect(parsePaperRef('10.1/x')).toBeUndefined();
  });
});
