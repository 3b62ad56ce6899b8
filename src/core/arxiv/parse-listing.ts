import { PaperboyError } from '../errors.ts';
import type { AnnounceType, ArxivEntry } from './arxiv-entry.ts';
import { attr, children, parseXml, rawText, splitArxivId, squeeze, textOf, toAbstract, toDay } from './arxiv-xml.ts';

/** One listing feed: its build time and its entries, in the feed's order. */
export interface ArxivListing {
  /** The feed-level `updated` (the build time): two fetches with the same one hold the same batch. */
  updated: string | null;
  entries: ArxivEntry[];
}

const ANNOUNCE_TYPES: readonly string[] = ['new', 'cross', 'replace', 'replace-cross'];
const isAnnounceType = (value: string | null): value is AnnounceType =>
  value !== null && ANNOUNCE_TYPES.includes(value);

/**
 * Splits a listing's `dc:creator` into names: affiliations come in parentheses and may hold commas themselves
 * (`Ann Lee (MIT, CSAIL), Bo Chen`), so only commas outside parentheses separate authors; the affiliations are
 * dropped (an entry has no field for them).
 */
export function splitCreators(creators: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let name = '';
  for (const ch of creators) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && ch === ',') {
      names.push(name);
      name = '';
    } else if (depth === 0) name += ch;
  }
  names.push(name);
  return names.map((n) => squeeze(n.replace(/^and\s+/i, ''))).filter((n) => n !== '');
}

// `arXiv:2505.22809v1 Announce Type: new \nAbstract: …`
const SUMMARY = /^\s*arXiv:\S+\s+Announce Type:\s*([\w-]+)\s*Abstract:\s*/i;

/**
 * Reads a listing feed (Atom, `https://rss.arxiv.org/atom/cs.CL+cs.LG`). An empty feed (a weekend, a holiday)
 * has no entries; entries without an arXiv id or a known announce type are skipped.
 *
 * @param source - where the feed came from, for error messages
 * @throws PaperboyError `arxiv_unparsable` for text that is not an Atom feed, `arxiv_rejected` for arXiv's
 *   "Feed error for query" answer (an unknown category)
 * @example
 * parseArxivListing(xml).entries[0]?.announceType // 'new'
 */
export function parseArxivListing(xml: string, source = 'the arXiv listing feed'): ArxivListing {
  const doc = parseXml(xml, `listing feed ${source}`);
  const feed = doc.feed;
  if (typeof feed !== 'object' || feed === null) {
    throw new PaperboyError(
      'arxiv_unparsable',
      `listing feed ${source} is not an Atom feed (no <feed> element). Check ARXIV_FEED_URL: it should end in /atom/.`,
    );
  }
  const title = textOf(feed, 'title') ?? '';
  if (/^feed error/i.test(title)) {
    throw new PaperboyError(
      'arxiv_rejected',
      `arXiv refused the listing feed ${source}: "${title}". Check the categories (such as cs.CL, cs.LG).`,
    );
  }
  const entries: ArxivEntry[] = [];
  for (const entry of children(feed, 'entry')) {
    const id = splitArxivId(textOf(entry, 'id') ?? '');
    const summary = rawText(children(entry, 'summary')[0]);
    const typeInSummary = SUMMARY.exec(summary)?.[1]?.toLowerCase() ?? null;
    const announceType = textOf(entry, 'announce_type')?.toLowerCase() ?? typeInSummary;
    if (!id || !isAnnounceType(announceType)) continue;
    entries.push({
      ...id,
      title: textOf(entry, 'title') ?? '',
      abstract: toAbstract(summary.replace(SUMMARY, '')),
      authors: splitCreators(textOf(entry, 'creator') ?? ''),
      categories: children(entry, 'category')
        .map((c) => attr(c, 'term'))
        .filter((t): t is string => !!t),
      published: toDay(textOf(entry, 'published')),
      announceType,
      doi: textOf(entry, 'DOI') ?? textOf(entry, 'doi'),
      journalRef: textOf(entry, 'journal_reference') ?? textOf(entry, 'journal_ref'),
    });
  }
  return { updated: textOf(feed, 'updated'), entries };
}
