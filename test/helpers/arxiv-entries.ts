import type { ArxivEntry } from '../../src/core/arxiv/arxiv-entry.ts';

/** A made-up arXiv listing entry; `n` picks its id and title, so the same `n` is the same paper. */
export function arxivEntry(n: number, overrides: Partial<ArxivEntry> = {}): ArxivEntry {
  return {
    arxivId: `2611.${String(20000 + n)}`,
    version: 1,
    title: `Arxiv paper ${n} about calibrated reasoning`,
    abstract: `We study calibrated reasoning case ${n}.`,
    authors: [`Writer ${n}`, 'Common Coauthor', 'Third Person'],
    categories: ['cs.CL', 'cs.LG'],
    published: '2026-11-26',
    announceType: 'new',
    doi: null,
    journalRef: null,
    ...overrides,
  };
}
