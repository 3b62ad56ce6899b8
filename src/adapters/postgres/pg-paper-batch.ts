import { toAuthorRows } from '../../core/store/author-index.ts';
import { toPaperKey } from '../../core/store/identity.ts';
import type { PaperInput, StoredPaper } from '../../core/store/paper-store.ts';
import type { PaperTable } from '../../core/store/paper-writes.ts';
import { authorIndexStatements } from './pg-migrations.ts';
import { PAPER_COLUMNS, type PgPaperRow, paperValues, toStoredPaper, withInput } from './pg-paper-rows.ts';
import type { Counters, PgQuery, Statement } from './pg-write.ts';

/**
 * The papers one write touches, held in memory between one read and one write: a page or a batch of records costs
 * two round trips, not one per paper. It is the {@link PaperTable} core's write rules (paper-writes.ts) write to,
 * as SQLite's statements are, with the same identity rules, a seq and rev per insert, a rev per update, a seq and
 * rev per announcement and a retitle remembered per title change, so both engines give the same ids, outcomes, seq
 * and rev for the same calls.
 */
export interface PaperBatch extends PaperTable {
  /** The statements that write what changed (papers, their author index rows, retitles), to run with the counters. */
  statements(): Statement[];
}

// Where a title match merges: a paper without an arXiv id before one with, then the oldest (lowest seq).
const comesFirst = (a: StoredPaper, b: StoredPaper): boolean =>
  (a.arxivId === null) !== (b.arxivId === null) ? a.arxivId === null : a.seq < b.seq;

/** A value to read in the same round trip as the papers: a scalar subquery whose `$1`… number its own values. */
export interface ExtraRead {
  sql: string;
  values: unknown[];
}

/**
 * Reads every stored paper the incoming ones could be: by arXiv id, by title key, and by a title a paper had before
 * (for sources without arXiv ids), with `extra` in the same round trip. Call inside {@link inCounterTransaction},
 * which `counters` come from; the batch moves them.
 */
