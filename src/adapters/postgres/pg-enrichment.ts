import type { AuthorFigures, EnrichmentStore } from '../../core/enrich/enrichment-store.ts';
import {
  type PaperFigures,
  type ScholarlySource,
  type StoredFigures,
  sameFigures,
} from '../../core/enrich/scholarly.ts';
import type { PgSession } from './pg-session.ts';

interface FigureRow {
  paper_id: string;
  source: string;
  found: boolean;
  citations: number | null;
  by_year: { year: number; count: number }[];
  doi: string | null;
  venue: string | null;
  tldr: string | null;
  fetched_at: Date;
}

const toFigures = (row: FigureRow): StoredFigures => ({
  paperId: Number(row.paper_id),
  source: row.source as ScholarlySource,
  citations: row.citations,
  byYear: row.by_year,
  doi: row.doi,
  venue: row.venue,
  tldr: row.tldr,
  fetchedAt: row.fetched_at.toISOString(),
});

/**
 * Fetched figures in PostgreSQL, with the semantics of src/adapters/sqlite/sqlite-enrichment.ts. The lease is one
 * upsert, as the arXiv feeds' (pg-arxiv-state.ts): two instances claiming at once, the second finds the first's.
 */
export function createPgEnrichment(session: PgSession): EnrichmentStore {
  let cached: { key: string; counts: Map<number, number> } | undefined;
  return {
    async due(source, { schedule, since, limit }) {
      const { rows } = await session.query<{ id: string; arxiv_id: string | null; doi: string | null; date: string }>(
        `SELECT p.id, p.arxiv_id, p.doi, p.date FROM papers p
         LEFT JOIN paper_figures f ON f.paper_id = p.id AND f.source = $1
         WHERE (p.arxiv_id IS NOT NULL OR p.doi IS NOT NULL)
           AND ($2::text IS NULL OR p.date >= $2::text)
           AND (f.fetched_at IS NULL
             OR f.fetched_at < CASE WHEN p.date >= $3 THEN $4::timestamptz ELSE $5::timestamptz END)
         ORDER BY f.fetched_at IS NOT NULL, f.fetched_at, p.date DESC, p.id
         LIMIT $6`,
        [source, since ?? null, schedule.newSince, schedule.newStaleBefore, schedule.oldStaleBefore, limit],
      );
      return rows.map((r) => ({ id: Number(r.id), arxivId: r.arxiv_id, doi: r.doi, date: r.date }));
    },
    async saveFigures(source, found, missing, now) {
      return session.transaction(async () => {
        const ids = [...found.keys(), ...missing];
        const { rows } = await session.query<FigureRow>(
          'SELECT * FROM paper_figures WHERE source = $1 AND paper_id = ANY($2::bigint[]) FOR UPDATE',
          [source, ids],
        );
        const before = new Map(rows.map((r) => [Number(r.paper_id), r]));
        const changed: number[] = [];
        for (const id of ids) {
          const figures: PaperFigures | undefined = found.get(id);
          const row = before.get(id);
          const was = row?.found ? toFigures(row) : undefined;
          if (row ? !sameFigures(was, figures) : figures !== undefined) changed.push(id);
          await session.query(
            `INSERT INTO paper_figures (paper_id, source, found, citations, by_year, doi, venue, tldr, fetched_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (paper_id, source) DO UPDATE SET found = excluded.found, citations = excluded.citations,
               by_year = excluded.by_year, doi = excluded.doi, venue = excluded.venue, tldr = excluded.tldr,
               fetched_at = excluded.fetched_at`,
            [
              id,
              source,
              figures !== undefined,
              figures?.citations ?? null,
              JSON.stringify(figures?.byYear ?? []),
              figures?.doi ?? null,
              figures?.venue ?? null,
              figures?.tldr ?? null,
              now,
            ],
          );
        }
        if (changed.length)
          await session.query(
            `INSERT INTO enrich_leases (name, until) VALUES ('figures', 1)
             ON CONFLICT (name) DO UPDATE SET until = coalesce(enrich_leases.until, 0) + 1`,
          );
        return changed;
      });
    },
    async figuresOf(ids) {
      const out = new Map<number, StoredFigures[]>();
      if (ids.length === 0) return out;
      const { rows } = await session.query<FigureRow>(
        'SELECT * FROM paper_figures WHERE found AND paper_id = ANY($1::bigint[])',
        [ids],
      );
      for (const row of rows) {
        const figures = toFigures(row);
        out.set(figures.paperId, [...(out.get(figures.paperId) ?? []), figures]);
      }
      return out;
    },
    async citationCounts() {
      // Read again only when a paper or a figure changed (on any instance): two index look-ups otherwise.
      const { rows: at } = await session.query<{ rev: string | null; v: string | null }>(
        "SELECT (SELECT max(rev) FROM papers) AS rev, (SELECT until FROM enrich_leases WHERE name = 'figures') AS v",
      );
      const key = JSON.stringify(at[0] ?? null);
      if (cached?.key === key) return cached.counts;
      // OpenAlex's count, else Semantic Scholar's, else the record's (`serviceCount` in core states the rule).
      const { rows } = await session.query<{ id: string; n: number }>(
        `SELECT id, n FROM (
           SELECT p.id, coalesce(
             (SELECT citations FROM paper_figures WHERE paper_id = p.id AND source = 'openalex' AND found),
             (SELECT citations FROM paper_figures WHERE paper_id = p.id AND source = 'semantic_scholar' AND found),
             p.citations) AS n
           FROM papers p) AS c
         WHERE n IS NOT NULL`,
      );
      cached = { key, counts: new Map(rows.map((r) => [Number(r.id), r.n])) };
      return cached.counts;
    },
    async claim(name, owner, now, ms) {
      const result = await session.query(
        `INSERT INTO enrich_leases (name, owner, until) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
         WHERE enrich_leases.until IS NULL OR enrich_leases.until < $4 OR enrich_leases.owner = $2`,
        [name, owner, now + ms, now],
      );
      return result.rowCount === 1;
    },
    async release(name, owner) {
      await session.query('UPDATE enrich_leases SET owner = NULL, until = NULL WHERE name = $1 AND owner = $2', [
        name,
        owner,
      ]);
    },
    async authorFigures(nameKey): Promise<AuthorFigures | undefined> {
      const { rows } = await session.query<{
        found: boolean;
        h_index: number | null;
        citations: number | null;
        external_id: string | null;
        fetched_at: Date;
      }>(
        "SELECT found, h_index, citations, external_id, fetched_at FROM author_figures WHERE name_key = $1 AND source = 'openalex'",
        [nameKey],
      );
      const row = rows[0];
      return (
        row && {
          source: 'openalex',
          found: row.found,
          hIndex: row.h_index,
          citations: row.citations,
          externalId: row.external_id,
          fetchedAt: row.fetched_at.toISOString(),
        }
      );
    },
    async saveAuthorFigures(nameKey, f) {
      await session.query(
        `INSERT INTO author_figures (name_key, source, found, h_index, citations, external_id, fetched_at)
         VALUES ($1, 'openalex', $2, $3, $4, $5, $6)
         ON CONFLICT (name_key, source) DO UPDATE SET found = excluded.found, h_index = excluded.h_index,
           citations = excluded.citations, external_id = excluded.external_id, fetched_at = excluded.fetched_at`,
        [nameKey, f.found, f.hIndex, f.citations, f.externalId, f.fetchedAt],
      );
    },
    async takeAuthorLookup(day, cap) {
      if (cap <= 0) return false;
      const result = await session.query(
        `INSERT INTO author_lookups (day, count) VALUES ($1, 1)
         ON CONFLICT (day) DO UPDATE SET count = author_lookups.count + 1 WHERE author_lookups.count < $2`,
        [day, cap],
      );
      return result.rowCount === 1;
    },
  };
}
