import type { ArxivFeedRow, ArxivState, BackfillRow } from '../../core/arxiv/arxiv-state.ts';
import { toBackfillPosition } from '../../core/arxiv/arxiv-state.ts';
import type { PgSession } from './pg-session.ts';

interface FeedRow {
  updated: string | null;
  synced_at: Date | null;
  done_day: string | null;
  tried_at: string | null;
}

/**
 * The arXiv source's state in PostgreSQL (tables `arxiv_feeds` and `arxiv_backfills`), with the semantics of
 * src/adapters/sqlite/sqlite-arxiv-state.ts. Each write is one statement (an upsert), so it joins the session's open
 * transaction when there is one: `markSynced` and `saveBackfill` commit with the papers they go with.
 */
export function createPgArxivState(session: PgSession): ArxivState {
  return {
    async feed(feed): Promise<ArxivFeedRow> {
      const { rows } = await session.query<FeedRow>(
        'SELECT updated, synced_at, done_day, tried_at FROM arxiv_feeds WHERE feed = $1',
        [feed],
      );
      const row = rows[0];
      return {
        updated: row?.updated ?? null,
        syncedAt: row?.synced_at?.toISOString() ?? null,
        doneDay: row?.done_day ?? null,
        triedAt: row?.tried_at == null ? null : Number(row.tried_at),
      };
    },
    async markSynced(feed, updated, now) {
      await session.query(
        `INSERT INTO arxiv_feeds (feed, updated, synced_at) VALUES ($1, $2, $3)
         ON CONFLICT (feed) DO UPDATE SET updated = excluded.updated, synced_at = excluded.synced_at`,
        [feed, updated, now],
      );
    },
    async markTried(feed, at, doneDay) {
      await session.query(
        `INSERT INTO arxiv_feeds (feed, tried_at, done_day) VALUES ($1, $2, $3)
         ON CONFLICT (feed) DO UPDATE SET tried_at = excluded.tried_at,
           done_day = coalesce(excluded.done_day, arxiv_feeds.done_day)`,
        [feed, at, doneDay],
      );
    },
    async claim(feed, owner, now, ms) {
      // One upsert: two instances claiming a feed nobody has claimed yet, or one whose lease ran out, at once: the
      // second waits for the first one's row and then finds a live lease that is not its own.
      const result = await session.query(
        `INSERT INTO arxiv_feeds (feed, lease_owner, lease_until) VALUES ($1, $2, $3)
         ON CONFLICT (feed) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
         WHERE arxiv_feeds.lease_until IS NULL OR arxiv_feeds.lease_until < $4 OR arxiv_feeds.lease_owner = $2`,
        [feed, owner, now + ms, now],
      );
      return result.rowCount === 1;
    },
    async release(feed, owner) {
      await session.query(
        'UPDATE arxiv_feeds SET lease_owner = NULL, lease_until = NULL WHERE feed = $1 AND lease_owner = $2',
        [feed, owner],
      );
    },
    async backfill(key) {
      const { rows } = await session.query<BackfillRow>(
        'SELECT category_index, token, pages, entries, done FROM arxiv_backfills WHERE key = $1',
        [key],
      );
      const row = rows[0];
      return row && toBackfillPosition(row);
    },
    async saveBackfill(key, p, now) {
      await session.query(
        `INSERT INTO arxiv_backfills (key, category_index, token, pages, entries, done, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key) DO UPDATE SET category_index = excluded.category_index, token = excluded.token,
           pages = excluded.pages, entries = excluded.entries, done = excluded.done, updated_at = excluded.updated_at`,
        [key, p.categoryIndex, p.token, p.pages, p.entries, p.done, now],
      );
    },
  };
}
