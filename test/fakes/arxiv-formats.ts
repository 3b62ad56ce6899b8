/**
 * arXiv's three formats written the way arXiv writes them (element order, namespaces, the summary's
 * `Announce Type` line, escaped text), for the fake arXiv and the parser tests. The papers are invented.
 */
import type { AnnounceType } from '../../src/core/arxiv/arxiv-entry.ts';

export interface FakePaper {
  id: string;
  version: number;
  title: string;
  /** Paragraphs are separated by `\n  ` as arXiv sends them. */
  abstract: string;
  /** Each may carry an affiliation: `Ann Lee (MIT, CSAIL)`; the API and OAI drop it. */
  authors: string[];
  categories: string[];
  announceType?: AnnounceType;
  doi?: string;
  journalRef?: string;
  /** `YYYY-MM-DD` of v1 (the API's `published`, OAI's `created`). */
  submitted?: string;
}

/** Escapes text as arXiv's serializers do (`&`, `<`, `>`; OAI also quotes). */
export const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Non-ASCII as numeric references (`é` -> `&#233;`), as some serializers write titles. */
const asciiOnly = (text: string) => text.replace(/[^ -~\t\n]/gu, (ch) => `&#${ch.codePointAt(0)};`);
const plainName = (author: string) => author.replace(/\s*\(.*\)\s*$/, '');

