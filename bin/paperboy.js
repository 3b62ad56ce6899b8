#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs through `prepare`) when it is at least
// as new as every file under src/; otherwise the TypeScript itself through tsx (a dev dependency), so an edit
// to src/ is never shadowed by a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli.js');

/** The newest modification time under a folder, folders included (a deleted file changes its folder's). */
function newestUnder(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  if (!existsSync(built)) return false;
  // A production install may ship dist/ alone.
  if (!existsSync(join(root, 'src'))) return true;
  return statSync(built).mtimeMs >= newestUnder(join(root, 'src'));
}

if (builtIsCurrent()) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      `paperboy: ${existsSync(built) ? 'dist/ is older than src/' : 'dist/ has not been built'} and tsx (a dev dependency) is not installed, so there is nothing to run. Run "npm run build" in ${root} (or "npm ci", which builds), or install the dev dependencies.\n`,
    );
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
}
