import { toBibtex } from '../core/cite/bibtex.ts';
import { findPaperId, parsePaperRef } from '../core/reading/paper-ref.ts';
import type { PaperStore, StoredPaper } from '../core/store/paper-store.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT } from './io.ts';

/**
 * `paperboy bibtex ID...`: BibTeX entries for papers named by card id, arXiv id or arXiv link, keys unique
 * across the output. Unknown ids are named on standard error (exit 1); the known ones are still printed.
 */
export async function runBibtex(refs: readonly string[], store: PaperStore, io: CliIo): Promise<number> {
  const papers: StoredPaper[] = [];
  const unknown: string[] = [];
  for (const text of refs) {
    const ref = parsePaperRef(text);
    const id = ref ? await findPaperId(ref, store) : undefined;
    const [paper] = id === undefined ? [] : await store.getPapers([id]);
    if (!paper) unknown.push(text);
    else if (!papers.some((p) => p.id === paper.id)) papers.push(paper);
  }
  if (papers.length) io.stdout.write(toBibtex(papers));
  if (unknown.length) {
    io.stderr.write(
      toPrintable(
        `error: no paper for ${unknown.map((u) => `"${u.slice(0, 200)}"`).join(', ')}. Use the ids shown on cards and by "paperboy search", arXiv ids (2310.13548), arXiv links or DOIs.\n`,
      ),
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}
