import type Database from 'better-sqlite3';
import type { AuthorFigures, EnrichmentStore } from '../../core/enrich/enrichment-store.ts';
import {
  type EnrichCandidate,
  type PaperFigures,
  type ScholarlySource,
  type StoredFigures,
  sameFigures,
} from '../../core/enrich/scholarly.ts';
import { promised } from './sqlite-promised.ts';

interface FigureRow {
  paper_id: number;
  source: string;
  found: number;
  citations: number | null;
  by_year: string;
  doi: string | null;
  venue: string | null;
  tldr: string | null;
  fetched_at: string;
}

interface AuthorRow {
  found: number;
  h_index: number | null;
  citations: number | null;
  external_id: string | null;
  fetched_at: string;
}

const toFigures = (row: FigureRow): StoredFigures => ({
  paperId: row.paper_id,
  source: row.source as ScholarlySource,
  citations: row.citations,
  byYear: JSON.parse(row.by_year) as StoredFigures['byYear'],
  doi: row.doi,
  venue: row.venue,
  tldr: row.tldr,
  fetchedAt: row.fetched_at,
});

// Ids read a chunk at a time: SQLite binds at most 32,766 parameters.
const CHUNK = 500;

/** Fetched figures in SQLite (migration `paper_figures` and its siblings), beside the papers and apart from them. */
export function createSqliteEnrichment(db: Database.Database): EnrichmentStore {
  const due = db.prepare<
    { source: string; since: string | null; newSince: string; newStale: string; oldStale: string; limit: number },
    { id: number; arxiv_id: string | null; doi: string | null; date: string }
  >(
    `SELECT p.id, p.arxiv_id, p.doi, p.date FROM papers p
     LEFT JOIN paper_figures f ON f.paper_id = p.id AND f.source = @source
     WHERE (p.arxiv_id IS NOT NULL OR p.doi IS NOT NULL)
       AND (@since IS NULL OR p.date >= @since)
       AND (f.fetched_at IS NULL
         OR f.fetched_at < CASE WHEN p.date >= @newSince THEN @newStale ELSE @oldStale END)
     ORDER BY f.fetched_at IS NOT NULL, f.fetched_at, p.date DESC, p.id
     LIMIT @limit`,
  );
  const oneRow = db.prepare<[number, string], FigureRow>(
    'SELECT * FROM paper_figures WHERE paper_id = ? AND source = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO paper_figures (paper_id, source, found, citations, by_year, doi, venue, tldr, fetched_at)
     VALUES (@paper_id, @source, @found, @citations, @by_year, @doi, @venue, @tldr, @fetched_at)
     ON CONFLICT (paper_id, source) DO UPDATE SET found = excluded.found, citations = excluded.citations,
       by_year = excluded.by_year, doi = excluded.doi, venue = excluded.venue, tldr = excluded.tldr,
       fetched_at = excluded.fetched_at`,
  );
  // The count cards and queries use, worked out in SQL (one pass, no row objects): OpenAlex's, else Semantic
  // Scholar's, else the record's. `serviceCount` in core states the same rule for stored figures.
  const counts = db
    .prepare<[], [number, number]>(
      `SELECT id, n FROM (
         SELECT p.id, coalesce(
           (SELECT citations FROM paper_figures WHERE paper_id = p.id AND source = 'openalex' AND found = 1),
           (SELECT citations FROM paper_figures WHERE paper_id = p.id AND source = 'semantic_scholar' AND found = 1),
           p.citations) AS n
         FROM papers p)
       WHERE n IS NOT NULL`,
    )
    .raw();
  // What the counts depend on: the papers (their rev) and the figures (a version bumped by every change).
  const version = db
    .prepare<[], [number | null, number | null]>(
      "SELECT (SELECT max(rev) FROM papers), (SELECT until FROM enrich_leases WHERE name = 'figures')",
    )
    .raw();
  const bump = db.prepare(
    "INSERT INTO enrich_leases (name, until) VALUES ('figures', 1) ON CONFLICT (name) DO UPDATE SET until = coalesce(until, 0) + 1",
  );
  let cached: { key: string; counts: Map<number, number> } | undefined;
  const claim = db.prepare<[string, number, string, number, string]>(
    `UPDATE enrich_leases SET owner = ?, until = ? WHERE name = ? AND (until IS NULL OR until < ? OR owner = ?)`,
  );
  const ensureLease = db.prepare('INSERT OR IGNORE INTO enrich_leases (name) VALUES (?)');
  const release = db.prepare('UPDATE enrich_leases SET owner = NULL, until = NULL WHERE name = ? AND owner = ?');
  const authorRow = db.prepare<[string], AuthorRow>(
    "SELECT found, h_index, citations, external_id, fetched_at FROM author_figures WHERE name_key = ? AND source = 'openalex'",
  );
  const saveAuthor = db.prepare(
    `INSERT INTO author_figures (name_key, source, found, h_index, citations, external_id, fetched_at)
     VALUES (@name_key, 'openalex', @found, @h_index, @citations, @external_id, @fetched_at)
     ON CONFLICT (name_key, source) DO UPDATE SET found = excluded.found, h_index = excluded.h_index,
       citations = excluded.citations, external_id = excluded.external_id, fetched_at = excluded.fetched_at`,
  );
  const takeLookup = db.prepare<{ day: string; cap: number }>(
    `INSERT INTO author_lookups (day, count) VALUES (@day, 1)
     ON CONFLICT (day) DO UPDATE SET count = count + 1 WHERE count < @cap`,
  );

  const saveTx = db.transaction(
    (source: ScholarlySource, found: ReadonlyMap<number, PaperFigures>, missing: readonly number[], now: string) => {
      const changed: number[] = [];
      const write = (id: number, figures: PaperFigures | undefined) => {
        const before = oneRow.get(id, source);
        const was = before && before.found === 1 ? toFigures(before) : undefined;
        if (before && !sameFigures(was, figures)) changed.push(id);
        if (!before && figures) changed.push(id);
        upsert.run({
          paper_id: id,
          source,
          found: figures ? 1 : 0,
          citations: figures?.citations ?? null,
          by_year: JSON.stringify(figures?.byYear ?? []),
          doi: figures?.doi ?? null,
          venue: figures?.venue ?? null,
          tldr: figures?.tldr ?? null,
          fetched_at: now,
        });
      };
      for (const [id, figures] of found) write(id, figures);
      for (const id of missing) write(id, undefined);
      if (changed.length) bump.run();
      return changed;
    },
  );

  return promised<EnrichmentStore>({
    due(source, { schedule, since, limit }): EnrichCandidate[] {
      return due
        .all({
          source,
          since: since ?? null,
          newSince: schedule.newSince,
          newStale: schedule.newStaleBefore.toISOString(),
          oldStale: schedule.oldStaleBefore.toISOString(),
          limit,
        })
        .map((r) => ({ id: r.id, arxivId: r.arxiv_id, doi: r.doi, date: r.date }));
    },
    saveFigures(source, found, missing, now) {
      return saveTx(source, found, missing, now.toISOString());
    },
    figuresOf(ids) {
      const out = new Map<number, StoredFigures[]>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const rows = db
          .prepare<number[], FigureRow>(
            `SELECT * FROM paper_figures WHERE found = 1 AND paper_id IN (${chunk.map(() => '?').join(',')})`,
          )
          .all(...chunk);
        for (const row of rows) {
          const list = out.get(row.paper_id) ?? [];
          list.push(toFigures(row));
          out.set(row.paper_id, list);
        }
      }
      return out;
    },
    citationCounts() {
      // Read again only when a paper or a figure changed (in any process): a query asking for counts then costs
      // two index look-ups instead of a pass over every paper.
      const key = JSON.stringify(version.get());
      if (cached?.key !== key) cached = { key, counts: new Map(counts.all()) };
      return cached.counts;
    },
    claim(name, owner, now, ms) {
      ensureLease.run(name);
      return claim.run(owner, now + ms, name, now, owner).changes === 1;
    },
    release(name, owner) {
      release.run(name, owner);
    },
    authorFigures(nameKey): AuthorFigures | undefined {
      const row = authorRow.get(nameKey);
      return (
        row && {
          source: 'openalex',
          found: row.found === 1,
          hIndex: row.h_index,
          citations: row.citations,
          externalId: row.external_id,
          fetchedAt: row.fetched_at,
        }
      );
    },
    saveAuthorFigures(nameKey, f) {
      saveAuthor.run({
        name_key: nameKey,
        found: f.found ? 1 : 0,
        h_index: f.hIndex,
        citations: f.citations,
        external_id: f.externalId,
        fetched_at: f.fetchedAt,
      });
    },
    takeAuthorLookup(day, cap) {
      if (cap <= 0) return false;
      return takeLookup.run({ day, cap }).changes === 1;
    },
  });
}
