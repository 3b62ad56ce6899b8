import type Database from 'better-sqlite3';
import {
  OPPOSITE,
  type PaperFeatures,
  type PostedMessage,
  type SignalInput,
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
import { promised } from './sqlite-promised.ts';

const dfFromBytes = (bytes: Buffer | undefined): Int32Array => {
  const df = new Int32Array(FEATURE_BUCKETS);
  if (bytes) new Uint8Array(df.buffer).set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return df;
};

/**
 * Taste in SQLite (`taste_signals`, `posted_papers`, `paper_features`, `feature_frequencies`; sqlite-migrations.ts).
 * Statements are prepared on first use, so a store on an older database opens without the tables.
 */
export function createSqliteTaste(db: Database.Database): TasteStore {
  const statements = new Map<string, Database.Statement>();
  const sql = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  const key = (o: TasteOwner) => [o.kind, o.platform, o.space, o.id] as const;
  const OWNER = 'owner_kind = ? AND platform = ? AND space = ? AND owner = ?';

  const addSignal = db.transaction((signal: SignalInput, now: Date) => {
    const opposite = OPPOSITE[signal.source];
    if (opposite)
      sql(`DELETE FROM taste_signals WHERE ${OWNER} AND actor = ? AND paper_id = ? AND source = ?`).run(
        ...key(signal.owner),
        signal.actor,
        signal.paperId,
        opposite,
      );
    sql(
      `INSERT OR IGNORE INTO taste_signals (owner_kind, platform, space, owner, actor, paper_id, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...key(signal.owner), signal.actor, signal.paperId, signal.source, now.toISOString());
  });

  const saveFeatures = db.transaction((rows: readonly PaperFeatures[], rev: number) => {
    const stored = sql('SELECT docs, df FROM feature_frequencies WHERE id = 1').get() as
      | { docs: number; df: Buffer }
      | undefined;
    const df = dfFromBytes(stored?.df);
    let docs = stored?.docs ?? 0;
    const old = sql('SELECT features FROM paper_features WHERE paper_id = ?').pluck();
    const put = sql('INSERT OR REPLACE INTO paper_features (paper_id, features) VALUES (?, ?)');
    for (const row of rows) {
      const before = old.get(row.paperId) as Buffer | undefined;
      docs += applyFeatureChange(df, before, row.bytes);
      put.run(row.paperId, row.bytes);
    }
    sql('INSERT OR REPLACE INTO feature_frequencies (id, docs, df, rev) VALUES (1, ?, ?, ?)').run(
      docs,
      Buffer.from(df.buffer),
      rev,
    );
  });

  const featuresOf = (ids: readonly number[]) => {
    const out = new Map<number, Uint8Array>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = sql(
        `SELECT paper_id, features FROM paper_features WHERE paper_id IN (${chunk.map(() => '?').join(',')})`,
      ).all(...chunk) as { paper_id: number; features: Buffer }[];
      for (const row of rows) out.set(row.paper_id, new Uint8Array(row.features));
    }
    return out;
  };

  return promised<TasteStore>({
    addSignal: (signal, now) => addSignal.immediate(signal, now),
    removeSignal: (signal) =>
      sql(`DELETE FROM taste_signals WHERE ${OWNER} AND actor = ? AND paper_id = ? AND source = ?`).run(
        ...key(signal.owner),
        signal.actor,
        signal.paperId,
        signal.source,
      ).changes > 0,
    signals: (owner) =>
      (
        sql(`SELECT paper_id, source, actor, created_at FROM taste_signals WHERE ${OWNER} ORDER BY id`).all(
          ...key(owner),
        ) as { paper_id: number; source: SignalSource; actor: string; created_at: string }[]
      ).map((r): StoredSignal => ({ paperId: r.paper_id, source: r.source, actor: r.actor, at: r.created_at })),
    resetPerson: (reader: Reader) =>
      sql(
        `DELETE FROM taste_signals WHERE platform = ? AND space = ? AND
           ((owner_kind = 'user' AND owner = ?) OR (owner_kind = 'channel' AND actor = ?))`,
      ).run(reader.platform, reader.space, reader.user, reader.user).changes,
    signalCount: (owner) =>
      (sql(`SELECT count(*) AS n FROM taste_signals WHERE ${OWNER}`).get(...key(owner)) as { n: number }).n,
    rememberMessage: (m: PostedMessage, now) => {
      sql(
        `INSERT OR REPLACE INTO posted_papers (platform, channel, message_id, space, paper_id, posted_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(m.platform, m.channel, m.messageId, m.space, m.paperId, now.toISOString());
    },
    messagePaper: (platform, channel, messageId) => {
      const row = sql(
        'SELECT space, paper_id FROM posted_papers WHERE platform = ? AND channel = ? AND message_id = ?',
      ).get(platform, channel, messageId) as { space: string; paper_id: number } | undefined;
      return row ? { platform, channel, messageId, space: row.space, paperId: row.paper_id } : undefined;
    },
    featuresRev: () =>
      (sql('SELECT rev FROM feature_frequencies WHERE id = 1').get() as { rev: number } | undefined)?.rev ?? 0,
    saveFeatures: (rows, rev) => saveFeatures.immediate(rows, rev),
    features: featuresOf,
    frequencies: () => {
      const stored = sql('SELECT docs, df FROM feature_frequencies WHERE id = 1').get() as
        | { docs: number; df: Buffer }
        | undefined;
      return { docs: stored?.docs ?? 0, df: dfFromBytes(stored?.df) };
    },
    sampleFeatures: (limit, seed) => {
      const range = sql('SELECT min(paper_id) AS lo, max(paper_id) AS hi FROM paper_features').get() as {
        lo: number | null;
        hi: number | null;
      };
      if (range.lo === null || range.hi === null) return new Map();
      return featuresOf(sampleIds(range.lo, range.hi, limit, seed));
    },
    // By the date index: the range [since, until), and year-only dates apart (`2026` sorts before `2026-01-01`).
    papersInWindow: (since, until) => {
      const rows = sql('SELECT id, date FROM papers WHERE date >= ? AND date < ?').all(since, until) as {
        id: number;
        date: string;
      }[];
      const years = sql('SELECT id, date FROM papers WHERE date = ?');
      for (const year of windowYears(since, until)) rows.push(...(years.all(year) as { id: number; date: string }[]));
      return inWindow(rows, since, until);
    },
    findByTitleKeys: (keys) => {
      const out = new Map<string, number>();
      for (const k of keys) {
        const id = sql('SELECT id FROM papers WHERE title_key = ? ORDER BY seq LIMIT 1').pluck().get(k) as
          | number
          | undefined;
        if (id !== undefined) out.set(k, id);
      }
      return out;
    },
    newestDate: () =>
      // `2027` sorts after `2026-12-31` and before `2027-01-01`: the greatest date is the newest either way.
      {
        const newest = sql('SELECT max(date) FROM papers').pluck().get() as string | null;
        return newest === null ? undefined : windowDate(newest);
      },
  });
}
