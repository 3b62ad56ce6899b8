import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { ChatContext } from '../../../src/core/commands/digest-commands.ts';
import type { Reply } from '../../../src/core/commands/reply.ts';
import { ingestPaths } from '../../../src/core/ingest/ingest-files.ts';
import { PaperRecordSchema, toPaperInput } from '../../../src/core/ingest/paper-record.ts';
import { chatWithDigests } from '../../helpers/digest-fixture.ts';
import { SAMPLE_PAGE } from '../../helpers/shared-data.ts';

const now = new Date('2026-11-28T12:00:00Z');
const ada: ChatContext = { platform: 'slack', channel: 'C1', user: 'U1' };

const text = (reply: Reply) => {
  if (reply.kind === 'notice') return reply.text;
  if (reply.kind === 'error') return `error: ${reply.message}`;
  return reply.kind;
};

async function sample() {
  const store = createSqliteStore(':memory:');
  await ingestPaths([SAMPLE_PAGE], { store, clock: () => now });
  return { store, ...(await chatWithDigests(store, () => now)) };
}

describe('/follow and /unfollow: personal watches on an author', () => {
  it('follows a listed author, lists the watch with the digests, and finds their new papers', async () => {
    const { store, chat } = await sample();
    const followed = text(await chat.handle('/follow amanda askell', ada));
    expect(followed).toMatch(
      /^Following Amanda Askell: #(\d+) “author:"Amanda Askell"” · direct message as papers arrive/,
    );
    const id = /#(\d+)/.exec(followed)?.[1];
    expect(text(await chat.handle('/digest list', ada))).toContain(`#${id} “author:"Amanda Askell"”`);
    // Another person in the channel does not see it.
    expect(text(await chat.handle('/digest list', { ...ada, user: 'U2' }))).not.toContain(`#${id}`);
    await store.begin();
    await store.savePapers(
      [
        toPaperInput(
          PaperRecordSchema.parse({
            title: 'A new paper on honesty',
            authors: ['Amanda Askell'],
            date: '2026-11-28',
            category: 'cs.CL',
          }),
        ),
      ],
      now,
    );
    await store.commit();
    const preview = await chat.handle(`/digest preview ${id}`, ada);
    expect(preview.kind === 'papers' && preview.cards.map((c) => c.title)).toEqual(['A new paper on honesty']);
    expect(text(await chat.handle('/unfollow Amanda Askell', ada))).toBe(`Stopped following Amanda Askell (#${id}).`);
    expect(text(await chat.handle('/digest list', ada))).toMatch(/^No digests here yet/);
  });

  it('takes the watch rhythms, and ends by /digest unsubscribe too', async () => {
    const { chat } = await sample();
    const followed = text(await chat.handle('/follow Deep Ganguli weekly mon at 08:30 tz Europe/Berlin', ada));
    expect(followed).toMatch(/^Following Deep Ganguli: #\d+ .*direct message weekly on Monday at 08:30 Europe\/Berlin/);
    const id = /#(\d+)/.exec(followed)?.[1];
    expect(text(await chat.handle(`/digest unsubscribe ${id}`, ada))).toBe(`Removed digest #${id}.`);
  });

  it('refuses a name no paper lists, with the closest names, and an unfollow of someone not followed', async () => {
    const { chat } = await sample();
    expect(text(await chat.handle('/follow Amanda Askel', ada))).toMatch(
      /^error: No paper lists “Amanda Askel”\. Closest names: “Amanda Askell” \(3 papers\)/,
    );
    expect(text(await chat.handle('/unfollow Deep Ganguli', ada))).toMatch(/^You do not follow “Deep Ganguli”/);
    expect((await chat.handle('/follow', ada)).kind).toBe('help');
  });
});
