import { describe, expect, it } from 'vitest';
import { digestChunks } from '../../../src/adapters/slack/digest-poster.ts';
import { renderSlack } from '../../../src/adapters/slack/render.ts';
import type { AuthorCard, Reply } from '../../../src/core/commands/reply.ts';
import { authorCard, paperCard, papersReply } from '../../helpers/cards.ts';

const PINGS = '<!channel> <!here> <@U123> <#C123|general> <!subteam^S1>';
const author = (name: string): AuthorCard => authorCard({ name, coAuthors: [{ name, papers: 1 }] });
/** All text of a message Slack parses: the fallback `text` and every mrkdwn object. */
const parsed = (message: { text: string; blocks: unknown[] }) =>
  [message.text, ...JSON.stringify(message.blocks).matchAll(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    typeof m === 'string' ? m : (m[1] ?? ''),
  );

describe('H8 Slack: one escape for every piece of text, fallback text included', () => {
  it('H8 a venue named `<!channel> 2026` in the category line pings nobody, in cards and digest cards', () => {
    const card = paperCard({ category: '<!channel>', date: '2026 <!here>' });
    const message = renderSlack(papersReply([card]));
    const digest = digestChunks([card]).flat();
    for (const text of [...parsed(message), ...parsed({ text: '', blocks: digest })]) {
      expect(text).not.toMatch(/<!(channel|here)/);
    }
    expect(JSON.stringify(message.blocks)).toContain('&lt;!channel&gt;');
  });

  it('H8 the fallback text of every answer is escaped: query, names, titles, "More like …"', () => {
    const replies: Reply[] = [
      papersReply([paperCard()], `Papers for “${PINGS}”`),
      papersReply([paperCard()], `More like “${PINGS}”`),
      { kind: 'author', card: author(`Mallory ${PINGS}`) },
      { kind: 'compare', cards: [author(`A ${PINGS}`), author(`B ${PINGS}`)] },
      { kind: 'choices', message: `No author is named “${PINGS}”`, options: [] },
      { kind: 'notice', text: `No author like “${PINGS}”` },
      { kind: 'error', code: 'invalid_query', message: `bad ${PINGS}` },
    ];
    for (const reply of replies) {
      const { text } = renderSlack(reply, { shareable: true });
      expect(text).not.toMatch(/[<>]/);
      expect(text).toContain('&lt;');
    }
  });

  it('H8 a bare @channel is not parsed either: mrkdwn is verbatim and @ is set apart', () => {
    const message = renderSlack(papersReply([paperCard({ title: 'x', authors: ['@channel @here'] })]));
    expect(JSON.stringify(message.blocks)).not.toMatch(/@(channel|here)/);
    expect(JSON.stringify(message.blocks)).not.toContain('"verbatim":false');
  });
});
