import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * A project laid out like Paperboy's (bin/, src/, dist/, node_modules/) whose src/cli.ts and dist/cli.js only
 * say which of them ran, so the choice bin/paperboy.js makes is seen from outside, as a user would.
 */
function project(dir: string, options: { tsx: boolean }) {
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  copyFileSync(join(PROJECT_ROOT, 'bin', 'paperboy.js'), join(dir, 'bin', 'paperboy.js'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  // A type annotation: only tsx can run this file.
  writeFileSync(join(dir, 'src', 'cli.ts'), "const from: string = 'src';\nprocess.stdout.write(from + '\\n');\n");
  writeFileSync(join(dir, 'src', 'cli', 'program.ts'), 'export {};\n');
  writeFileSync(join(dir, 'dist', 'cli.js'), "process.stdout.write('dist\\n');\n");
  if (options.tsx) symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);
  const run = () =>
    spawnSync(process.execPath, [join(dir, 'bin', 'paperboy.js')], { encoding: 'utf8', timeout: 30_000 });
  return { at, run };
}

describe('bin/paperboy.js chooses the build or the sources', () => {
  const tempDir = useTempDir();
  const T = 1_800_000_000;

  it('runs dist/ when it is at least as new as every file under src/', () => {
    const p = project(tempDir(), { tsx: true });
    for (const path of ['src/cli.ts', 'src/cli/program.ts', 'src/cli', 'src']) p.at(path, T);
    p.at('dist/cli.js', T + 10);
    expect(p.run().stdout).toBe('dist\n');
  });

  it('never runs a stale dist/: a file edited under src/ after the build runs the sources through tsx', () => {
    const dir = tempDir();
    const p = project(dir, { tsx: true });
    for (const path of ['src/cli.ts', 'src/cli', 'src']) p.at(path, T);
    p.at('dist/cli.js', T + 10);
    p.at('src/cli/program.ts', T + 20);
    expect(p.run().stdout).toBe('src\n');
  });

  it('a file deleted under src/ after the build (its folder changed) also makes dist/ stale', () => {
    const dir = tempDir();
    const p = project(dir, { tsx: true });
    for (const path of ['src/cli.ts', 'src/cli/program.ts', 'src']) p.at(path, T);
    p.at('dist/cli.js', T + 10);
    p.at('src/cli', T + 20);
    expect(p.run().stdout).toBe('src\n');
  });

  it('runs the sources when dist/ was never built', () => {
    const dir = tempDir();
    const p = project(dir, { tsx: true });
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(p.run().stdout).toBe('src\n');
  });

  it('runs dist/ in an install that ships no src/', () => {
    const dir = tempDir();
    const p = project(dir, { tsx: false });
    rmSync(join(dir, 'src'), { recursive: true });
    expect(p.run().stdout).toBe('dist\n');
  });

  it('with neither a current dist/ nor tsx it exits 1 and says how to build', () => {
    const dir = tempDir();
    const p = project(dir, { tsx: false });
    p.at('dist/cli.js', T);
    p.at('src/cli.ts', T + 20);
    const run = p.run();
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/dist\/ is older than src\/ and tsx \(a dev dependency\) is not installed/);
    expect(run.stderr).toMatch(/npm run build/);
  });
});
