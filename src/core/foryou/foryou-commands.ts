import type { ChatContext } from '../commands/digest-commands.ts';
import { toPaperCard } from '../commands/paper-card.ts';
import type { Action, Reply } from '../commands/reply.ts';
import { findPaperId, parsePaperRef } from '../reading/paper-ref.ts';
import type { Reader } from '../reading/reading-list-store.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { userOwner } from './owner-key.ts';
import { recommend } from './recommend.ts';
import { MIN_POSITIVES } from './taste-model.ts';
import type { TasteOwner, TasteStore } from './taste-store.ts';

export interface ForYouDeps {
  store: PaperStore;
  taste: TasteStore;
  pageSize: number;
  clock: () => Date;
}

/** The channel a Like in `context` also teaches: none in direct messages and the terminal (docs/foryou.md). */
export function channelOwnerOf(context: ChatContext & { space?: string }): TasteOwner | undefined {
  if (context.platform === 'terminal' || !context.channel) return undefined;
  if (context.space === undefined || context.space === 'dm' || context.channel.startsWith('D')) return undefined;
  return { kind: 'channel', platform: context.platform, space: context.space, id: context.channel };
}

const TEACH =
  'Save papers (Save on any card, /save ID), press Like or Not interested on cards, or import your library (paperboy saved import LIBRARY.bib).';

/**
 * `/foryou [PAGE]`, `/foryou reset`, `/like ID`, `/dismiss ID` and the Like / Not interested buttons: a person's
 * taste. Answers are for the asker alone (adapters answer ephemerally).
 */
export function createForYouCommands({ store, taste, pageSize, clock }: ForYouDeps) {
  async function page(reader: Reader, wanted: number): Promise<Reply> {
    const n = Math.max(1, wanted);
    const result = await recommend(
      { store, taste },
      { owner: userOwner(reader), limit: pageSize, offset: (n - 1) * pageSize },
      clock,
    );
    if (result.candidates === 0)
      return { kind: 'notice', text: `No new papers from ${result.since} on that you have not saved or dismissed.` };
    if (result.results.length === 0 && n > 1) return page(reader, Math.ceil(result.candidates / pageSize));
    const profiles = await store.profileNamesFor(result.results.map((r) => r.paper.id));
    const at = (p: number): Action => ({ type: 'foryou', page: p });
    const last = Math.ceil(result.candidates / pageSize);
    const heading = result.trained
      ? `For you: the week's papers ranked by what you saved and liked (${result.candidates} papers)`
      : `For you: ${result.positives} of ${MIN_POSITIVES} liked papers so far, so these are the newest, not ranked. ${TEACH}`;
    return {
      kind: 'papers',
      heading,
      cards: result.results.map(({ paper, why }) => ({
        ...toPaperCard({ paper, score: 0, matchedTerms: [], profiles: profiles.get(paper.id) ?? [] }),
        ...(why.length ? { why } : {}),
      })),
      page: {
        current: at(n),
        page: n,
        pageSize,
        total: result.candidates,
        ...(n > 1 ? { previous: at(n - 1) } : {}),
        ...(n < last ? { next: at(n + 1) } : {}),
      },
    };
  }

  async function signal(kind: 'like' | 'dismiss', paperId: number, reader: Reader, context: ChatContext) {
    const [paper] = await store.getPapers([paperId]);
    if (!paper) return { kind: 'error', code: 'not_found', message: `No paper has id ${paperId}.` } as const;
    const now = clock();
    await taste.addSignal({ owner: userOwner(reader), actor: reader.user, paperId, source: kind }, now);
    const channel = channelOwnerOf({ ...context, space: reader.space });
    if (channel) await taste.addSignal({ owner: channel, actor: reader.user, paperId, source: kind }, now);
    return {
      kind: 'notice',
      text:
        kind === 'like'
          ? `Liked “${paper.title}”: /foryou will rank papers like it higher${channel ? ', and so will this channel’s ranked digests' : ''}.`
          : `Not interested in “${paper.title}”: it leaves /foryou, and papers like it rank lower.`,
    } as const;
  }

  const idOf = async (text: string): Promise<number | undefined> => {
    const ref = parsePaperRef(text.trim());
    return ref ? findPaperId(ref, store) : undefined;
  };

  return {
    async command(command: 'foryou' | 'like' | 'dismiss', args: string, reader: Reader, context: ChatContext) {
      const text = args.trim();
      if (command === 'foryou') {
        if (text === '') return page(reader, 1);
        if (/^\d{1,6}$/.test(text)) return page(reader, Number(text));
        if (text.toLowerCase() === 'reset') {
          const forgotten = await taste.resetPerson(reader);
          return {
            kind: 'notice',
            text: `Forgot your ${forgotten} Like, Not interested, reaction and import signals. Your reading list stays (it still counts as taste: /saved).`,
          } satisfies Reply;
        }
        return {
          kind: 'error',
          code: 'invalid_query',
          message: 'Use /foryou (your papers of the week), /foryou PAGE, or /foryou reset (forget your signals).',
        } satisfies Reply;
      }
      const id = await idOf(text);
      if (id === undefined)
        return {
          kind: 'error',
          code: 'invalid_query',
          message: `/${command} takes the id on a card (like 17), an arXiv id or a DOI.`,
        } satisfies Reply;
      return signal(command, id, reader, context);
    },

    /** Answers Like, Not interested and `/foryou` paging buttons; undefined for other actions. */
    async act(action: Action, reader: Reader, context: ChatContext): Promise<Reply | undefined> {
      switch (action.type) {
        case 'like':
        case 'dismiss':
          return signal(action.type, action.paperId, reader, context);
        case 'foryou':
          return page(reader, action.page);
        default:
          return undefined;
      }
    },
  };
}