export async function loadPaperBatch(
  query: PgQuery,
  counters: Counters,
  incoming: readonly PaperInput[],
  extra: ExtraRead = { sql: 'NULL', values: [] },
): Promise<{ batch: PaperBatch; extra: unknown }> {
  const arxivIds = [...new Set(incoming.flatMap((p) => (p.arxivId ? [p.arxivId] : [])))];
  const keys = [...new Set(incoming.map((p) => toPaperKey(p.title)))];
  const formerKeys = [...new Set(incoming.flatMap((p) => (p.arxivId ? [] : [toPaperKey(p.title)])))];
  const extraSql = extra.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 3}`);
  // One row at least (the extra value), with the matching papers joined to it. Each way of finding a paper is
  // its own index lookup: an OR across them would read the whole table.
  const { rows } = await query<Partial<PgPaperRow> & { extra: unknown; former_keys: string[] | null }>(
    `WITH former AS (
       SELECT DISTINCT ON (old_title_key) old_title_key, paper_id FROM paper_retitles
       WHERE old_title_key = ANY($3::text[]) ORDER BY old_title_key, rev DESC
     ), found AS (
       SELECT id FROM papers WHERE arxiv_id = ANY($1::text[])
       UNION SELECT id FROM papers WHERE title_key = ANY($2::text[])
       UNION SELECT paper_id FROM former
     )
     SELECT (${extraSql}) AS extra, p.*,
       (SELECT array_agg(f.old_title_key) FROM former f WHERE f.paper_id = p.id) AS former_keys
     FROM (VALUES (1)) AS one (x)
     LEFT JOIN (found JOIN papers p ON p.id = found.id) ON true`,
    [arxivIds, keys, formerKeys, ...extra.values],
  );

  const papers = new Map<number, StoredPaper>();
  const keyOf = new Map<number, string>();
  const byArxivId = new Map<string, number>();
  const byKey = new Map<string, Set<number>>();
  const former = new Map<string, number>();
  const index = (paper: StoredPaper, key: string) => {
    papers.set(paper.id, paper);
    keyOf.set(paper.id, key);
    if (paper.arxivId) byArxivId.set(paper.arxivId, paper.id);
    const ids = byKey.get(key) ?? new Set<number>();
    byKey.set(key, ids);
    ids.add(paper.id);
  };
  const unindex = (paper: StoredPaper) => {
    if (paper.arxivId && byArxivId.get(paper.arxivId) === paper.id) byArxivId.delete(paper.arxivId);
    byKey.get(keyOf.get(paper.id) as string)?.delete(paper.id);
  };
  for (const row of rows) {
    if (row.id === undefined || row.id === null) continue;
    const paper = row as PgPaperRow;
    index(toStoredPaper(paper), paper.title_key);
    for (const key of row.former_keys ?? []) former.set(key, Number(paper.id));
  }

  const inserted = new Set<number>();
  const updated = new Set<number>();
  const retitles: { rev: number; paperId: number; oldTitle: string }[] = [];

  const batch: PaperBatch = {
    find(paper) {
      if (paper.arxivId) {
        const id = byArxivId.get(paper.arxivId);
        if (id !== undefined) return papers.get(id);
      }
      const key = toPaperKey(paper.title);
      let byTitle: StoredPaper | undefined;
      for (const id of byKey.get(key) ?? []) {
        const candidate = papers.get(id) as StoredPaper;
        if (!byTitle || comesFirst(candidate, byTitle)) byTitle = candidate;
      }
      if (byTitle || paper.arxivId)
        return byTitle && (byTitle.arxivId === null || !paper.arxivId) ? byTitle : undefined;
      // A source without arXiv ids (a profile page) may still name a paper by the title arXiv has since changed.
      const formerId = former.get(key);
      return formerId === undefined ? undefined : papers.get(formerId);
    },
    insert(paper, now, announce, also = []) {
      const id = ++counters.paper_id;
      const stored = withInput(
        {
          id,
          seq: ++counters.seq,
          rev: ++counters.rev,
          firstSeenAt: now,
          alsoCategories: also,
          announce,
        } as StoredPaper,
        paper,
      );
      index(stored, toPaperKey(paper.title));
      inserted.add(id);
      return id;
    },
    update(id, paper, alsoCategories) {
      const before = papers.get(id) as StoredPaper;
      const after = { ...withInput(before, paper), alsoCategories, rev: ++counters.rev };
      if (after.title !== before.title) {
        retitles.push({ rev: after.rev, paperId: id, oldTitle: before.title });
        former.set(toPaperKey(before.title), id);
      }
      unindex(before);
      index(after, toPaperKey(after.title));
      if (!inserted.has(id)) updated.add(id);
    },
    announce(id) {
      const before = papers.get(id) as StoredPaper;
      papers.set(id, { ...before, announce: true, seq: ++counters.seq, rev: ++counters.rev });
      if (!inserted.has(id)) updated.add(id);
    },
    statements() {
      const out: Statement[] = [];
      const columns = (ids: Set<number>) => {
        const arrays: unknown[][] = PAPER_COLUMNS.map(() => []);
        for (const id of ids) {
          paperValues(papers.get(id) as StoredPaper, keyOf.get(id) as string).forEach((value, i) => {
            arrays[i]?.push(value);
          });
        }
        return arrays;
      };
      const unnest = PAPER_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
      const names = PAPER_COLUMNS.map(([name]) => name);
      if (inserted.size > 0) {
        out.push({
          text: `INSERT INTO papers (${names.join(', ')}) SELECT * FROM unnest(${unnest})`,
          values: columns(inserted),
        });
      }
      if (updated.size > 0) {
        const set = names
          // seq and announce move only when a paper is announced (read under the counters' lock, so current).
          .filter((name) => !['id', 'first_seen_at'].includes(name))
          .map((name) => `${name} = u.${name}`);
        out.push({
          text: `UPDATE papers p SET ${set.join(', ')} FROM unnest(${unnest}) AS u (${names.join(', ')})
                 WHERE p.id = u.id`,
          values: columns(updated),
        });
      }
      // The author index follows every paper written (sqlite-store.ts, `indexAuthors`). The statements share one
      // snapshot (`runTogether`), so an updated paper loses only the names it no longer lists.
      const written = [...inserted, ...updated].map((id) => papers.get(id) as StoredPaper);
      if (updated.size > 0) {
        const kept = [...updated].flatMap((id) =>
          toAuthorRows(papers.get(id) as StoredPaper).map((row) => ({ id, key: row.key })),
        );
        out.push({
          text: `DELETE FROM paper_authors l WHERE l.paper_id = ANY($1::bigint[])
                 AND (l.name_key, l.paper_id) NOT IN (SELECT * FROM unnest($2::text[], $3::bigint[]))`,
          values: [[...updated], kept.map((k) => k.key), kept.map((k) => k.id)],
        });
      }
      out.push(...authorIndexStatements(written));
      if (retitles.length > 0) {
        out.push({
          text: `INSERT INTO paper_retitles (rev, paper_id, old_title, old_title_key)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`,
          values: [
            retitles.map((r) => r.rev),
            retitles.map((r) => r.paperId),
            retitles.map((r) => r.oldTitle),
            retitles.map((r) => toPaperKey(r.oldTitle)),
          ],
        });
      }
      return out;
    },
  };
  return { batch, extra: rows[0]?.extra ?? null };
}
