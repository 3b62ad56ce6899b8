import type pg from 'pg';
import { PaperboyError } from '../../core/errors.ts';
import { COORDINATION_SCHEMA } from './pg-coordination-schema.ts';
import { PAPERS_SCHEMA } from './pg-papers-schema.ts';

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
