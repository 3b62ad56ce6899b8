import { createOpenAlexClient, OPENALEX_DEFAULT_URL } from '../adapters/openalex/openalex-client.ts';
import {
  createSemanticScholarClient,
  SEMANTIC_SCHOLAR_DEFAULT_URL,
} from '../adapters/semantic-scholar/semantic-scholar-client.ts';
import { type DoctorCheck, fail, ok, warn } from './doctor-check.ts';
import type { Setting } from './doctor-platforms.ts';

// Doctor asks once, without retries, and does not wait long: it reports, the bot retries.
const ONCE = { retries: 0, timeoutMs: 10_000 } as const;
const isOn = (value: string | undefined) => value?.trim().toLowerCase() === 'on';

/** `openalex`: off, or reachable with the key accepted; a warning without a key (required since February 2026). */
export async function checkOpenAlex(setting: Setting, fetcher?: typeof fetch): Promise<DoctorCheck> {
  if (!isOn(setting('PAPERBOY_OPENALEX'))) return ok('openalex', 'OpenAlex is off (PAPERBOY_OPENALEX=on to use it)');
  const url = setting('OPENALEX_URL') ?? OPENALEX_DEFAULT_URL;
  const apiKey = setting('OPENALEX_API_KEY');
  const client = createOpenAlexClient({ ...ONCE, baseUrl: url, apiKey, ...(fetcher ? { fetch: fetcher } : {}) });
  try {
    const { keyAccepted } = await client.check();
    if (keyAccepted === false)
      return fail(
        'openalex',
        `OpenAlex at ${url} refused OPENALEX_API_KEY`,
        'Check OPENALEX_API_KEY (a free key: https://openalex.org/settings/api), or unset it.',
      );
    if (keyAccepted === undefined)
      return warn(
        'openalex',
        `OpenAlex answers at ${url}, but OPENALEX_API_KEY is not set: OpenAlex requires a key since 13 Feb 2026, and the keyless daily budget is tiny`,
        'Set OPENALEX_API_KEY (a free key gives $1 a day: https://openalex.org/settings/api).',
      );
    return ok('openalex', `OpenAlex answers at ${url} and accepts the key`);
  } catch (error) {
    return fail(
      'openalex',
      `OpenAlex at ${url} did not answer: ${(error as Error).message}`,
      'Check the network and OPENALEX_URL. Answers do not wait on OpenAlex: cards show what is stored meanwhile.',
    );
  }
}

/** `semantic_scholar`: off, or reachable with the key accepted (a 403 says it is not). */
export async function checkSemanticScholar(setting: Setting, fetcher?: typeof fetch): Promise<DoctorCheck> {
  if (!isOn(setting('PAPERBOY_SEMANTIC_SCHOLAR')))
    return ok('semantic_scholar', 'Semantic Scholar is off (PAPERBOY_SEMANTIC_SCHOLAR=on to use it)');
  const url = setting('SEMANTIC_SCHOLAR_URL') ?? SEMANTIC_SCHOLAR_DEFAULT_URL;
  const apiKey = setting('SEMANTIC_SCHOLAR_API_KEY');
  const client = createSemanticScholarClient({ ...ONCE, baseUrl: url, apiKey, ...(fetcher ? { fetch: fetcher } : {}) });
  try {
    const { keyAccepted } = await client.check();
    if (keyAccepted === false)
      return fail(
        'semantic_scholar',
        `Semantic Scholar at ${url} refused SEMANTIC_SCHOLAR_API_KEY (HTTP 403)`,
        'Check SEMANTIC_SCHOLAR_API_KEY, or unset it to use the shared keyless pool.',
      );
    return ok(
      'semantic_scholar',
      `Semantic Scholar answers at ${url}${keyAccepted ? ' and accepts the key' : ' (no key: the shared pool, often busy)'}`,
    );
  } catch (error) {
    return fail(
      'semantic_scholar',
      `Semantic Scholar at ${url} did not answer: ${(error as Error).message}`,
      'Check the network and SEMANTIC_SCHOLAR_URL. Answers do not wait on it: cards show what is stored meanwhile.',
    );
  }
}
