import type { AuthorFigures, EnrichmentStore } from '../../core/enrich/enrichment-store.ts';
import {
  type PaperFigures,
  type ScholarlySource,
  type StoredFigures,
  sameFigures,
  serviceCount,
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
      const { rows } = await session.query<{
        id: string;
        source: string | null;
        citations: number | null;
        own: number | null;
      }>(
        `SELECT p.id, f.source, f.citations, p.citations AS own FROM papers p
         LEFT JOIN paper_figures f ON f.paper_id = p.id AND f.found AND f.citations IS NOT NULL
         WHERE f.citations IS NOT NULL OR p.citations IS NOT NULL`,
      );
      const byPaper = new Map<number, { own: number | null; figures: StoredFigures[] }>();
      for (const row of rows) {
        const id = Number(row.id);
        const entry = byPaper.get(id) ?? { own: row.own, figures: [] };
        if (row.source !== null && row.citations !== null)
          entry.figures.push({ citations: row.citations, source: row.source as ScholarlySource } as StoredFigures);
        byPaper.set(id, entry);
      }
      const out = new Map<number, number>();
      for (const [id, { own, figures }] of byPaper) {
        const count = serviceCount(figures)?.citations ?? own;
        if (count !== null) out.set(id, count);
      }
      return out;
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
