import {
  OPPOSITE,
  type PostedMessage,
  type SignalSource,
  type StoredSignal,
  type TasteOwner,
  type TasteStore,
} from '../../core/foryou/taste-store.ts';
import {
  applyFeatureChange,
  FEATURE_BUCKETS,
  inWindow,
  sampleIds,
  windowDate,
  windowYears,
} from '../../core/foryou/text-features.ts';
import type { Reader } from '../../core/reading/reading-list-store.ts';
import type { PgSession } from './pg-session.ts';
import { inWriteTransaction } from './pg-write.ts';

/** Advisory lock under which the document frequencies are read and written back: one writer at a time. */
const FREQUENCY_LOCK = 7_117_023_001;

const dfFromBytes = (bytes: Buffer | undefined): Int32Array => {
  const df = new Int32Array(FEATURE_BUCKETS);
  if (bytes) new Uint8Array(df.buffer).set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return df;
};

/** Taste in PostgreSQL, as sqlite-taste.ts keeps it (pg-migrations.ts, "For you"). */
export function createPgTaste(session: PgSession): TasteStore {
  const key = (o: TasteOwner) => [o.kind, o.platform, o.space, o.id];
  const OWNER = 'owner_kind = $1 AND platform = $2 AND space = $3 AND owner = $4';
  const featuresOf = async (ids: readonly number[]) => {
    const out = new Map<number, Uint8Array>();
    if (ids.length === 0) return out;
    const { rows } = await session.query<{ paper_id: string; features: Buffer }>(
      'SELECT paper_id, features FROM paper_features WHERE paper_id = ANY($1::bigint[])',
      [ids.map(String)],
    );
    for (const row of rows) out.set(Number(row.paper_id), new Uint8Array(row.features));
    return out;
  };
  const frequencyRow = async (query: PgSession['query']) =>
    (
      await query<{ docs: string; df: Buffer; rev: string }>(
        'SELECT docs, df, rev FROM feature_frequencies WHERE id = 1',
      )
    ).rows[0];

  return {
    addSignal: (signal, now) =>
      inWriteTransaction(session, async (query) => {
        const opposite = OPPOSITE[signal.source];
        if (opposite)
          await query(`DELETE FROM taste_signals WHERE ${OWNER} AND actor = $5 AND paper_id = $6 AND source = $7`, [
            ...key(signal.owner),
            signal.actor,
            signal.paperId,
            opposite,
          ]);
        await query(
          `INSERT INTO taste_signals (owner_kind, platform, space, owner, actor, paper_id, source, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          [...key(signal.owner), signal.actor, signal.paperId, signal.source, now.toISOString()],
        );
      }),
    removeSignal: async (signal) =>
      ((
        await session.query(
          `DELETE FROM taste_signals WHERE ${OWNER} AND actor = $5 AND paper_id = $6 AND source = $7`,
          [...key(signal.owner), signal.actor, signal.paperId, signal.source],
        )
      ).rowCount ?? 0) > 0,
    signals: async (owner) =>
      (
        await session.query<{ paper_id: string; source: SignalSource; actor: string; created_at: string }>(
          `SELECT paper_id, source, actor, created_at FROM taste_signals WHERE ${OWNER} ORDER BY id`,
          key(owner),
        )
      ).rows.map(
        (r): StoredSignal => ({ paperId: Number(r.paper_id), source: r.source, actor: r.actor, at: r.created_at }),
      ),
    resetPerson: async (reader: Reader) =>
      (
        await session.query(
          `DELETE FROM taste_signals WHERE platform = $1 AND space = $2 AND
             ((owner_kind = 'user' AND owner = $3) OR (owner_kind = 'channel' AND actor = $3))`,
          [reader.platform, reader.space, reader.user],
        )
      ).rowCount ?? 0,
    signalCount: async (owner) =>
      (await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM taste_signals WHERE ${OWNER}`, key(owner)))
        .rows[0]?.n ?? 0,
    rememberMessage: async (m: PostedMessage, now) => {
      await session.query(
        `INSERT INTO posted_papers (platform, channel, message_id, space, paper_id, posted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (platform, channel, message_id) DO UPDATE SET paper_id = excluded.paper_id, space = excluded.space`,
        [m.platform, m.channel, m.messageId, m.space, m.paperId, now.toISOString()],
      );
    },
    messagePaper: async (platform, channel, messageId) => {
      const row = (
        await session.query<{ space: string; paper_id: string }>(
          'SELECT space, paper_id FROM posted_papers WHERE platform = $1 AND channel = $2 AND message_id = $3',
          [platform, channel, messageId],
        )
      ).rows[0];
      return row ? { platform, channel, messageId, space: row.space, paperId: Number(row.paper_id) } : undefined;
    },
    featuresRev: async () => Number((await frequencyRow(session.query))?.rev ?? 0),
    saveFeatures: (rows, rev) =>
      inWriteTransaction(session, async (query) => {
        await query('SELECT pg_advisory_xact_lock($1)', [FREQUENCY_LOCK]);
        const stored = (
          await query<{ docs: string; df: Buffer }>('SELECT docs, df FROM feature_frequencies WHERE id = 1', [])
        ).rows[0];
        const df = dfFromBytes(stored?.df);
        let docs = Number(stored?.docs ?? 0);
        const ids = rows.map((r) => String(r.paperId));
        const old = new Map<number, Uint8Array>();
        if (ids.length) {
          const found = await query<{ paper_id: string; features: Buffer }>(
            'SELECT paper_id, features FROM paper_features WHERE paper_id = ANY($1::bigint[])',
            [ids],
          );
          for (const row of found.rows) old.set(Number(row.paper_id), new Uint8Array(row.features));
        }
        for (const row of rows) docs += applyFeatureChange(df, old.get(row.paperId), row.bytes);
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows.slice(i, i + 1000);
          await query(
            `INSERT INTO paper_features (paper_id, features)
             SELECT * FROM unnest($1::bigint[], $2::bytea[])
             ON CONFLICT (paper_id) DO UPDATE SET features = excluded.features`,
            [chunk.map((r) => String(r.paperId)), chunk.map((r) => Buffer.from(r.bytes))],
          );
        }
        await query(
          `INSERT INTO feature_frequencies (id, docs, df, rev) VALUES (1, $1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET docs = excluded.docs, df = excluded.df, rev = excluded.rev`,
          [docs, Buffer.from(df.buffer), rev],
        );
      }),
    features: featuresOf,
    frequencies: async () => {
      const stored = await frequencyRow(session.query);
      return { docs: Number(stored?.docs ?? 0), df: dfFromBytes(stored?.df) };
    },
    sampleFeatures: async (limit, seed) => {
      const range = (
        await session.query<{ lo: string | null; hi: string | null }>(
          'SELECT min(paper_id) AS lo, max(paper_id) AS hi FROM paper_features',
        )
      ).rows[0];
      if (!range || range.lo === null || range.hi === null) return new Map();
      return featuresOf(sampleIds(Number(range.lo), Number(range.hi), limit, seed));
    },
    // By the date index, as sqlite-taste.ts: the range, and year-only dates apart.
    papersInWindow: async (since, until) => {
      const { rows } = await session.query<{ id: string; date: string }>(
        'SELECT id, date FROM papers WHERE (date >= $1 AND date < $2) OR date = ANY($3::text[])',
        [since, until, windowYears(since, until)],
      );
      return inWindow(
        rows.map((r) => ({ id: Number(r.id), date: r.date })),
        since,
        until,
      );
    },
    findByTitleKeys: async (keys) => {
      const out = new Map<string, number>();
      if (keys.length === 0) return out;
      const { rows } = await session.query<{ title_key: string; id: string }>(
        'SELECT DISTINCT ON (title_key) title_key, id FROM papers WHERE title_key = ANY($1::text[]) ORDER BY title_key, seq',
        [[...keys]],
      );
      for (const row of rows) out.set(row.title_key, Number(row.id));
      return out;
    },
    newestDate: async () => {
      const newest = (await session.query<{ d: string | null }>('SELECT max(date) AS d FROM papers')).rows[0]?.d;
      return newest ? windowDate(newest) : undefined;
    },
  };
}
