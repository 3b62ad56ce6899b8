import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, where `data/` lives. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DB = join(PROJECT_ROOT, 'data', 'paperboy.db');
export const SAMPLE_PROFILES = join(PROJECT_ROOT, 'data', 'profiles');

/** An empty variable counts as unset. */
export const envValue = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** `--db`, else `PAPERBOY_DB`, else `data/paperboy.db` in the project. */
export const resolveDbPath = (flag: string | undefined, env: NodeJS.ProcessEnv): string =>
  flag ?? envValue(env, 'PAPERBOY_DB') ?? DEFAULT_DB;
