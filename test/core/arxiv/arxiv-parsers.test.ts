import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeXmlText, splitArxivId } from '../../../src/core/arxiv/arxiv-xml.ts';
import { parseArxivApi } from '../../../src/core/arxiv/parse-api.ts';
import { parseArxivListing, splitCreators } from '../../../src/core/arxiv/parse-listing.ts';
import { parseOaiPage } from '../../../src/core/arxiv/parse-oai.ts';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { apiXml, FAKE_PAPERS, listingXml, oaiPageXml } from '../../fakes/arxiv-formats.ts';

const caught = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

// A listing entry written by hand as rss.arxiv.org writes one (note the space before the summary's newline).
const HAND_WRITTEN = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/cs.CL</id>
  <title>cs.CL updates on arXiv.org</title>
  <updated>2026-11-27T05:00:12.118930+00:00</updated>
  <entry>
    <id>oai:arXiv.org:2611.00042v2</id>
    <title>Caf&#233; Chats   &amp; the
      Art of &#x201C;Turn-Taking&#x201D;</title>
    <updated>2026-11-27T05:00:12.452777+00:00</updated>
    <link href="https://arxiv.org/abs/2611.00042" rel="alternate" type="text/html"/>
    <summary>arXiv:2611.00042v2 Announce Type: replace 
Abstract: First   paragraph with &lt;b&gt; and &amp;amp;.
  Second paragraph.</summary>
    <category term="cs.CL"/>
    <category term="cs.LG"/>
    <published>2026-11-27T00:00:00-05:00</published>
    <arxiv:announce_type>replace</arxiv:announce_type>
    <arxiv:journal_reference>J. Fake 1 (2026)</arxiv:journal_reference>
    <arxiv:DOI>10.5555/fake.1</arxiv:DOI>
    <dc:creator>Ann Lee (Institute of Speech, Lyon), Bo Chen, Pi\\v{z}urica Ana</dc:creator>
  </entry>
</feed>`;

describe('the listing parser on a hand-written entry', () => {
  it('decodes &amp; and &#233; once, squeezes white space, splits authors outside parentheses', () => {
    const { updated, entries } = parseArxivListing(HAND_WRITTEN);
    expect(updated).toBe('2026-11-27T05:00:12.118930+00:00');
    expect(entries).toEqual([
      {
        arxivId: '2611.00042',
        version: 2,
        title: 'Caf\u00e9 Chats & the Art of \u201cTurn-Taking\u201d',
        abstract: 'First paragraph with <b> and &amp;.\n\nSecond paragraph.',
        authors: ['Ann Lee', 'Bo Chen', 'Pi\\v{z}urica Ana'],
        categories: ['cs.CL', 'cs.LG'],
        published: '2026-11-27',
        announceType: 'replace',
        doi: '10.5555/fake.1',
        journalRef: 'J. Fake 1 (2026)',
      },
    ]);
  });

  it('does not expand DOCTYPE entities (no entity expansion from the document)', () => {
    const xml = HAND_WRITTEN.replace(
      "<?xml version='1.0' encoding='UTF-8'?>",
      '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY boom "BOOM">]>',
    ).replace('Second paragraph.', 'Second &boom; paragraph.');
    const entry = parseArxivListing(xml).entries[0];
    expect(entry?.abstract).not.toContain('BOOM');
  });

  it('malformed XML is an arxiv_unparsable error naming where it came from', () => {
    const error = caught(() => parseArxivListing('<feed><entry><title>x</feed>', 'http://127.0.0.1:1/atom/cs.CL'));
    expect(isPaperboyError(error, 'arxiv_unparsable')).toBe(true);
    expect(String(error)).toContain('http://127.0.0.1:1/atom/cs.CL');
    const html = caught(() => parseArxivListing('<html><body>Service Unavailable</body></html>', 'the feed'));
    expect(isPaperboyError(html, 'arxiv_unparsable')).toBe(true);
  });

  it("arXiv's feed error for an unknown category is refused with its title", () => {
    const xml = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>Feed error for query: cs.XX</title><updated>2026-11-27T05:00:00+00:00</updated></feed>`;
    const error = caught(() => parseArxivListing(xml));
    expect(isPaperboyError(error, 'arxiv_rejected')).toBe(true);
    expect(String(error)).toContain('cs.XX');
  });

  it('keeps parenthesised commas inside one author', () => {
    expect(splitCreators('A B (X, Y), C D, E F (Z)')).toEqual(['A B', 'C D', 'E F']);
    expect(splitCreators('')).toEqual([]);
  });
});

