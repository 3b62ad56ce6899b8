import { type Config, envValue, loadConfig, PAPERBOY_VERSION, readEnvFile } from '../config.ts';
import type { ArxivLookup } from '../core/arxiv/arxiv-entry.ts';

// A person is waiting: fewer tries and a shorter timeout than a sync (the answer then says "not in the index").
const LOOKUP_RETRIES = 1;
const LOOKUP_TIMEOUT_MS = 15_000;

/** arXiv's API for pasted links, through the polite client (ARXIV_API_URL); undefined when PAPERBOY_ARXIV_LOOKUP is off. */
export function linkLookupFrom(config: Config): ArxivLookup | undefined {
  if (config.PAPERBOY_ARXIV_LOOKUP === 'off') return undefined;
  // Loaded on the first lookup: every command would otherwise pay for the XML parser at start.
  let client: Promise<{ lookup: ArxivLookup }> | undefined;
  return async (ids) => {
    client ??= import('../adapters/arxiv/arxiv-client.ts').then(({ createArxivClient }) =>
      createArxivClient({
        apiUrl: config.ARXIV_API_URL,
        version: PAPERBOY_VERSION,
        ...(config.PAPERBOY_CONTACT ? { contact: config.PAPERBOY_CONTACT } : {}),
        retries: LOOKUP_RETRIES,
        timeoutMs: LOOKUP_TIMEOUT_MS,
        // Behind the daily sync, which digests wait for, however many links are pasted.
        lane: 'lookup',
      }),
    );
    return (await client).lookup(ids);
  };
}

/**
 * The lookup for one-off commands (`paperboy paper`), which read no other setting: the configuration is only
 * loaded (and checked) when a link is not in the index and arXiv must be asked.
 */
export function linkLookupFor(env: NodeJS.ProcessEnv): ArxivLookup | undefined {
  const setting = envValue(env, 'PAPERBOY_ARXIV_LOOKUP') ?? envValue(readEnvFile(), 'PAPERBOY_ARXIV_LOOKUP');
  if (setting?.toLowerCase() === 'off') return undefined;
  return (ids) => {
    const lookup = linkLookupFrom(loadConfig(env));
    return lookup ? lookup(ids) : Promise.resolve([]);
  };
}
