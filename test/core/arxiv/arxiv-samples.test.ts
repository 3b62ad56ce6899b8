import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArxivApi } from '../../../src/core/arxiv/parse-api.ts';
import { parseArxivListing } from '../../../src/core/arxiv/parse-listing.ts';
import { parseOaiPage } from '../../../src/core/arxiv/parse-oai.ts';
import { isPaperboyError } from '../../../src/core/errors.ts';
import { SHARED_DATA } from '../../helpers/shared-data.ts';

const SAMPLES = join(SHARED_DATA, 'arxiv');
const hasSamples = existsSync(join(SAMPLES, 'listing-cs.CL.xml'));
if (!hasSamples)
  console.warn(`skipping arXiv sample tests: needs ${SAMPLES} (the shared arXiv samples), which is absent here`);
const sample = (name: string) => readFileSync(join(SAMPLES, name), 'utf8');

describe.skipIf(!hasSamples)('the shared arXiv samples', () => {
  it('the cs.CL listing gives 9 papers in feed order with the four announce types, ids without version', () => {
    const { updated, entries } = parseArxivListing(sample('listing-cs.CL.xml'));
    expect(updated).toBe('2025-05-30T04:00:17.408632+00:00');
    expect(entries.map((e) => e.announceType)).toEqual([
      'new',
      'new',
      'new',
      'new',
      'cross',
      'cross',
      'replace',
      'replace-cross',
      'replace-cross',
    ]);
    const first = entries[0];
    expect(first).toMatchObject({
      arxivId: '2505.22809',
      version: 1,
      title: 'First Steps Towards Overhearing LLM Agents: A Case Study With Dungeons & Dragons Gameplay',
      authors: ['Andrew Zhu', 'Evan Osgood', 'Chris Callison-Burch'],
      categories: ['cs.CL', 'cs.AI', 'cs.HC'],
      published: '2025-05-30',
      doi: null,
    });
    expect(first?.abstract).toMatch(/^Much work has been done/);
    expect(first?.abstract).not.toMatch(/Announce Type|arXiv:/);
    const sigir = entries.find((e) => e.arxivId === '2505.02811');
    expect(sigir).toMatchObject({ version: 3, doi: '10.5555/arxiv-fixture.2505.02811', announceType: 'replace-cross' });
    expect(sigir?.journalRef).toMatch(/^SIGIR 2025/);
    expect(sigir?.abstract.split('\n\n')).toHaveLength(3);
  });

  it('the empty weekend listing has its build time and no entries', () => {
    expect(parseArxivListing(sample('listing-empty.xml'))).toEqual({
      updated: '2025-05-31T04:00:12.118930+00:00',
      entries: [],
    });
  });

  it('both API layouts give the same papers, primary category first, DOI and journal ref', () => {
    const current = parseArxivApi(sample('api-id_list.xml'));
    const legacy = parseArxivApi(sample('api-id_list-legacy.xml'));
    expect(current.map((e) => [e.arxivId, e.version])).toEqual([
      ['2505.22809', 1],
      ['2505.02811', 3],
    ]);
    expect(legacy.map((e) => [e.arxivId, e.title, e.categories, e.doi])).toEqual(
      current.map((e) => [e.arxivId, e.title, e.categories, e.doi]),
    );
    expect(legacy[0]?.abstract).toBe(current[0]?.abstract);
    expect(current[1]).toMatchObject({ categories: ['cs.AI', 'cs.CL', 'cs.IR'], published: '2025-05-05' });
    expect(current[1]?.authors).toEqual(['Diji Yang', 'Linda Zeng', 'Jinmeng Rao', 'Yi Zhang']);
  });

  it('an unknown id is no entry; a malformed id is refused, never read as a paper', () => {
    expect(parseArxivApi(sample('api-not-found.xml'))).toEqual([]);
    let caught: unknown;
    try {
      parseArxivApi(sample('api-malformed-id.xml'), 'https://export.arxiv.org/api/query?id_list=abc');
    } catch (error) {
      caught = error;
    }
    expect(isPaperboyError(caught, 'arxiv_rejected')).toBe(true);
    expect(String(caught)).toContain('incorrect id format for abc');
  });

  it('OAI pages give records and a resumption token; the last page and noRecordsMatch end the list', () => {
    const page1 = parseOaiPage(sample('oai-ListRecords-page1.xml'));
    expect(page1.entries).toHaveLength(5);
    expect(page1.resumptionToken).toMatch(/skip%3D5$/);
    const sigir = page1.entries.find((e) => e.arxivId === '2505.02811');
    expect(sigir).toMatchObject({
      version: null,
      title: "Knowing You Don't Know: Learning When to Continue Search in Multi-round RAG through Self-Practicing",
      authors: ['Diji Yang', 'Linda Zeng', 'Jinmeng Rao', 'Yi Zhang'],
      categories: ['cs.AI', 'cs.CL', 'cs.IR'],
      doi: '10.5555/arxiv-fixture.2505.02811',
    });
    const page2 = parseOaiPage(sample('oai-ListRecords-page2.xml'));
    expect(page2.entries).toHaveLength(4);
    expect(page2.resumptionToken).toBeNull();
    expect(parseOaiPage(sample('oai-noRecordsMatch.xml'))).toEqual({ entries: [], resumptionToken: null });
  });
});
