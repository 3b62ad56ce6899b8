/**
 * PostgreSQL tables of papers, profiles, their links, saved queries, reading lists and the counters (seq, rev,
 * profile_rev, identity): part of migration 1 (pg-migrations.ts). Mirrors SQLite's final schema
 * (src/core/store/migrations.ts), without the full-text index: each instance keeps that as a local cache.
 */
export const PAPERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS database_meta (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO database_meta (name, value) VALUES ('identity', md5(random()::text || clock_timestamp()::text))
  ON CONFLICT DO NOTHING;
`;
