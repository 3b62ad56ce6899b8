import { hostname } from 'node:os';
import { createOpenAlexClient } from '../adapters/openalex/openalex-client.ts';
import { createSemanticScholarClient } from '../adapters/semantic-scholar/semantic-scholar-client.ts';
import type { Config } from '../config.ts';
import type { PaperLookup } from '../core/enrich/paper-lookup.ts';

/** Client settings a test or `doctor` may change (fewer retries, shorter waits). */
export interface ScholarlyClientTuning {
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/** The OpenAlex client of the configuration, or undefined when `PAPERBOY_OPENALEX` is off. */
export const openAlexClientFor = (config: Config, log: (line: string) => void, tuning: ScholarlyClientTuning = {}) =>
  config.PAPERBOY_OPENALEX === 'on'
    ? createOpenAlexClient({
        ...tuning,
        baseUrl: config.OPENALEX_URL,
        apiKey: config.OPENALEX_API_KEY,
        contact: config.PAPERBOY_CONTACT,
        log,
      })
    : undefined;

/** The Semantic Scholar client of the configuration, or undefined when `PAPERBOY_SEMANTIC_SCHOLAR` is off. */
export const semanticScholarClientFor = (
  config: Config,
  log: (line: string) => void,
  tuning: ScholarlyClientTuning = {},
) =>
  config.PAPERBOY_SEMANTIC_SCHOLAR === 'on'
    ? createSemanticScholarClient({
        ...tuning,
        baseUrl: config.SEMANTIC_SCHOLAR_URL,
        apiKey: config.SEMANTIC_SCHOLAR_API_KEY,
        contact: config.PAPERBOY_CONTACT,
        log,
      })
    : undefined;

/** The services switched on, OpenAlex first (its count wins on cards). Empty when both are off: nothing is asked. */
export function paperLookupsFor(config: Config, log: (line: string) => void, tuning: ScholarlyClientTuning = {}) {
  return [openAlexClientFor(config, log, tuning), semanticScholarClientFor(config, log, tuning)].filter(
    (c): c is NonNullable<typeof c> => c !== undefined,
  ) satisfies PaperLookup[];
}

/** Who holds the enrichment lease: this host and process. */
export const enrichOwner = (): string => `${hostname()}:${process.pid}`;
