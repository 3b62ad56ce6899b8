import type pg from 'pg';
import { PaperboyError } from '../../core/errors.ts';
import { type AuthorRow, toAuthorRows } from '../../core/store/author-index.ts';
import { COORDINATION_SCHEMA } from './pg-coordination-schema.ts';
import { PAPERS_SCHEMA } from './pg-papers-schema.ts';
import type { Statement } from './pg-write.ts';

/**
 * Paperboy's PostgreSQL schema, one versioned migration after another (append only, like SQLite's). Version 1 is
 * the whole schema: papers, profiles, listings, reading lists and saved queries
 * (pg-papers-schema.ts), and subscriptions, the digest ledger, arXiv feeds, leases and seen events
 * (pg-coordination-schema.ts).
 */
export const PG_MIGRATIONS: readonly string[] = [
  `${PAPERS_SCHEMA}\n${COORDINATION_SCHEMA}`,
  // 2: title keys are looked up by equality only, and a B-tree entry holds at most ~2.7 kB: a 40,000-character
  // title (which SQLite stores) failed its whole page ("index row requires … bytes"). Hash indexes have no limit.
  `DROP INDEX papers_by_title_key;
   CREATE INDEX papers_by_title_key ON papers USING hash (title_key);
   DROP INDEX paper_retitles_by_key;
   CREATE INDEX paper_retitles_by_key ON paper_retitles USING hash (old_title_key);`,
  // Figures fetched from OpenAlex and Semantic Scholar, apart from the papers (as SQLite's paper_figures,
  // author_figures, author_lookups and enrich_leases): writing them changes no paper's rev.
  `CREATE TABLE paper_figures (
     paper_id bigint NOT NULL,
     source text NOT NULL,
     found boolean NOT NULL,
     citations integer,
     by_year jsonb NOT NULL DEFAULT '[]',
     doi text,
     venue text,
     tldr text,
     fetched_at timestamptz NOT NULL,
     PRIMARY KEY (paper_id, source)
   );
   CREATE TABLE author_figures (
     name_key text NOT NULL,
     source text NOT NULL,
     found boolean NOT NULL,
     h_index integer,
     citations integer,
     external_id text,
     fetched_at timestamptz NOT NULL,
     PRIMARY KEY (name_key, source)
   );
   CREATE TABLE author_lookups (day text PRIMARY KEY, count integer NOT NULL);
   CREATE TABLE enrich_leases (name text PRIMARY KEY, owner text, until bigint);`,
  // For you (taste): as SQLite's migration of the same name (sqlite-migrations.ts, docs/foryou.md).
  `CREATE TABLE taste_signals (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     owner_kind text NOT NULL,
     platform text NOT NULL,
     space text NOT NULL,
     owner text NOT NULL,
     actor text NOT NULL,
     paper_id bigint NOT NULL,
     source text NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     UNIQUE (owner_kind, platform, space, owner, actor, paper_id, source)
   );
   CREATE INDEX taste_signals_by_actor ON taste_signals (platform, space, actor);
   CREATE TABLE posted_papers (
     platform text NOT NULL,
     channel text NOT NULL,
     message_id text NOT NULL,
     space text NOT NULL,
     paper_id bigint NOT NULL,
     posted_at text NOT NULL,
     PRIMARY KEY (platform, channel, message_id)
   );
   CREATE TABLE paper_features (paper_id bigint PRIMARY KEY, features bytea NOT NULL);
   CREATE TABLE feature_frequencies (
     id integer PRIMARY KEY CHECK (id = 1),
     docs bigint NOT NULL,
     df bytea NOT NULL,
     rev bigint NOT NULL
   );`,
  // Author index: every name listed on a paper, by its folded key, written with the paper (sqlite-migrations.ts).
  // Papers stored before it are indexed by \`migratePg\` right after (the keys fold accents, which SQL cannot).
  `CREATE TABLE author_names (
     name_key text PRIMARY KEY,
     name text NOT NULL,
     surname_key text NOT NULL
   );
   CREATE INDEX author_names_by_surname ON author_names (surname_key text_pattern_ops, name_key text_pattern_ops);
   CREATE INDEX author_names_by_prefix ON author_names (name_key text_pattern_ops);
   CREATE TABLE paper_authors (
     name_key text NOT NULL,
     paper_id bigint NOT NULL,
     PRIMARY KEY (name_key, paper_id)
   );
   CREATE INDEX paper_authors_by_paper ON paper_authors (paper_id);
   INSERT INTO database_meta (name, value) VALUES ('author_index', 'pending') ON CONFLICT (name) DO UPDATE SET value = 'pending';`,
  // For you: papers by date (as SQLite's migration of the same name).
  `CREATE INDEX IF NOT EXISTS papers_by_date ON papers (date);`,
  // Ranked digests (as SQLite's migration of the same name).
  `ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS ranked boolean NOT NULL DEFAULT false;
   ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS space text;`,
];

