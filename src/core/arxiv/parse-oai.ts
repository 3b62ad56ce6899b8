import { PaperboyError } from '../errors.ts';
import type { ArxivEntry } from './arxiv-entry.ts';
import {
  attr,
  child,
  children,
  parseXml,
  rawText,
  splitArxivId,
  squeeze,
  textOf,
  toAbstract,
  toDay,
} from './arxiv-xml.ts';

/** One page of an OAI-PMH `ListRecords` answer. */
export interface OaiPage {
  entries: ArxivEntry[];
  /** The token for the next page; null on the last page (an empty `<resumptionToken/>`) or an empty range. */
  resumptionToken: string | null;
}

const authorName = (author: unknown) =>
  squeeze([textOf(author, 'forenames'), textOf(author, 'keyname'), textOf(author, 'suffix')].filter(Boolean).join(' '));

/**
 * Reads a page of OAI-PMH `ListRecords` with `metadataPrefix=arXiv`. `noRecordsMatch` (an empty range) is an
 * empty last page; other OAI errors (a bad argument, an expired token) are refused. OAI ids carry no version
 * (it serves only the latest); `created` is the current version's submission day.
 *
 * @param source - the URL asked, for error messages
 * @throws PaperboyError `arxiv_rejected` for an OAI error other than noRecordsMatch, `arxiv_unparsable` for text
 *   that is not an OAI-PMH answer
 */
export function parseOaiPage(xml: string, source = 'the arXiv OAI-PMH service'): OaiPage {
  const root = parseXml(xml, `OAI-PMH answer ${source}`)['OAI-PMH'];
  if (typeof root !== 'object' || root === null) {
    throw new PaperboyError(
      'arxiv_unparsable',
      `OAI-PMH answer ${source} has no <OAI-PMH> element. Check ARXIV_OAI_URL (default https://oaipmh.arxiv.org/oai).`,
    );
  }
  const error = child(root, 'error');
  if (error) {
    const code = attr(error, 'code');
    if (code === 'noRecordsMatch') return { entries: [], resumptionToken: null };
    throw new PaperboyError(
      'arxiv_rejected',
      `arXiv's OAI-PMH service refused ${source}: ${code ?? 'error'}: ${squeeze(rawText(error))}. ` +
        (code === 'badResumptionToken'
          ? 'The resumption token expired (they last a day): run the backfill again to start over.'
          : 'Check --from, --until and --categories.'),
    );
  }
  const list = child(root, 'ListRecords');
  const entries: ArxivEntry[] = [];
  for (const record of children(list, 'record')) {
    if (attr(child(record, 'header'), 'status') === 'deleted') continue;
    const meta = child(child(record, 'metadata'), 'arXiv');
    const id = splitArxivId(textOf(meta, 'id') ?? textOf(child(record, 'header'), 'identifier') ?? '');
    if (!meta || !id) continue;
    entries.push({
      ...id,
      title: textOf(meta, 'title') ?? '',
      abstract: toAbstract(rawText(child(meta, 'abstract'))),
      authors: children(child(meta, 'authors'), 'author')
        .map(authorName)
        .filter((n) => n !== ''),
      categories: (textOf(meta, 'categories') ?? '').split(' ').filter((c) => c !== ''),
      published: toDay(textOf(meta, 'created')),
      announceType: null,
      doi: textOf(meta, 'doi'),
      journalRef: textOf(meta, 'journal-ref'),
    });
  }
  const token = textOf(list, 'resumptionToken');
  return { entries, resumptionToken: token };
}
