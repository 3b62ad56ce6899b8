import { toBibtex } from '../cite/bibtex.ts';
import { toIntent } from '../commands/intent.ts';
import { toPaperCard } from '../commands/paper-card.ts';
import type { Action, PaperCard, Reply } from '../commands/reply.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import { countOf } from '../text.ts';
import { findPaperId, parsePaperRef } from './paper-ref.ts';
import type { Reader } from './reading-list-store.ts';

/** The most papers one person's list holds: enough for a thesis, and an export stays one small file. */
export const READING_LIST_CAP = 1000;
/** The most papers one `/cite` answers for. */
export const CITE_MAX = 25;
/** The file `/saved export` delivers. */
export const EXPORT_FILENAME = 'reading-list.bib';

export type ReadingCommand = 'save' | 'saved' | 'cite';

export interface ReadingDeps {
  store: PaperStore;
  pageSize: number;
  clock: () => Date;
}

/** Where a person asks from, as adapters tell the chat: the terminal has one list, `terminal`. */
export interface ReaderPlace {
  platform: string;
  user: string;
  /** Slack team id; Discord guild id (`dm` in direct messages). */
  space?: string;
}

/** The reading list a person's command reaches: their own, in this workspace or server. */
export const readerOf = (place: ReaderPlace): Reader => ({
  platform: place.platform,
  space: place.space ?? (place.platform === 'terminal' ? 'terminal' : 'dm'),
  user: place.user,
});

/** Actions whose answers belong to the person who pressed, never to the channel. */
export const isPersonalAction = (action: Action): boolean =>
  action.type === 'save' ||
  action.type === 'cite' ||
  action.type === 'unsave' ||
  action.type === 'saved' ||
  action.type === 'like' ||
  action.type === 'dismiss' ||
  action.type === 'foryou';

/** True when a command line is `/save`, `/saved` or `/cite`: its answer is for the asker alone. */
export function isPersonalText(text: string): boolean {
  try {
    const type = toIntent(text).type;
    return type === 'reading' || type === 'foryou';
  } catch {
    return false;
  }
}

const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
const CAP_TEXT = withCommas(READING_LIST_CAP);
const REF_HELP = 'Use the id on a card (like 17), an arXiv id (like 2310.13548), an arXiv link or a DOI.';
const SAVED_USAGE = 'Use /saved (your list, newest first), /saved PAGE, /saved export (BibTeX) or /saved remove ID.';

type Resolved = { paper: StoredPaper } | { error: Reply };

async function resolve(text: string, store: PaperStore): Promise<Resolved> {
  const ref = parsePaperRef(text);
  if (!ref)
    return {
      error: { kind: 'error', code: 'invalid_query', message: `“${text.slice(0, 100)}” names no paper. ${REF_HELP}` },
    };
  const id = await findPaperId(ref, store);
  const [paper] = id === undefined ? [] : await store.getPapers([id]);
  if (paper) return { paper };
  const what =
    ref.kind === 'id'
      ? `No paper has id ${ref.id}`
      : ref.kind === 'arxiv'
        ? `arXiv ${ref.arxivId} is not in the index yet (/paper ${ref.arxivId} fetches it)`
        : `No paper has the DOI ${ref.doi}`;
  return { error: { kind: 'error', code: 'not_found', message: `${what}. ${REF_HELP} /paper finds papers.` } };
}

/** A card for a saved paper that has left the index: the entry stays, and can be removed. */
const goneCard = (paperId: number, savedAt: string): PaperCard => ({
  id: paperId,
  title: `Paper ${paperId} is no longer in the index (saved ${savedAt.slice(0, 10)})`,
  url: '',
  authors: [],
  authorsTruncated: false,
  affiliations: [],
  date: savedAt.slice(0, 10),
  category: null,
  hasCode: false,
  codeUrl: null,
  snippet: [],
  profiles: [],
  moreLikeThis: { type: 'more', paperId, page: 1 },
});

/**
 * `/save`, `/saved` and `/cite`: a person's reading list and BibTeX. Every answer is for the asker alone
 * (adapters answer ephemerally).
 */
