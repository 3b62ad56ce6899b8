import type { ArxivLookup } from '../arxiv/arxiv-entry.ts';
import { authorCardOf, closestAuthors, lookupAuthor } from '../authors/author-lookup.ts';
import { createNameIndex } from '../authors/closest-names.ts';
import type { AuthorFiguresService } from '../enrich/author-figures.ts';
import { replyWithFigures, withFigures } from '../enrich/card-figures.ts';
import type { EnrichmentStore } from '../enrich/enrichment-store.ts';
import { isPaperboyError } from '../errors.ts';
import type { BibLibrary } from '../foryou/bib-library.ts';
import { createForYouCommands } from '../foryou/foryou-commands.ts';
import { importLibrary } from '../foryou/import-library.ts';
import { userOwner } from '../foryou/owner-key.ts';
import { applyReaction, type PostedPlace, type Reaction } from '../foryou/reactions.ts';
import type { TasteStore } from '../foryou/taste-store.ts';
import { fromLinksQuery, LINK_CARDS, toCards, toLinkReply, toLinksQuery } from '../links/link-reply.ts';
import { findHeld, mayWait, type Resolved, resolveRefs } from '../links/lookup.ts';
import { createLookupLimiter } from '../links/lookup-limits.ts';
import type { PaperRef } from '../links/recognise-links.ts';
import { createReadingCommands, type ReaderPlace, readerOf } from '../reading/reading-commands.ts';
import type { Search, SearchPage } from '../search/search.ts';
import type { AuthorName } from '../store/author-index.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { type ChatContext, type DigestDeps, runDigestCommand, TERMINAL_CONTEXT } from './digest-commands.ts';
import { helpReply } from './help.ts';
import { type Intent, toIntent } from './intent.ts';
import { toPaperCard } from './paper-card.ts';
import type { Action, AuthorCard, PageInfo, PaperCard, Reply } from './reply.ts';

export interface ChatOptions {
  store: PaperStore;
  search: Search;
  /** Digest subscriptions; without them `/digest` explains it is not available. */
  digests?: Omit<DigestDeps, 'store' | 'search'>;
  /** Cards per page. */
  pageSize?: number;
  /** Taste signals and text features: `/foryou`, Like and Not interested (docs/foryou.md). */
  taste?: TasteStore;
  /** Reads a `.bib` file by path: the terminal's `/saved import PATH` (chat platforms have no paths). */
  readLibrary?: ((path: string) => Promise<BibLibrary>) | undefined;
  clock?: () => Date;
  /** Looks pasted arXiv links the index lacks up on arXiv; absent when `PAPERBOY_ARXIV_LOOKUP` is `off`. */
  arxiv?: ArxivLookup | undefined;
  /** Told when arXiv could not be reached for a pasted link (the answer says the paper is not in the index). */
  onLookupError?: ((error: unknown) => void) | undefined;
  /** Figures fetched from OpenAlex and Semantic Scholar, put on cards as stored (never fetched while answering). */
  figures?: Pick<EnrichmentStore, 'figuresOf'> | undefined;
  /** An author's figures at OpenAlex: cached ones on the card, a look-up queued for the next (never awaited). */
  authorFigures?: AuthorFiguresService | undefined;
  /** Bounds on pending arXiv look-ups, per person and in all (default {@link LOOKUP_LIMITS}). */
  lookupLimits?: { perPerson: number; total: number };
}

/** How a message came: a mention reads links in running text as a lookup (see `toIntent`). */
export interface HandleOptions {
  mention?: boolean;
}

const MAX_CHOICES = 5;
// Queries longer than this get a saved reference (Discord button ids hold 100 characters).
const LONG_QUERY = 60;

/**
 * The platform-neutral chat: one command line (slash command or mention text) in, one {@link Reply} out.
 * Discord, Slack and the terminal all call this, so every platform answers the same way.
 */
