import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The paper the link tests paste: its title, authors and abstract hold markup that must reach no one as such. */
export const LINKED = {
  arxivId: '2604.19544',
  title: 'Debiased Preference Construction <!channel> & Reward Models',
  authors: ['Ann <!here> Lee', 'Bo Chen'],
  affiliations: [],
  date: '2026-04-22',
  category: 'cs.AI',
  abstract: 'We build debiased preference data <@U123> for multimodal reward models.',
};

/** Seven more papers with arXiv ids `2501.00001` … `2501.00007` (for "N more not shown"). */
export const OTHERS = Array.from({ length: 7 }, (_, i) => ({
  arxivId: `2501.0000${i + 1}`,
  title: `Linked paper number ${i + 1}`,
  authors: [`Writer ${i + 1}`],
  date: '2025-01-02',
  category: 'cs.CL',
  abstract: `Abstract ${i + 1}.`,
}));

/** Writes the link tests' corpus records as a JSON Lines file in `dir` and returns its path. */
export function writeLinkedRecords(dir: string): string {
  const path = join(dir, 'linked.jsonl');
  writeFileSync(path, `${[LINKED, ...OTHERS].map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}