describe('the formats the fake arXiv writes', () => {
  it('listing, API and OAI give the same papers', () => {
    const listing = parseArxivListing(listingXml('cs.CL', '2026-11-27T05:00:00+00:00', FAKE_PAPERS)).entries;
    const api = parseArxivApi(apiXml(['x'], FAKE_PAPERS));
    const oai = parseOaiPage(oaiPageXml(FAKE_PAPERS, 'tok%3D1')).entries;
    for (const entries of [listing, api, oai]) {
      expect(entries.map((e) => e.arxivId)).toEqual(FAKE_PAPERS.map((p) => p.id));
      expect(entries[0]?.title).toBe('Caf\u00e9 Talk & Turn-Taking in Spoken Dialogue Agents');
      expect(entries[0]?.authors).toEqual(['Ann Lee', 'Bo Chen']);
      expect(entries[0]?.abstract).toBe(
        'We study turn-taking in spoken dialogue agents.\n\nA second paragraph reports a user study.',
      );
      expect(entries[3]).toMatchObject({ doi: '10.5555/fake.2610.20004', journalRef: 'Proc. FakeConf 2026' });
    }
    expect(listing.map((e) => e.announceType)).toEqual(['new', 'new', 'cross', 'replace', 'replace-cross']);
    expect(api.map((e) => e.version)).toEqual([1, 1, 1, 2, 3]);
  });
});

describe('ids', () => {
  it('splits versions off every form arXiv writes', () => {
    expect(splitArxivId('oai:arXiv.org:2310.13548v4')).toEqual({ arxivId: '2310.13548', version: 4 });
    expect(splitArxivId('http://arxiv.org/abs/2505.02811v3')).toEqual({ arxivId: '2505.02811', version: 3 });
    expect(splitArxivId('oai:arXiv.org:hep-th/9901001')).toEqual({ arxivId: 'hep-th/9901001', version: null });
    expect(splitArxivId('https://arxiv.org/api/errors#incorrect')).toBeNull();
  });

  it('decodes numeric references outside Unicode as written', () => {
    expect(decodeXmlText('&#0; &#xD800; &#x110000; &nbsp; &#39;')).toBe("&#0; &#xD800; &#x110000; &nbsp; '");
  });
});

describe('any input', () => {
  it('gives entries or a Paperboy error, never a crash', () => {
    const pieces = fc.constantFrom(
      '<feed>',
      '</feed>',
      '<entry>',
      '</entry>',
      '<id>oai:arXiv.org:2611.00001v1</id>',
      '<title>',
      '</title>',
      '&amp;',
      '&#233;',
      '&#xFFFFFF;',
      '<summary>arXiv:1 Announce Type: new',
      'Abstract: x',
      '</summary>',
      '<arxiv:announce_type>new</arxiv:announce_type>',
      '<category term="cs.CL"/>',
      '<OAI-PMH>',
      '</OAI-PMH>',
      '<ListRecords>',
      '</ListRecords>',
      '<record>',
      '</record>',
      '<error code="x">',
      '</error>',
      'text',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 30 }), (parts) => {
        const xml = parts.join('');
        for (const parse of [parseArxivListing, parseArxivApi, parseOaiPage]) {
          try {
            parse(xml);
          } catch (error) {
            if (!isPaperboyError(error)) throw error;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
