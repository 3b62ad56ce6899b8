import { EmbedBuilder } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { digestMessages } from '../../src/adapters/discord/digest-poster.ts';
import { renderDiscord } from '../../src/adapters/discord/render.ts';
import { digestChunks } from '../../src/adapters/slack/digest-poster.ts';
import { renderSlack, SLACK_LIMITS } from '../../src/adapters/slack/render.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PLAIN, renderReply } from '../../src/adapters/terminal/render.ts';
import { paperLinks, paperUrl, toPaperCard } from '../../src/core/commands/paper-card.ts';
import { toPaperJson } from '../../src/core/search/search-json.ts';
import { arxivEntry } from '../helpers/arxiv-entries.ts';
import { papersReply } from '../helpers/cards.ts';
import { fakePaper, fakeProfile } from '../helpers/make-pages.ts';

const now = new Date('2026-11-27T06:00:00Z');

/** Three stored papers: one from arXiv with a DOI, one from arXiv without, one from a profile page with neither. */
async function storedPapers() {
  const store = createSqliteStore(':memory:');
  const { paperIds } = await store.saveArxivEntries(
    [arxivEntry(1, { doi: '10.1016/S0140-6736(20)30183-5' }), arxivEntry(2, { arxivId: 'hep-th/9901001' })],
    'listing',
    now,
  );
  const saved = await store.saveProfile(fakeProfile('Ann', [fakePaper(3)]), { path: 'ann', contentHash: '1' }, now);
  const papers = await store.getPapers([...paperIds, ...saved.papers.keys()]);
  await store.close();
  return papers.map((paper) => ({ paper, score: 1, matchedTerms: [], profiles: [] }));
}

const ABS = 'https://arxiv.org/abs/2611.20001';
const PDF = 'https://arxiv.org/pdf/2611.20001';
const DOI = 'https://doi.org/10.1016/S0140-6736%2820%2930183-5';

describe('links on paper cards', () => {
  it('an arXiv paper links to its abstract page and PDF (and its DOI); the search link is only for papers with neither', async () => {
    const [withDoi, oldStyle, profileOnly] = (await storedPapers()).map(toPaperCard);
    expect(withDoi).toMatchObject({
      url: ABS,
      links: [
        { label: 'arXiv', url: ABS },
        { label: 'PDF', url: PDF },
        { label: 'DOI', url: DOI },
      ],
    });
    expect(oldStyle?.links?.map((l) => l.url)).toEqual([
      'https://arxiv.org/abs/hep-th/9901001',
      'https://arxiv.org/pdf/hep-th/9901001',
    ]);
    expect(profileOnly?.links).toEqual([]);
    expect(profileOnly?.url).toMatch(/^https:\/\/www\.google\.com\/search\?q=/);
    // A paper with a DOI and no arXiv id links to the DOI.
    const doiOnly = { arxivId: null, doi: '10.1/abc', title: 'T' };
    expect(paperUrl(doiOnly)).toBe('https://doi.org/10.1/abc');
    expect(paperLinks(doiOnly)).toEqual([{ label: 'DOI', url: 'https://doi.org/10.1/abc' }]);
  });

  it('search --json results carry the arXiv id without version, the DOI and the url the card shows', async () => {
    const [withDoi, oldStyle, profileOnly] = (await storedPapers()).map(toPaperJson);
    expect(withDoi).toMatchObject({ arxivId: '2611.20001', doi: '10.1016/S0140-6736(20)30183-5', url: ABS });
    expect(oldStyle).toMatchObject({ arxivId: 'hep-th/9901001', doi: null });
    expect(profileOnly).toMatchObject({ arxivId: null, doi: null });
    expect(profileOnly?.url).toMatch(/^https:\/\/www\.google\.com\/search/);
  });

  it('the terminal prints the abstract page, then the PDF and the DOI, labelled', async () => {
    const text = renderReply(papersReply((await storedPapers()).map(toPaperCard)), PLAIN);
    expect(text).toContain(`   ${ABS}  PDF: ${PDF}  DOI: ${DOI}`);
    expect(text).not.toContain('PDF: https://www.google');
  });

  it('Slack cards get PDF and DOI buttons beside "Open paper", digest cards PDF and DOI links', async () => {
    const cards = (await storedPapers()).map(toPaperCard);
    const message = renderSlack(papersReply(cards));
    const buttons = JSON.stringify(message.blocks);
    for (const url of [ABS, PDF, DOI]) expect(buttons).toContain(url);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const [digestCard] = digestChunks(cards)[0] ?? [];
    const text = (digestCard as { text: { text: string } }).text.text;
    expect(text).toContain(`<${ABS}|`);
    expect(text).toContain(`<${PDF}|PDF>`);
    expect(text).toContain(`<${DOI}|DOI>`);
  });

  it('Discord cards and digest cards show the links as masked links within embed limits', async () => {
    const cards = (await storedPapers()).map(toPaperCard);
    const [embed, , plain] = renderDiscord(papersReply(cards)).embeds.map((e) => e.toJSON());
    expect(embed?.url).toBe(ABS);
    expect(embed?.description).toContain(`[arXiv](${ABS}) · [PDF](${PDF}) · [DOI](${DOI})`);
    expect(plain?.description).not.toContain('](');
    const long = { ...(cards[0] as (typeof cards)[number]), authors: Array.from({ length: 300 }, (_, i) => `A${i}`) };
    const [digestEmbed] = digestMessages([long], 'pb-digest-1')[0] ?? [];
    const description = digestEmbed?.toJSON().description ?? '';
    expect(description).toContain(`[PDF](${PDF}) · [DOI](${DOI})`);
    // discord.js's builders throw on anything beyond Discord's limits.
    new EmbedBuilder().setTitle(digestEmbed?.toJSON().title ?? '').setDescription(description);
  });
});
