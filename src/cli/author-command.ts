import { closestNames } from '../core/authors/closest-names.ts';
import { checkLength } from '../core/input-limits.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { formatMetric, toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

/** `paperboy author NAME`: what the database holds for an author; unknown names get the closest ones. */
export async function runAuthor(name: string, store: PaperStore, io: CliIo, json: boolean): Promise<number> {
  checkLength('name', name);
  const profile = await store.findProfile(name);
  if (!profile) {
    const close = closestNames(name, await store.listProfileNames());
    const hint = close.length
      ? ` Closest names: ${close.map((n) => `"${n}"`).join(', ')}.`
      : ' No profile has a similar name.';
    io.stderr.write(toPrintable(`error: no profile named "${name}".${hint}\n`));
    return EXIT.failed;
  }
  const { name: found, category, hIndex, paperCount, citationCount, novelty, aiScore, papers } = profile;
  if (json) {
    writeJson(io, { name: found, category, hIndex, paperCount, citationCount, novelty, aiScore, papers });
    return EXIT.ok;
  }
  io.stdout.write(
    toPrintable(
      [
        found,
        `  category: ${category ?? '—'}`,
        `  h-index: ${formatMetric(hIndex)}   papers: ${formatMetric(paperCount)}   citations: ${formatMetric(citationCount)}`,
        `  novelty: ${formatMetric(novelty, '%')}   AI score: ${formatMetric(aiScore)}`,
        `  papers indexed: ${papers}`,
        '',
      ].join('\n'),
    ),
  );
  return EXIT.ok;
}