/** The daily listing (`https://rss.arxiv.org/atom/CATS`), Atom as feedgen writes it. */
export function listingXml(
  categories: string,
  updated: string,
  papers: readonly FakePaper[],
  day = '2026-11-27',
): string {
  const entries = papers.map(
    (p) => `  <entry>
    <id>oai:arXiv.org:${p.id}v${p.version}</id>
    <title>${asciiOnly(esc(p.title))}</title>
    <updated>${updated}</updated>
    <link href="https://arxiv.org/abs/${p.id}" rel="alternate" type="text/html"/>
    <summary>arXiv:${p.id}v${p.version} Announce Type: ${p.announceType ?? 'new'} 
Abstract: ${esc(p.abstract)}</summary>
${p.categories.map((c) => `    <category term="${c}"/>`).join('\n')}
    <published>${day}T00:00:00-05:00</published>
    <arxiv:announce_type>${p.announceType ?? 'new'}</arxiv:announce_type>
    <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>${p.journalRef ? `\n    <arxiv:journal_reference>${esc(p.journalRef)}</arxiv:journal_reference>` : ''}${p.doi ? `\n    <arxiv:DOI>${esc(p.doi)}</arxiv:DOI>` : ''}
    <dc:creator>${esc(p.authors.join(', '))}</dc:creator>
  </entry>`,
  );
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/${categories}</id>
  <title>${categories.replace(/\+/g, ', ')} updates on arXiv.org</title>
  <updated>${updated}</updated>
  <link href="http://rss.arxiv.org/atom/${categories}" rel="self" type="application/atom+xml"/>
  <subtitle>${categories.replace(/\+/g, ', ')} updates on the arXiv.org e-print archive.</subtitle>
${entries.join('\n')}${entries.length ? '\n' : ''}</feed>`;
}

/** An answer of the API to `id_list` (the 2026 layout). */
export function apiXml(ids: readonly string[], papers: readonly FakePaper[]): string {
  const entries = papers.map(
    (p) => `  <entry>
    <id>http://arxiv.org/abs/${p.id}v${p.version}</id>
    <title>${esc(p.title)}</title>
    <updated>2026-11-20T10:00:00Z</updated>
    <link href="https://arxiv.org/abs/${p.id}v${p.version}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/${p.id}v${p.version}" rel="related" type="application/pdf" title="pdf"/>
    <summary>${esc(p.abstract)}</summary>
${p.categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n')}
    <published>${p.submitted ?? '2026-11-20'}T10:00:00Z</published>
    <arxiv:primary_category term="${p.categories[0]}"/>${p.journalRef ? `\n    <arxiv:journal_ref>${esc(p.journalRef)}</arxiv:journal_ref>` : ''}
${p.authors.map((a) => `    <author>\n      <name>${esc(plainName(a))}</name>\n    </author>`).join('\n')}${p.doi ? `\n    <arxiv:doi>${esc(p.doi)}</arxiv:doi>` : ''}
  </entry>`,
  );
  const query = `search_query=&amp;id_list=${ids.join(',')}&amp;start=0&amp;max_results=10`;
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: ${query}</title>
  <updated>2026-11-28T10:00:00Z</updated>
  <opensearch:itemsPerPage>10</opensearch:itemsPerPage>
  <opensearch:totalResults>${papers.length}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
${entries.join('\n')}${entries.length ? '\n' : ''}</feed>`;
}

/** The API's answer to a malformed id: HTTP 400 with one error entry. */
export function apiErrorXml(badId: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-11-28T10:00:00Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_${esc(badId)}</id>
    <title>Error</title>
    <updated>2026-11-28T10:00:00Z</updated>
    <summary>incorrect id format for ${esc(badId)}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>`;
}

const oaiEsc = (text: string) => esc(text).replace(/'/g, '&#39;').replace(/"/g, '&#34;');

/** A page of OAI-PMH `ListRecords` (metadataPrefix `arXiv`); `token` null ends the list with `<resumptionToken/>`. */
export function oaiPageXml(papers: readonly FakePaper[], token: string | null, datestamp = '2026-11-27'): string {
  const records = papers.map((p) => {
    const authors = p.authors
      .map(plainName)
      .map((name) => {
        const parts = name.split(' ');
        const last = parts.pop() ?? name;
        return `                <author>\n                    <keyname>${oaiEsc(last)}</keyname>\n                        <forenames>${oaiEsc(parts.join(' '))}</forenames>\n                </author>`;
      })
      .join('\n');
    return `                    <record>
                <header>
        <identifier>oai:arXiv.org:${p.id}</identifier>
        <datestamp>${datestamp}</datestamp>
${p.categories.map((c) => `            <setSpec>${c.split('.')[0]}:${c.replace('.', ':')}</setSpec>`).join('\n')}
    </header>

            <metadata>
                        <arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ https://oaipmh.arxiv.org/OAI/arXiv.xsd">
        <id>${p.id}</id>
        <created>${p.submitted ?? '2026-11-20'}</created>
        <authors>
${authors}
        </authors>
        <title>${oaiEsc(p.title)}</title>
            <categories>${p.categories.join(' ')}</categories>${p.journalRef ? `\n            <journal-ref>${oaiEsc(p.journalRef)}</journal-ref>` : ''}${p.doi ? `\n            <doi>${oaiEsc(p.doi)}</doi>` : ''}
            <license>http://creativecommons.org/licenses/by/4.0/</license>
            <abstract>${oaiEsc(p.abstract)}</abstract>
    </arXiv>

            </metadata>
        </record>
`;
  });
  const end = token
    ? `<resumptionToken expirationDate='2026-11-29T00:00:00Z'>${token}</resumptionToken>`
    : '<resumptionToken/>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" 
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
    <responseDate>2026-11-28T10:00:00Z</responseDate>
                <request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>


    <ListRecords>
${records.join('\n')}
                    ${end}

    </ListRecords>
</OAI-PMH>`;
}

/** OAI-PMH's answer to an empty range: HTTP 200 with the error in the body. */
export const oaiNoRecordsXml = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" 
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
    <responseDate>2026-11-28T10:00:00Z</responseDate>
                <request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>


    <error code='noRecordsMatch'>The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list.</error>
</OAI-PMH>`;

/**
 * Invented papers for one cs.CL day: two `new`, one `cross`, one `replace`, one `replace-cross`. The first
 * title holds `&` and `é` (written `&amp;` and `&#233;` in the feed); one author carries an affiliation with a
 * comma inside it.
 */
export const FAKE_PAPERS: readonly FakePaper[] = [
  {
    id: '2611.10001',
    version: 1,
    title: 'Caf\u00e9 Talk & Turn-Taking in Spoken Dialogue Agents',
    abstract: 'We study turn-taking in spoken dialogue agents.\n  A second paragraph reports a user study.',
    authors: ['Ann Lee (Institute of Speech, Lyon)', 'Bo Chen'],
    categories: ['cs.CL', 'cs.SD'],
    announceType: 'new',
    submitted: '2026-11-25',
  },
  {
    id: '2611.10002',
    version: 1,
    title: 'Sparse Retrieval for Legal Question Answering',
    abstract: 'Sparse retrieval answers legal questions with fewer tokens.',
    authors: ['Carla Diaz', 'Dev Patel', 'Eun Kim'],
    categories: ['cs.CL'],
    announceType: 'new',
    submitted: '2026-11-25',
  },
  {
    id: '2611.10003',
    version: 1,
    title: 'Gradient Noise Scales in Federated Optimisation',
    abstract: 'Federated optimisation meets gradient noise; language models are one application.',
    authors: ['Femi Ade'],
    categories: ['cs.LG', 'cs.CL'],
    announceType: 'cross',
    submitted: '2026-11-24',
  },
  {
    id: '2610.20004',
    version: 2,
    title: 'Tokenizer Drift in Multilingual Pretraining (Revised)',
    abstract: 'Tokenizers drift across languages; the revision adds Thai.',
    authors: ['Gil Stern', 'Hana Sato'],
    categories: ['cs.CL', 'cs.AI'],
    announceType: 'replace',
    doi: '10.5555/fake.2610.20004',
    journalRef: 'Proc. FakeConf 2026',
    submitted: '2026-10-02',
  },
  {
    id: '2609.30005',
    version: 3,
    title: 'Reward Models Under Distribution Shift',
    abstract: 'Reward models fail under shift; we measure how much.',
    authors: ['Ivo Horvat'],
    categories: ['cs.AI', 'cs.CL'],
    announceType: 'replace-cross',
    submitted: '2026-09-14',
  },
];
