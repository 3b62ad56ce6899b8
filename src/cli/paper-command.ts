import type { ArxivLookup } from '../core/arxiv/arxiv-entry.ts';
import { checkLength } from '../core/input-limits.ts';
import { describeRef } from '../core/links/link-reply.ts';
import { resolveRefs } from '../core/links/lookup.ts';
import { isOnlyLinks, recogniseLinks } from '../core/links/recognise-links.ts';
import { toPaperJson } from '../core/search/search-json.ts';
import type { PaperStore, StoredPaper } from '../core/store/paper-store.ts';
import { cutAtWord, fromLatex, toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

export interface PaperFlags {
  json: boolean;
  /** arXiv's API, when `PAPERBOY_ARXIV_LOOKUP` is on: papers the index lacks are fetched and stored. */
  arxiv?: ArxivLookup | undefined;
}

/** One paper in the `search --json` shape, without `score`. */
export function toPaperOnlyJson(paper: StoredPaper, profiles: string[]) {
  const { score: _score, ...rest } = toPaperJson({ paper, score: 0, matchedTerms: [], profiles });
  return rest;
}

function formatPaper(paper: StoredPaper, url: string): string {
  const authors = paper.authors.join(', ') + (paper.authorsTruncated ? ' et al.' : '');
  const code = paper.hasCode ? ' · code' : '';
  const abstract = paper.abstract ? `\n   ${cutAtWord(fromLatex(paper.abstract), 400)}` : '';
  return `${paper.title}\n   ${authors}\n   ${paper.date} · ${paper.category ?? '—'}${code} · id ${paper.id}\n   ${url}${abstract}\n`;
}

/**
 * `paperboy paper LINK_OR_ID`: the paper behind an arXiv link or id or a DOI, from the index or (lookup on) from
 * arXiv. Exit 0 when every link was found, 1 when one was not or the text is not a paper link. `--json`: one
 * object for one link, an array for several.
 */
export async function runPaper(text: string, store: PaperStore, io: CliIo, flags: PaperFlags): Promise<number> {
  checkLength('message', text);
  if (!isOnlyLinks(text)) {
    io.stderr.write(
      toPrintable(
        `error: "${text.slice(0, 200)}" is not a paper link or id. Give an arXiv link or id (https://arxiv.org/abs/2310.13548, arXiv:2310.13548, 2310.13548, hep-th/9901001) or a DOI (doi:10.1038/nature14539); to search words, use paperboy search.\n`,
      ),
    );
    return EXIT.failed;
  }
  const refs = recogniseLinks(text);
  const resolved = await resolveRefs(refs, {
    store,
    arxiv: flags.arxiv,
    clock: io.clock,
    onLookupError: (error) =>
      io.stderr.write(
        toPrintable(`warning: arXiv could not be reached: ${error instanceof Error ? error.message : String(error)}\n`),
      ),
  });
  const ids = resolved.flatMap((r) => (r.paperId === null ? [] : [r.paperId]));
  const papers = new Map((await store.getPapers(ids)).map((p) => [p.id, p]));
  const profiles = await store.profileNamesFor(ids);
  const found: StoredPaper[] = [];
  let missing = 0;
  for (const r of resolved) {
    const paper = r.paperId === null ? undefined : papers.get(r.paperId);
    if (paper) {
      found.push(paper);
      continue;
    }
    missing++;
    const why = r.paperId === null && r.reason === 'unreachable' ? ' (arXiv could not be reached)' : '';
    const words = r.ref.kind === 'arxiv' ? r.ref.id : r.ref.doi;
    io.stderr.write(
      toPrintable(
        `error: ${describeRef(r.ref)} is not in the index${why}. Search for it: paperboy search "${words}"\n`,
      ),
    );
  }
  const json = found.map((p) => toPaperOnlyJson(p, profiles.get(p.id) ?? []));
  if (flags.json) {
    if (json.length === 1) writeJson(io, json[0]);
    else if (json.length > 1) writeJson(io, json);
  } else {
    for (const [i, paper] of found.entries()) io.stdout.write(toPrintable(formatPaper(paper, json[i]?.url ?? '')));
  }
  return missing === 0 ? EXIT.ok : EXIT.failed;
}
