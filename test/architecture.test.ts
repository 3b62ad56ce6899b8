import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.ts';

const CORE = join(PROJECT_ROOT, 'src', 'core');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^import[\s\S]*?from '([^']+)';/gm)].map((m) => m[1] as string);

describe('architecture', () => {
  it('keeps the core free of adapters, platform SDKs and HTTP', () => {
    const offenders = files(CORE).flatMap((file) =>
      importsOf(file)
        .filter((spec) =>
          /adapters\/|^discord\.js|^@discordjs\/|^@slack\/|^node:http|^node:https|^\.\.\/\.\.\/cli/.test(spec),
        )
        .map((spec) => `${relative(PROJECT_ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the storage engines out of core and the CLI: they live in src/adapters/sqlite and src/adapters/postgres', () => {
    const users = [CORE, join(PROJECT_ROOT, 'src', 'cli')]
      .flatMap(files)
      .filter((file) => importsOf(file).some((spec) => spec === 'better-sqlite3' || spec === 'pg'))
      .map((file) => relative(PROJECT_ROOT, file));
    expect(users).toEqual([]);
  });
});
