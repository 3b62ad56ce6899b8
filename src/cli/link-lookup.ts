import type { ArxivLookup } from '../core/arxiv/arxiv-entry.ts';

/**
 * arXiv's API for pasted links, unless `PAPERBOY_ARXIV_LOOKUP` is `off`.
 */
export function linkLookupFor(_env: NodeJS.ProcessEnv): ArxivLookup | undefined {
  return undefined;
}
