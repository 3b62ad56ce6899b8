import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { collectFiles } from '../../../src/core/ingest/ingest-files.ts';
import { createProfileWatcher } from '../../../src/core/ingest/profile-watcher.ts';
import { renderProfile } from '../../../src/core/profile/render-profile.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const page = (name: string, papers: number[]) =>
  renderProfile(
    fakeProfile(
      name,
      papers.map((n) => fakePaper(n)),
    ),
  );

/** Writes a ConfigMap version folder and points `..data` at it, atomically, as the kubelet does. */
function publish(folder: string, version: string, files: Record<string, string>) {
  const dir = join(folder, `..${version}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  symlinkSync(`..${version}`, join(folder, '..data_tmp'));
  renameSync(join(folder, '..data_tmp'), join(folder, '..data'));
}

describe('profiles folder with symbolic links', () => {
  const tempDir = useTempDir();

  it('H11 follows a Kubernetes ConfigMap mount: each page once, under its own name, no loop on a cycle', async () => {
    const folder = tempDir();
    publish(folder, '2026_11_28_09_00_00.1', {
      'ann.txt': page('Ann Example', [1, 2]),
      'bob.txt': page('Bob Example', [3]),
    });
    for (const name of ['ann.txt', 'bob.txt']) symlinkSync(join('..data', name), join(folder, name));
    // A cycle (a link to the folder itself, and one up from a sub-folder) and a dangling link.
    symlinkSync('.', join(folder, 'loop'));
    mkdirSync(join(folder, 'sub'));
    symlinkSync('..', join(folder, 'sub', 'up'));
    symlinkSync('gone.txt', join(folder, 'dangling.txt'));

    expect(collectFiles([folder])).toEqual({ files: [join(folder, 'ann.txt'), join(folder, 'bob.txt')], missing: [] });

    const store = createSqliteStore(':memory:');
    const watcher = createProfileWatcher(store, folder);
    const first = await watcher.loadChanged(new Date('2026-11-28T09:00:00Z'));
    expect(first?.files.map((f) => f.path)).toEqual([join(folder, 'ann.txt'), join(folder, 'bob.txt')]);
    expect(first?.totals).toMatchObject({ profiles: 2, newPapers: 3 });
    expect(await watcher.loadChanged(new Date('2026-11-28T09:01:00Z'))).toBeUndefined();

    // The ConfigMap changes: a new version folder, `..data` swapped, the old version removed.
    publish(folder, '2026_11_28_10_00_00.2', {
      'ann.txt': page('Ann Example', [1, 2, 4]),
      'bob.txt': page('Bob Example', [3]),
    });
    rmSync(join(folder, '..2026_11_28_09_00_00.1'), { recursive: true });
    const update = await watcher.loadChanged(new Date('2026-11-28T10:01:00Z'));
    expect(update?.totals).toMatchObject({ newPapers: 1 });
    expect((await store.findProfile('Ann Example'))?.papers).toBe(3);
    await store.close();
  });
});
