import { PaperboyError } from '../errors.ts';
import type { ArxivEntry } from './arxiv-entry.ts';
import { attr, children, parseXml, rawText, splitArxivId, textOf, toAbstract, toDay } from './arxiv-xml.ts';

/**
 * The message of an API error answer, if `xml` is one: a malformed id gets HTTP 400 and a single entry titled
 * `Error` whose id is under `https://arxiv.org/api/errors`. Such an entry is never a paper.
 */
export function apiErrorOf(xml: string, source = 'the arXiv API'): string | null {
  const feed = parseXml(xml, `API answer ${source}`).feed;
  for (const entry of children(feed, 'entry')) {
    if (isErrorEntry(entry)) return textOf(entry, 'summary') ?? 'unknown error';
  }
  return null;
}

const isErrorEntry = (entry: unknown) =>
  /\/api\/errors/.test(textOf(entry, 'id') ?? '') ||
  (textOf(entry, 'title') === 'Error' && children(entry, 'author').some((a) => textOf(a, 'name') === 'arXiv api core'));

/**
 * Reads an answer of arXiv's API (`https://export.arxiv.org/api/query?id_list=…`), current or legacy layout.
 * Ids that arXiv does not know are simply absent (no entry, `totalResults` 0).
 *
 * @param source - the URL asked, for error messages
 * @throws PaperboyError `arxiv_rejected` for an error answer (a malformed id), `arxiv_unparsable` for text that
 *   is not an Atom feed
 * @example
 * parseArxivApi(xml).map((e) => e.arxivId) // ['2505.22809', '2505.02811']
 */
export function parseArxivApi(xml: string, source = 'the arXiv API'): ArxivEntry[] {
  const feed = parseXml(xml, `API answer ${source}`).feed;
  if (typeof feed !== 'object' || feed === null) {
    throw new PaperboyError(
      'arxiv_unparsable',
      `API answer ${source} is not an Atom feed (no <feed> element). Check ARXIV_API_URL (default https://export.arxiv.org/api/query).`,
    );
  }
  const entries: ArxivEntry[] = [];
  for (const entry of children(feed, 'entry')) {
    if (isErrorEntry(entry)) {
      throw new PaperboyError(
        'arxiv_rejected',
        `arXiv's API refused ${source}: ${textOf(entry, 'summary') ?? 'unknown error'}. Give ids such as 2310.13548 or hep-th/9901001.`,
      );
    }
    const id = splitArxivId(textOf(entry, 'id') ?? '');
    if (!id) continue;
    const categories = children(entry, 'category')
      .map((c) => attr(c, 'term'))
      .filter((t): t is string => !!t);
    const primary = attr(children(entry, 'primary_category')[0], 'term');
    entries.push({
      ...id,
      title: textOf(entry, 'title') ?? '',
      abstract: toAbstract(rawText(children(entry, 'summary')[0])),
      authors: children(entry, 'author')
        .map((a) => textOf(a, 'name'))
        .filter((n): n is string => !!n),
      categories: primary ? [primary, ...categories.filter((c) => c !== primary)] : categories,
      published: toDay(textOf(entry, 'published')),
      announceType: null,
      doi: textOf(entry, 'doi'),
      journalRef: textOf(entry, 'journal_ref'),
    });
  }
  return entries;
}
