import { PLAIN, renderReply } from '../adapters/terminal/render.ts';
import { byNewest } from '../core/authors/author-card.ts';
import { authorCardOf, lookupAuthor } from '../core/authors/author-lookup.ts';
import { createNameIndex } from '../core/authors/closest-names.ts';
import type { AuthorCard } from '../core/commands/reply.ts';
import { toExternal } from '../core/enrich/author-figures.ts';
import type { EnrichmentStore } from '../core/enrich/enrichment-store.ts';
import { checkLength } from '../core/input-limits.ts';
import { toPaperJson } from '../core/search/search-json.ts';
import type { PaperStore, StoredPaper } from '../core/store/paper-store.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

/**
 * The `--json` shape of an author card (README, "Authors"): the index's figures at the top level, the profile
 * page's under `profile`, `external` left for the enrichment sources to fill, the latest papers as search results.
 */
export function toAuthorJson(card: AuthorCard, papers: readonly StoredPaper[]) {
  return {
    name: card.name,
    profile: card.profile,
    papers: card.papers,
    firstYear: card.firstYear,
    lastYear: card.lastYear,
    perYear: Object.fromEntries(card.perYear.map((y) => [String(y.year), y.papers])),
    categories: card.categories,
    venues: card.venues,
    affiliations: card.affiliations,
    coAuthors: card.coAuthors,
    withCode: card.withCode,
    citations: card.citations,
    papersWithCitations: card.papersWithCitations,
    hIndex: card.hIndex,
    mayBeSeveral: card.mayBeSeveral,
    external: card.external ?? [],
    latest: [...papers]
      .sort(byNewest)
      .slice(0, 3)
      .map((paper) => ({ ...toPaperJson({ paper, score: 0, matchedTerms: [], profiles: [] }), score: null })),
  };
}

/**
 * `paperboy author NAME`: the card chat shows for anyone listed on a paper. A name that is not exactly an author's
 * (case, accents and punctuation aside) prints nothing on standard output and the closest names on standard
 * error, and exits 1: a script never gets someone else's card.
 */
export async function runAuthor(
  name: string,
  store: PaperStore,
  io: CliIo,
  json: boolean,
  figures?: Pick<EnrichmentStore, 'authorFigures'>,
): Promise<number> {
  checkLength('name', name);
  const found = await lookupAuthor(store, name, 10, createNameIndex(await store.listProfileNames()), { guess: false });
  if (!('found' in found)) {
    const close = 'choices' in found ? found.choices : [];
    const hint = close.length
      ? ` Closest names: ${close.map((n) => `"${n.name}" (${n.papers} paper${n.papers === 1 ? '' : 's'})`).join(', ')}.`
      : ' No listed author has a similar name.';
    io.stderr.write(toPrintable(`error: no author named "${name}" is in the index.${hint}\n`));
    return EXIT.failed;
  }
  const { card, papers } = await authorCardOf(store, found.found);
  // What OpenAlex said when the name was last resolved (a bot's card or `enrich`); the CLI asks no service.
  if (figures) card.external = toExternal(await figures.authorFigures(found.found.key));
  if (json) {
    writeJson(io, toAuthorJson(card, papers));
    return EXIT.ok;
  }
  io.stdout.write(`${toPrintable(renderReply({ kind: 'author', card }, PLAIN))}\n`);
  return EXIT.ok;
}
