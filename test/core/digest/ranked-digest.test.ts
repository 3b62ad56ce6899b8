import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { createSqliteTaste } from '../../../src/adapters/sqlite/sqlite-taste.ts';
import { type DigestDelivery, runDueDigests } from '../../../src/core/digest/run-digests.ts';
import type { TasteOwner } from '../../../src/core/foryou/taste-store.ts';
import { chatWithDigests } from '../../helpers/digest-fixture.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

const PROTEIN = 'protein folding structure prediction with diffusion';
const SPEECH = 'speech recognition for low resource languages';
const ROBOTS = 'robot grasping control with tactile sensors';

const paper = (n: number, topic: string, day: number) =>
  fakePaper(n, {
    title: `${topic} study ${n}`,
    abstract: `We study ${topic}. Variant ${n} improves ${topic.split(' ')[0]} results.`,
    date: `2026-11-${String(day).padStart(2, '0')}`,
  });

/** The terminal's chat with digests and a taste store, papers by topic, and a digest run that records posts. */
async function setup() {
  let now = new Date('2026-11-20T12:00:00Z');
  const store = createSqliteStore(':memory:');
  const taste = createSqliteTaste(store.db);
  const { chat, digests, search } = await chatWithDigests(store, () => now, { dbClock: true });
  const posted: DigestDelivery[] = [];
  let pages = 0;
  const addPage = (name: string, papers: ReturnType<typeof fakePaper>[]) =>
    store.saveProfile(fakeProfile(name, papers), { path: name, contentHash: `${name}-${++pages}` }, now);
  // Papers the channel already knows: three on each topic.
  await addPage(
    'Old',
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => paper(n, [PROTEIN, SPEECH, ROBOTS][n % 3] as string, 1)),
  );
  const ids = async (topic: string) =>
    (await store.getPapers(Array.from({ length: 40 }, (_, i) => i + 1)))
      .filter((p) => p.title.startsWith(topic))
      .map((p) => p.id);
  const channel: TasteOwner = { kind: 'channel', platform: 'terminal', space: 'terminal', id: 'terminal' };
  const like = async (paperId: number) =>
    taste.addSignal({ owner: channel, actor: 'someone', paperId, source: 'like' }, now);
  const run = (iso: string) => {
    now = new Date(iso);
    return runDueDigests({
      store,
      digests,
      search,
      taste,
      posters: {
        terminal: {
          async post(delivery) {
            posted.push(delivery);
            return `m${posted.length}`;
          },
          async findPosted() {
            return undefined;
          },
          async resume() {},
        },
      },
      now,
      maxLateMinutes: 12 * 60,
      log: () => {},
      clock: () => now.getTime(),
    });
  };
  return { chat, addPage, ids, like, run, posted, digests };
}

// New papers: the speech and robot ones are newer, so the unranked order (newest first) puts protein last.
const NEW_PAPERS = [
  paper(10, PROTEIN, 3),
  paper(11, SPEECH, 9),
  paper(12, ROBOTS, 8),
  paper(13, PROTEIN, 2),
  paper(14, SPEECH, 7),
];

describe('ranked digests', () => {
  it("orders a ranked digest's papers by the channel's taste, best first, each card with its why line", async () => {
    const t = await setup();
    for (const id of await t.ids(PROTEIN)) await t.like(id);
    const made = await t.chat.handle('/digest subscribe ranked');
    expect(made).toMatchObject({ kind: 'notice', text: expect.stringMatching(/ranked by this channel's taste/) });
    expect(await t.chat.handle('/digest list')).toMatchObject({ text: expect.stringMatching(/#1 .*ranked/) });
    await t.addPage('New', NEW_PAPERS);
    expect((await t.run('2026-11-21T09:00:00Z')).map((o) => o.status)).toEqual(['sent']);
    const cards = t.posted[0]?.cards ?? [];
    expect(cards).toHaveLength(5);
    expect(cards.slice(0, 2).map((c) => c.title.startsWith(PROTEIN))).toEqual([true, true]);
    expect(cards[0]?.why?.length).toBeGreaterThanOrEqual(3);
    expect(cards[0]?.why?.join(' ')).toMatch(/protein|folding|diffusion|structure/);
    expect(t.posted[0]?.heading).not.toMatch(/Not ranked/);
  });

  it('keeps the unranked order with fewer than 3 channel signals, and says so in the digest', async () => {
    const t = await setup();
    const [first, second] = await t.ids(PROTEIN);
    await t.like(first as number);
    await t.like(second as number);
    await t.chat.handle('/digest subscribe ranked');
    await t.addPage('New', NEW_PAPERS);
    await t.run('2026-11-21T09:00:00Z');
    const delivery = t.posted[0];
    // Newest first, as an unranked digest: the protein papers (dated earliest) come last.
    expect(delivery?.cards.map((c) => c.title)).toEqual(
      [...NEW_PAPERS].sort((a, b) => b.date.localeCompare(a.date)).map((p) => p.title),
    );
    expect(delivery?.cards.every((c) => !c.why?.length)).toBe(true);
    expect(delivery?.heading).toMatch(/Not ranked yet: ranking needs 3 Likes .* there are 2/);
  });

  it('an unranked digest is not reordered, and says nothing about ranking', async () => {
    const t = await setup();
    for (const id of await t.ids(PROTEIN)) await t.like(id);
    await t.chat.handle('/digest subscribe');
    await t.addPage('New', NEW_PAPERS);
    await t.run('2026-11-21T09:00:00Z');
    expect(t.posted[0]?.cards[0]?.title.startsWith(PROTEIN)).toBe(false);
    expect(t.posted[0]?.heading).not.toMatch(/ranked/i);
  });
});
