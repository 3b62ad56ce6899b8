import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA } from '../helpers/shared-data.ts';

/** The real OpenAlex and Semantic Scholar bodies (`../shared/data/scholarly`), read at test time, never copied. */
export const SCHOLARLY_DATA = join(SHARED_DATA, 'scholarly');
export const hasScholarlyData = existsSync(join(SCHOLARLY_DATA, 'README.md'));
export const SCHOLARLY_SKIP_REASON = `needs ${SCHOLARLY_DATA} (real OpenAlex and Semantic Scholar bodies), which is absent here`;
if (!hasScholarlyData) console.warn(`skipping scholarly tests: ${SCHOLARLY_SKIP_REASON}`);

/** One real body, parsed. */
export const readScholarly = <T = unknown>(path: string): T =>
  JSON.parse(readFileSync(join(SCHOLARLY_DATA, path), 'utf8')) as T;

export type Json = Record<string, unknown>;
