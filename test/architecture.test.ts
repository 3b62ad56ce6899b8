import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.ts';

const CORE = join(PROJECT_ROOT, 'src', 'core');
const CLI = join(PROJECT_ROOT, 'src', 'cli');
const SQLITE = join(PROJECT_ROOT, 'src', 'adapters', 'sqlite');
const POSTGRES = join(PROJECT_ROOT, 'src', 'adapters', 'postgres');
const ADAPTERS = join(PROJECT_ROOT, 'src', 'adapters');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
// Static imports, re-exports and dynamic `import('…')`: a lazily loaded module is a dependency all the same.
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[\s\S]*?from '([^']+)';|\bimport\('([^']+)'\)/gm)].map(
    (m) => (m[1] ?? m[2]) as string,
  );
/** The project files `file` imports, as absolute paths. */
const localImportsOf = (file: string) =>
  importsOf(file)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec));
const inside = (dir: string) => (file: string) => file.startsWith(`${dir}/`);
const rel = (file: string) => relative(PROJECT_ROOT, file);
const linesMatching = (dirs: string[], pattern: RegExp) =>
  dirs.flatMap(files).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : [])),
  );

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

  it('keeps SQL out of the CLI: it speaks the StoreEngine contract, never a statement or a pragma', () => {
    expect(linesMatching([CLI], /\b(SELECT|INSERT|UPDATE|DELETE)\b|\.pragma\(/)).toEqual([]);
  });

  it("keeps the engines' error codes out of core and the CLI: the adapters translate them into PaperboyErrors", () => {
    expect(linesMatching([CORE, CLI], /SQLITE_BUSY|SQLSTATE/)).toEqual([]);
  });

  it('has no import circle between the CLI and the adapters: no adapter imports src/cli', () => {
    const offenders = files(ADAPTERS).flatMap((file) =>
      localImportsOf(file)
        .filter(inside(CLI))
        .map((target) => `${rel(file)} imports ${rel(target)}`),
    );
    expect(offenders).toEqual([]);
  });

  it("lets the PostgreSQL adapter use nothing of the SQLite adapter but the text cache's public entry", () => {
    const offenders = files(POSTGRES).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => inside(SQLITE)(target) && target !== join(SQLITE, 'sqlite-text-cache.ts'))
        .map((target) => `${rel(file)} imports ${rel(target)}`),
    );
    expect(offenders).toEqual([]);
  });
});