/** The advisory lock every instance takes to migrate: instances starting together migrate once. */
const MIGRATION_LOCK = 7_117_000_001;

/**
 * Brings the database up to the newest schema. Runs under a session advisory lock, so instances that start at
 * once wait for the first one and then find the work done; each migration is its own transaction with its version.
 */
export async function migratePg(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS paperboy_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM paperboy_schema');
      const current = rows[0]?.v ?? 0;
      if (current > PG_MIGRATIONS.length) {
        throw new PaperboyError(
          'database_too_new',
          `PostgreSQL schema version ${current} is newer than this Paperboy (${PG_MIGRATIONS.length}). Update Paperboy.`,
        );
      }
      for (let v = current; v < PG_MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(PG_MIGRATIONS[v] as string);
          await client.query('INSERT INTO paperboy_schema (version) VALUES ($1)', [v + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      await indexPendingAuthors(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** The schema version of a migrated database (0 when Paperboy never ran there). */
export async function pgSchemaVersion(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>(
    "SELECT CASE WHEN to_regclass('paperboy_schema') IS NULL THEN 0 ELSE (SELECT max(version) FROM paperboy_schema) END AS v",
  );
  return rows[0]?.v ?? 0;
}

/** Writes the author index rows of one page of papers: the names (first spelling kept) and the listings. */
export function authorIndexStatements(papers: readonly { id: number; authors: string[] }[]): Statement[] {
  const names = new Map<string, AuthorRow>();
  const listings: { key: string; id: number }[] = [];
  for (const paper of papers) {
    for (const row of toAuthorRows(paper)) {
      if (!names.has(row.key)) names.set(row.key, row);
      listings.push({ key: row.key, id: paper.id });
    }
  }
  if (listings.length === 0) return [];
  const rows = [...names.values()];
  return [
    {
      text: `INSERT INTO author_names (name_key, name, surname_key)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      values: [rows.map((r) => r.key), rows.map((r) => r.name), rows.map((r) => r.surname)],
    },
    {
      text: `INSERT INTO paper_authors (name_key, paper_id)
             SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING`,
      values: [listings.map((l) => l.key), listings.map((l) => l.id)],
    },
  ];
}

// Papers stored before the author index existed are indexed once, a page at a time, under the migration lock.
async function indexPendingAuthors(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query("SELECT 1 FROM database_meta WHERE name = 'author_index'");
  if (rows.length === 0) return;
  await client.query('BEGIN');
  try {
    let after = 0;
    for (;;) {
      const page = await client.query<{ id: string; authors: string }>(
        'SELECT id, authors FROM papers WHERE id > $1 ORDER BY id LIMIT 5000',
        [after],
      );
      if (page.rows.length === 0) break;
      const papers = page.rows.map((r) => ({ id: Number(r.id), authors: JSON.parse(r.authors) as string[] }));
      for (const statement of authorIndexStatements(papers)) await client.query(statement.text, statement.values);
      after = papers[papers.length - 1]?.id ?? after;
    }
    await client.query("DELETE FROM database_meta WHERE name = 'author_index'");
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
