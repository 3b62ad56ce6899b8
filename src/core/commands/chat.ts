import type { ArxivLookup } from '../arxiv/arxiv-entry.ts';
import { buildAuthorCard } from '../authors/author-card.ts';
import { createNameIndex } from '../authors/closest-names.ts';
import { isPaperboyError } from '../errors.ts';
import { createForYouCommands } from '../foryou/foryou-commands.ts';
import { userOwner } from '../foryou/owner-key.ts';
import type { TasteStore } from '../foryou/taste-store.ts';
import { fromLinksQuery, LINK_CARDS, toCards, toLinkReply, toLinksQuery } from '../links/link-reply.ts';
import { findHeld, mayWait, type Resolved, resolveRefs } from '../links/lookup.ts';
import type { PaperRef } from '../links/recognise-links.ts';
import { createReadingCommands, type ReaderPlace, readerOf } from '../reading/reading-commands.ts';
import type { Search, SearchPage } from '../search/search.ts';
import type { PaperStore, StoredProfile } from '../store/paper-store.ts';
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
  clock?: () => Date;
  /** Looks pasted arXiv links the index lacks up on arXiv; absent when `PAPERBOY_ARXIV_LOOKUP` is `off`. */
  arxiv?: ArxivLookup | undefined;
  /** Told when arXiv could not be reached for a pasted link (the answer says the paper is not in the index). */
  onLookupError?: ((error: unknown) => void) | undefined;
}

/** How a message came: a mention reads links in running text as a lookup (see `toIntent`). */
export interface HandleOptions {
  mention?: boolean;
}

type AuthorLookup = { found: StoredProfile } | { choices: string[] } | { none: true };

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
}: ChatOptions) {
  let names: ReturnType<typeof createNameIndex> | undefined;
  let namesFor = -1;
  const nameIndex = async () => {
    // Every profile write bumps the profile revision (a rename keeps the count of profiles, not the revision).
    const rev = await store.profileRev();
    if (!names || rev !== namesFor) {
      names = createNameIndex(await store.listProfileNames());
      namesFor = rev;
    }
    return names;
  };

  async function lookupAuthor(name: string): Promise<AuthorLookup> {
    const exact = await store.findProfile(name);
    if (exact) return { found: exact };
    const close = (await nameIndex()).closest(name, MAX_CHOICES);
    const [best, second] = close;
    if (best === undefined) return { none: true };
    // One clear match is shown at once; several close ones are offered, never guessed.
    if (best.score >= 0.7 && (second === undefined || second.score < best.score - 0.1)) {
      const profile = await store.findProfile(best.name);
      if (profile) return { found: profile };
    }
    return { choices: close.map((c) => c.name) };
  }

  const reading = createReadingCommands({ store, pageSize, clock });
  const forYou = taste ? createForYouCommands({ store, taste, pageSize, clock }) : undefined;
  const NO_TASTE: Reply = { kind: 'notice', text: 'For you is not available here.' };

  const authorCard = async (profile: StoredProfile): Promise<AuthorCard> =>
    buildAuthorCard(profile, await store.getPapers(await store.profilePaperIds(profile.id)));

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
    const found = await lookupAuthor(name);
    if ('found' in found) return { kind: 'author', card: await authorCard(found.found) };
    if ('choices' in found) {
      return {
        kind: 'choices',
        message: `No author is named “${name}”. Did you mean:`,
        options: found.choices.map((n) => ({ label: n, action: { type: 'author', name: n } })),
      };
    }
    return { kind: 'notice', text: `No author like “${name}” is in the index. Try part of the name, like a surname.` };
  }

  async function compare([a, b]: [string, string]): Promise<Reply> {
    const first = await lookupAuthor(a);
    const second = await lookupAuthor(b);
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
      case 'reading':
        return reading.command(intent.command, intent.args, readerOf(context));
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

  const guard = async (answer: () => Promise<Reply>): Promise<Reply> => {
    try {
      return await answer();
    } catch (error) {
      if (isPaperboyError(error)) return { kind: 'error', code: error.code, message: error.message };
      throw error;
    }
  };

  async function answerLinks(refs: readonly PaperRef[]): Promise<Reply> {
    // Only as many looked up on arXiv as an answer shows cards.
    const resolved = await resolveRefs(refs, { store, arxiv, clock, onLookupError, maxLookups: LINK_CARDS });
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
      return intent.type === 'links' ? answerLinks(intent.refs) : guard(() => run(intent, context));
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
    cardsFor: async (refs: readonly PaperRef[]): Promise<{ ref: PaperRef; card: PaperCard | null }[]> => {
      const resolved = await resolveRefs(refs, { store, arxiv, clock, onLookupError });
      const cards: { ref: PaperRef; card: PaperCard | null }[] = [];
      for (const r of resolved)
        cards.push({ ref: r.ref, card: r.paperId === null ? null : ((await toCards([r.paperId], store))[0] ?? null) });
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

    /** Author names for autocomplete, best first, at most `limit`. */
    async suggestAuthors(prefix: string, limit = 25): Promise<string[]> {
      if (prefix.trim() === '') return (await store.listProfileNames()).slice(0, limit);
      return (await nameIndex()).closest(prefix, limit).map((c) => c.name);
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
