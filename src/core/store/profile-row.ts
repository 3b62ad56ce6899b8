import type { StoredProfile } from './paper-store.ts';

/** A row of `profiles` as both engines read it (the same columns on SQLite and PostgreSQL), with its link count. */
export interface ProfileRow {
  id: number;
  name: string;
  category: string | null;
  h_index: number | null;
  paper_count: number | null;
  citation_count: number | null;
  novelty: number | null;
  ai_score: number | null;
  listed_count: number | null;
  source_path: string;
  content_hash: string;
  updated_at: string;
  papers: number;
}

/** A profile row as the store contract gives it. */
export const toStoredProfile = (row: ProfileRow): StoredProfile => ({
  id: row.id,
  name: row.name,
  category: row.category,
  hIndex: row.h_index,
  paperCount: row.paper_count,
  citationCount: row.citation_count,
  novelty: row.novelty,
  aiScore: row.ai_score,
  listedCount: row.listed_count,
  sourcePath: row.source_path,
  updatedAt: row.updated_at,
  papers: row.papers,
});
