import { describe, expect, it } from 'vitest';
import { digestMessages } from '../../../src/adapters/discord/digest-poster.ts';
import { escapeDiscord, renderDiscord } from '../../../src/adapters/discord/render.ts';
import { authorCard, paperCard, papersReply, unescaped } from '../../helpers/cards.ts';

const MASKED = '[click me](https://evil.example/x)';
const MENTIONS =
  '@everyone @here <@123456789012345678> <@!123456789012345678> <#123456789012345678> <@&123456789012345678>';

/** Discord markdown that could ping, link or format: none of it may survive. */
function expectInert(text: string) {
  expect(unescaped(text, '[')).toBe(0);
  expect(unescaped(text, '<')).toBe(0);
  expect(text).not.toMatch(/@(everyone|here)/);
}

describe('H8 Discord: one escape for every piece of text', () => {
  it('H8 the facts line (category, venue, date) lets no masked link or mention through', () => {
    const card = paperCard({ category: `${MASKED} ${MENTIONS}`, date: `2024 ${MASKED}` });
    const [embed] = renderDiscord(papersReply([card])).embeds;
    const description = embed?.toJSON().description ?? '';
    expect(description).toContain('click me');
    expectInert(description);
    const digestCard = digestMessages([card], 'pb-digest-1')[0]?.[0];
    expectInert(digestCard?.toJSON().description ?? '');
  });

  it('H8 nothing pings or links: user, role and channel mentions and masked links in titles, names and headings', () => {
    const card = paperCard({
      title: `T ${MASKED} ${MENTIONS}`,
      authors: [`Ann ${MENTIONS}`],
      affiliations: [MASKED],
    });
    const message = renderDiscord(papersReply([card], `Papers for “${MENTIONS} ${MASKED}”`));
    expectInert(message.content ?? '');
    const embed = message.embeds[0]?.toJSON();
    expectInert(embed?.title ?? '');
    expectInert(embed?.description ?? '');
    const author = renderDiscord({
      kind: 'author',
      card: authorCard({
        name: `Mallory ${MENTIONS}`,
        profile: { category: MASKED, hIndex: 1, paperCount: 1, citationCount: 1, novelty: null, aiScore: null },
        coAuthors: [{ name: MASKED, papers: 1 }],
      }),
    }).embeds[0]?.toJSON();
    expectInert(author?.title ?? '');
  });

  it('H8 no markdown of the data renders: headings, quotes, lists, subtext, bold, spoilers, code', () => {
    const text = escapeDiscord('# Big\n> quote\n- item\n1. first\n-# small\n**bold** ||spoiler|| `code` ~~gone~~');
    expect(text).not.toMatch(/^[ \t]*(#{1,3} |-# |>{1,3} |[-*] |\d+\. )/m);
    for (const raw of ['**bold**', '||spoiler||', '`code`', '~~gone~~']) expect(text).not.toContain(raw);
    // Bare links stay as they are, so they still go where they say.
    expect(escapeDiscord('see https://example.org/a_b_c')).toBe('see https://example.org/a_b_c');
  });
});