export function createChat({
  store,
  search,
  digests,
  pageSize = 5,
  clock = () => new Date(),
  arxiv,
  onLookupError,
  taste,
  readLibrary,
  figures,
  authorFigures,
  lookupLimits,
}: ChatOptions) {
  const limiter = createLookupLimiter(lookupLimits);
  /** Whose look-ups these are, for the per-person bound. */
  const requesterOf = (place: ReaderPlace) => `${place.platform}:${place.space ?? ''}:${place.user}`;
  let names: ReturnType<typeof createNameIndex> | undefined;
  let namesFor = -1;
  const profileNames = async () => {
    // Every profile write bumps the profile revision (a rename keeps the count of profiles, not the revision).
    const rev = await store.profileRev();
    if (!names || rev !== namesFor) {
      names = createNameIndex(await store.listProfileNames());
      namesFor = rev;
    }
    return names;
  };
  const lookup = async (name: string) => lookupAuthor(store, name, MAX_CHOICES, await profileNames());

  const reading = createReadingCommands({ store, pageSize, clock });
  const forYou = taste ? createForYouCommands({ store, taste, pageSize, clock }) : undefined;
  const NO_TASTE: Reply = { kind: 'notice', text: 'For you is not available here.' };

  const authorCard = async (author: AuthorName): Promise<AuthorCard> => {
    const { card, papers } = await authorCardOf(store, author);
    if (!authorFigures) return card;
    card.external = await authorFigures.external(author.key);
    authorFigures.request(author.key, card.name, papers);
    return card;
  };

  function pageInfo(page: SearchPage, toAction: (n: number) => Action): PageInfo {
    const info: PageInfo = {
      current: toAction(page.page),
      page: page.page,
      pageSize: page.pageSize,
      total: page.total,
    };
    if (page.prevCursor) info.previous = toAction(page.page - 1);
    if (page.nextCursor) info.next = toAction(page.page + 1);
    return info;
  }

  async function papers(query: string, page = 1): Promise<Reply> {
    const result = await search.search(query, { pageSize, page });
    // A long query is also saved under a short reference, for platforms whose button ids are short.
    const ref = query.length > LONG_QUERY ? await store.saveQuery(query, clock()) : undefined;
    const reply: Reply = {
      kind: 'papers',
      heading: `Papers for “${query}”`,
      cards: result.results.map(toPaperCard),
      page: pageInfo(result, (n) => ({ type: 'page', query, page: n, ...(ref ? { ref } : {}) })),
    };
    if (result.didYouMean) reply.didYouMean = result.didYouMean;
    if (result.relaxed) reply.relaxed = true;
    if (result.wordsLeftOut.length) reply.wordsLeftOut = result.wordsLeftOut;
    return reply;
  }

  async function moreLike(paperId: number, page = 1): Promise<Reply> {
    const result = await search.moreLikeThis(paperId, { pageSize, page });
    if (!result)
      return { kind: 'error', code: 'not_found', message: `No paper has id ${paperId}. Ids are shown on every card.` };
    const [source] = await store.getPapers([paperId]);
    return {
      kind: 'papers',
      heading: `More like “${source?.title ?? paperId}”`,
      cards: result.results.map(toPaperCard),
      page: pageInfo(result, (n) => ({ type: 'more', paperId, page: n })),
    };
  }

  async function author(name: string): Promise<Reply> {
    const found = await lookup(name);
    if ('found' in found) return { kind: 'author', card: await authorCard(found.found) };
    if ('choices' in found) {
      return {
        kind: 'choices',
        message: `No author is named “${name}”. Did you mean:`,
        options: found.choices.map((n) => ({ label: n.name, action: { type: 'author', name: n.name } })),
      };
    }
    return { kind: 'notice', text: `No author like “${name}” is in the index. Try part of the name, like a surname.` };
  }

  async function compare([a, b]: [string, string]): Promise<Reply> {
    const first = await lookup(a);
    const second = await lookup(b);
    if ('found' in first && 'found' in second) {
      return { kind: 'compare', cards: [await authorCard(first.found), await authorCard(second.found)] };
    }
    return author('found' in first ? b : a);
  }

  /** Cards for pasted links, from the index only; the Share button carries the refs as a links query. */
  async function links(refs: readonly PaperRef[], known?: readonly Resolved[]): Promise<Reply> {
    const resolved = known ?? (await findHeld(refs, store));
    const reply = await toLinkReply(resolved, store);
    if (reply.kind !== 'papers') return reply;
    const query = toLinksQuery(refs);
    const ref = query.length > LONG_QUERY ? await store.saveQuery(query, clock()) : undefined;
    reply.page.current = { type: 'page', query, page: 1, ...(ref ? { ref } : {}) };
    return reply;
  }

  async function run(intent: Intent, context: ChatContext & ReaderPlace): Promise<Reply> {
    switch (intent.type) {
      case 'reading': {
        const imported = /^import(?:\s+(.*))?$/is.exec(intent.args.trim());
        if (intent.command === 'saved' && imported) return importLibraryReply(imported[1]?.trim() ?? '', context);
        return reading.command(intent.command, intent.args, readerOf(context));
      }
      case 'foryou':
        return forYou ? forYou.command(intent.command, intent.args, readerOf(context), context) : NO_TASTE;
      case 'links':
        return links(intent.refs);
      case 'digest':
        if (!digests) return { kind: 'notice', text: 'Digests are not available here.' };
        return runDigestCommand(intent.args, context, { ...digests, store, search });
      case 'paper':
        return papers(intent.query);
      case 'author':
        return author(intent.name);
      case 'compare':
        return compare(intent.names);
      case 'more':
        return moreLike(intent.paperId);
      case 'help':
        return helpReply(intent.topic);
      case 'unknown':
        return helpReply(undefined, `I don't know “${intent.text.split(/\s/)[0]}”. Here is what I can do:`);
    }
  }

  /** `/saved import PATH` on the terminal; elsewhere, how to import. */
  async function importLibraryReply(path: string, context: ChatContext & ReaderPlace): Promise<Reply> {
    if (!readLibrary || !taste || context.platform !== 'terminal')
      return {
        kind: 'notice',
        text: 'Import your library from the command line: export it from Zotero (or any reference manager) as BibTeX, then run paperboy saved import LIBRARY.bib --user PLATFORM:SPACE:USER. Only you see what it adds.',
      };
    if (path === '')
      return { kind: 'error', code: 'invalid_query', message: 'Use /saved import PATH, the path of a .bib file.' };
    const reader = readerOf(context);
    const summary = await importLibrary({ store, taste }, reader, await readLibrary(path), clock());
    return {
      kind: 'notice',
      text: `${summary.entries} entries read, ${summary.matched} found in the index, ${summary.added} added to your reading list${summary.unmatched.length ? `; not in the index: ${summary.unmatched.length}` : ''}${summary.errors.length ? `; skipped (bad BibTeX): ${summary.errors.length}` : ''}. /foryou ranks the week's papers by them.`,
    };
  }
  /** Stored figures on the reply's cards; a store that cannot say leaves the cards as they are. */
  const decorate = async (reply: Reply): Promise<Reply> => {
    if (!figures) return reply;
    try {
      return await replyWithFigures(reply, figures);
    } catch {
      return reply;
    }
  };

  const guard = async (answer: () => Promise<Reply>): Promise<Reply> => {
    try {
      return await decorate(await answer());
    } catch (error) {
      if (isPaperboyError(error)) return { kind: 'error', code: error.code, message: error.message };
      throw error;
    }
  };

  async function answerLinks(refs: readonly PaperRef[], place: ReaderPlace = TERMINAL_CONTEXT): Promise<Reply> {
    // Only as many looked up on arXiv as an answer shows cards.
    const resolved = await resolveRefs(refs, {
      store,
      arxiv,
      clock,
      onLookupError,
      maxLookups: LINK_CARDS,
      limiter,
      requester: requesterOf(place),
    });
    return guard(() => links(refs, resolved));
  }

  return {
    /** Answers a command line or mention text. Bad queries come back as `error` replies, never as throws. */
    handle: (
      text: string,
      context: ChatContext & ReaderPlace = TERMINAL_CONTEXT,
      options: HandleOptions = {},
    ): Promise<Reply> => guard(() => run(toIntent(text, options), context)),

    /**
     * Like {@link handle}, but pasted arXiv links the index lacks are looked up on arXiv (when configured),
     * stored without announcing, and answered with their cards.
     */
    answer: async (
      text: string,
      context: ChatContext & ReaderPlace = TERMINAL_CONTEXT,
      options: HandleOptions = {},
    ): Promise<Reply> => {
      let intent: Intent;
      try {
        intent = toIntent(text, options);
      } catch (error) {
        return guard(async () => {
          throw error;
        });
      }
      return intent.type === 'links' ? answerLinks(intent.refs, context) : guard(() => run(intent, context));
    },

    /** True when {@link answer} may wait on arXiv for this text: adapters with a deadline defer first. */
    mayWait: async (text: string, options: HandleOptions = {}): Promise<boolean> => {
      try {
        const intent = toIntent(text, options);
        return intent.type === 'links' && (await mayWait(intent.refs, { store, arxiv }));
      } catch {
        return false;
      }
    },

    /** Cards for these refs (Discord's "Find paper"), looking up on arXiv what the index lacks, as {@link answer} does. */
    answerLinks,

    /** Each ref with the card of its paper (looked up on arXiv when configured), or null: Slack unfurls. */
    cardsFor: async (
      refs: readonly PaperRef[],
      place?: ReaderPlace,
    ): Promise<{ ref: PaperRef; card: PaperCard | null }[]> => {
      const resolved = await resolveRefs(refs, {
        store,
        arxiv,
        clock,
        onLookupError,
        limiter,
        requester: place ? requesterOf(place) : 'unfurls',
      });
      const cards: { ref: PaperRef; card: PaperCard | null }[] = [];
      for (const r of resolved)
        cards.push({ ref: r.ref, card: r.paperId === null ? null : ((await toCards([r.paperId], store))[0] ?? null) });
      if (figures)
        await withFigures(
          cards.flatMap((c) => (c.card ? [c.card] : [])),
          figures,
        ).catch(() => {});
      return cards;
    },

    /** Answers a button press; `context` says who pressed (reading-list buttons act on their own list). */
    act: (action: Action, context: ChatContext & ReaderPlace = TERMINAL_CONTEXT): Promise<Reply> =>
      guard(async () => {
        const reader = readerOf(context);
        if (action.type === 'like' || action.type === 'dismiss' || action.type === 'foryou')
          return forYou ? ((await forYou.act(action, reader, context)) ?? NO_TASTE) : NO_TASTE;
        // A Remove from the reading list is a negative signal; saving the paper again takes it back.
        if (taste && (action.type === 'unsave' || action.type === 'save')) {
          const signal = {
            owner: userOwner(reader),
            actor: reader.user,
            paperId: action.paperId,
            source: 'removed' as const,
          };
          if (action.type === 'unsave') await taste.addSignal(signal, clock());
          else await taste.removeSignal(signal);
        }
        const personal = await reading.act(action, reader);
        if (personal) return personal;
        switch (action.type) {
          case 'page': {
            const query = action.ref ? await store.loadQuery(action.ref) : action.query;
            if (query === undefined)
              return { kind: 'notice', text: 'That search is no longer known here; please search again.' };
            const refs = fromLinksQuery(query);
            return refs ? links(refs) : papers(query, action.page);
          }
          case 'more':
            return moreLike(action.paperId, action.page);
          case 'author':
            return author(action.name);
          default:
            return { kind: 'notice', text: 'This button is from an older Paperboy; ask again.' };
        }
      }),

    /**
     * Remembers a message Paperboy posted that holds exactly one paper (`singlePaperOf`): 👍 / 👎 on it become
     * signals. Nothing for `undefined` (a message of many papers, or none).
     */
    async rememberPosted(place: PostedPlace, paperId: number | undefined): Promise<void> {
      if (!taste || paperId === undefined) return;
      await taste.rememberMessage({ ...place, paperId }, clock());
    },

    /** A 👍 / 👎 added or removed; ignored unless on a remembered single-paper message and not by a bot. */
    async react(reaction: Reaction, added: boolean, isBot?: () => Promise<boolean>): Promise<boolean> {
      return taste ? applyReaction(taste, reaction, added, clock(), isBot) : false;
    },

    /** Author names for autocomplete, best first, at most `limit`. */
    async suggestAuthors(prefix: string, limit = 25): Promise<string[]> {
      if (prefix.trim() === '') return (await store.listProfileNames()).slice(0, limit);
      return (await closestAuthors(store, prefix, limit, await profileNames())).map((c) => c.name);
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