export function createReadingCommands({ store, pageSize, clock }: ReadingDeps) {
  const list = () => store.readingList;

  async function save(text: string, reader: Reader): Promise<Reply> {
    const found = await resolve(text, store);
    if ('error' in found) return found.error;
    const { paper } = found;
    const result = await list().save(reader, paper.id, clock(), READING_LIST_CAP);
    switch (result.status) {
      case 'saved':
        return {
          kind: 'notice',
          text: `Saved “${paper.title}” (id ${paper.id}) to your reading list: ${withCommas(result.count)} of ${CAP_TEXT} papers. /saved shows it.`,
        };
      case 'already':
        return {
          kind: 'notice',
          text: `“${paper.title}” (id ${paper.id}) is already in your reading list, saved ${result.savedAt.slice(0, 10)}. /saved shows it.`,
        };
      case 'full':
        return {
          kind: 'error',
          code: 'reading_list_full',
          message: `Your reading list is full: it holds ${CAP_TEXT} papers, the most it can. Remove some with /saved (each has Remove) or /saved remove ID, then save “${paper.title}” again.`,
        };
    }
  }

  async function page(reader: Reader, wanted: number): Promise<Reply> {
    const total = await list().count(reader);
    if (total === 0)
      return {
        kind: 'notice',
        text: 'Your reading list is empty. Save papers with the Save button on any card, or /save ID.',
      };
    const last = Math.ceil(total / pageSize);
    const n = Math.min(Math.max(1, wanted), last);
    const entries = await list().list(reader, (n - 1) * pageSize, pageSize);
    const ids = entries.map((e) => e.paperId);
    const papers = new Map((await store.getPapers(ids)).map((p) => [p.id, p]));
    const profiles = await store.profileNamesFor(ids);
    const cards = entries.map((entry): PaperCard => {
      const paper = papers.get(entry.paperId);
      const card = paper
        ? toPaperCard({ paper, score: 0, matchedTerms: [], profiles: profiles.get(paper.id) ?? [] })
        : goneCard(entry.paperId, entry.savedAt);
      return { ...card, remove: { type: 'unsave', paperId: entry.paperId, page: n } };
    });
    const at = (p: number): Action => ({ type: 'saved', page: p });
    return {
      kind: 'papers',
      heading:
        `Your reading list: ${withCommas(total)} of ${CAP_TEXT} papers, newest saved first` +
        // Asked for a page past the end: say so rather than quietly showing another one.
        (wanted > last ? ` · there is no page ${wanted}: it has ${countOf(last, 'page')}, this is page ${n}` : ''),
      cards,
      page: {
        current: at(n),
        page: n,
        pageSize,
        total,
        ...(n > 1 ? { previous: at(n - 1) } : {}),
        ...(n < last ? { next: at(n + 1) } : {}),
      },
    };
  }

  async function exportList(reader: Reader): Promise<Reply> {
    const entries = await list().list(reader, 0, READING_LIST_CAP);
    if (entries.length === 0) return page(reader, 1);
    const papers = new Map((await store.getPapers(entries.map((e) => e.paperId))).map((p) => [p.id, p]));
    const kept = entries.flatMap((e) => papers.get(e.paperId) ?? []);
    const gone = entries.filter((e) => !papers.has(e.paperId)).map((e) => e.paperId);
    const note = gone.length
      ? ` ${gone.length} saved ${gone.length === 1 ? 'paper is' : 'papers are'} no longer in the index and left out (id ${gone.join(', ')}); they stay on your list.`
      : '';
    return {
      kind: 'bibtex',
      text: `Your reading list as BibTeX: ${kept.length} ${kept.length === 1 ? 'entry' : 'entries'}, newest saved first.${note}`,
      bibtex: toBibtex(kept),
      filename: EXPORT_FILENAME,
    };
  }

  async function remove(text: string, reader: Reader): Promise<Reply> {
    const ref = parsePaperRef(text);
    const id = ref ? await findPaperId(ref, store) : undefined;
    if (id === undefined || !(await list().remove(reader, id)))
      return { kind: 'notice', text: `“${text.slice(0, 100)}” is not in your reading list. /saved shows what is.` };
    return { kind: 'notice', text: `Removed paper ${id} from your reading list.` };
  }

  async function cite(text: string): Promise<Reply> {
    const refs = text.split(/\s+/).filter((w) => w !== '');
    if (refs.length === 0) return { kind: 'error', code: 'invalid_query', message: `Which paper? ${REF_HELP}` };
    if (refs.length > CITE_MAX)
      return {
        kind: 'error',
        code: 'invalid_query',
        message: `/cite takes at most ${CITE_MAX} papers at once; for more, save them and use /saved export.`,
      };
    const papers: StoredPaper[] = [];
    for (const ref of refs) {
      const found = await resolve(ref, store);
      if ('error' in found) return found.error;
      if (!papers.some((p) => p.id === found.paper.id)) papers.push(found.paper);
    }
    const [first] = papers;
    return {
      kind: 'bibtex',
      text: papers.length === 1 && first ? `BibTeX for “${first.title}”` : `BibTeX for ${papers.length} papers`,
      bibtex: toBibtex(papers),
    };
  }

  return {
    /** Answers `/save ARGS`, `/saved ARGS` or `/cite ARGS` for a person. */
    async command(command: ReadingCommand, args: string, reader: Reader): Promise<Reply> {
      const text = args.trim();
      switch (command) {
        case 'save':
          return text === ''
            ? { kind: 'error', code: 'invalid_query', message: `Which paper? ${REF_HELP}` }
            : save(text, reader);
        case 'cite':
          return cite(text);
        case 'saved': {
          const [sub = '', ...rest] = text.split(/\s+/);
          if (sub === '') return page(reader, 1);
          if (/^\d{1,6}$/.test(sub) && rest.length === 0) return page(reader, Number(sub));
          if (sub.toLowerCase() === 'export' && rest.length === 0) return exportList(reader);
          if (sub.toLowerCase() === 'remove' && rest.length === 1) return remove(rest[0] as string, reader);
          return { kind: 'error', code: 'invalid_query', message: SAVED_USAGE };
        }
      }
    },

    /** Answers a reading-list button: Save, Cite, Remove, or a page of the list. */
    async act(action: Action, reader: Reader): Promise<Reply | undefined> {
      switch (action.type) {
        case 'save':
          return save(String(action.paperId), reader);
        case 'cite':
          return cite(String(action.paperId));
        case 'unsave':
          await list().remove(reader, action.paperId);
          return page(reader, action.page);
        case 'saved':
          return page(reader, action.page);
        default:
          return undefined;
      }
    },
  };
}
