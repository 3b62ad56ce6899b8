import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.ts';

/** `../shared/data` beside the checkout: tests that need it skip with a message where it is absent. */
export const SHARED_DATA = join(PROJECT_ROOT, '..', 'shared', 'data');
export const hasSharedData = existsSync(join(SHARED_DATA, 'corpus', 'small.jsonl.gz'));
export const SHARED_SKIP_REASON = `needs ${SHARED_DATA} (the shared corpus), which is absent here`;
if (!hasSharedData) console.warn(`skipping shared-data tests: ${SHARED_SKIP_REASON}`);

export const SAMPLE_PAGE = join(PROJECT_ROOT, 'data', 'profiles', 'zac-hatfield-dodds.txt');
