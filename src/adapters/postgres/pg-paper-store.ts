import { createHash } from 'node:crypto';
import type pg from 'pg';
import { toArxivPaper } from '../../core/store/arxiv-paper.ts';
import type { AuthorName } from '../../core/store/author-index.ts';
import { toArxivKey, toDoiKey, toProfileKey, withArxivKey } from '../../core/store/identity.ts';
import type { PaperStore, ProfileSaveResult, StoredPaper } from '../../core/store/paper-store.ts';
import { saveArxivEntries, savePapers, saveProfilePapers, toProfilePaper } from '../../core/store/paper-writes.ts';
import { loadPaperBatch } from './pg-paper-batch.ts';
import {
  INDEX_COLUMNS,
  type PgIndexRow,
  type PgPaperRow,
  type PgProfileRow,
  pgPaper,
  pgText,
  toIndexRow,
  toStoredPaper,
  toStoredProfile,
} from './pg-paper-rows.ts';
import { createPgReadingList } from './pg-reading-list.ts';
import type { PgSession } from './pg-session.ts';
import {
  analyzeWhenDoubled,
  inCounterTransaction,
  notePlanScale,
  preparedQuery,
  runTogether,
  type Statement,
  saveCounters,
} from './pg-write.ts';

/** What a profile write reads of the stored profile: its id, content hash and links (paper id, position). */
interface ProfileLinks {
  id: number;
  content_hash: string;
  links: [number, number][];
}

const PROFILE_BY_KEY = `
  SELECT p.*, (SELECT count(*)::int FROM profile_papers l WHERE l.profile_id = p.id) AS papers
  FROM profiles p WHERE p.name_key = $1`;

// Links by paper id, as SQLite lists them.
const PROFILE_LINKS = `
  SELECT json_build_object('id', p.id, 'content_hash', p.content_hash, 'links',
    coalesce((SELECT json_agg(json_build_array(l.paper_id, l.position) ORDER BY l.paper_id)
      FROM profile_papers l WHERE l.profile_id = p.id), '[]')) AS profile
  FROM profiles p WHERE p.name_key = $1`;

// Read with the page's papers: the stored profile, or the id a new one gets (its identity sequence).
const PROFILE_FOR_WRITE = `SELECT json_build_object('profile', (${PROFILE_LINKS}), 'nextId',
  CASE WHEN NOT EXISTS (SELECT 1 FROM profiles WHERE name_key = $1)
    THEN nextval(pg_get_serial_sequence('profiles', 'id')) END)`;

// Keys are folded to letters, digits and spaces, but a prefix is matched literally all the same.
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The paper store on PostgreSQL, with the semantics of the SQLite store (sqlite-store.ts) method for method; the
 * store contract suite (test/store-contract) runs against both. Writers take turns on the counter rows
 * (pg-write.ts, `inCounterTransaction`), so revs are given in commit order. Each write method is one transaction, or a
 * savepoint of the caller's (`begin` … `commit`). `close` ends the session (as SQLite's closes the database).
 */
export function createPgPaperStore(session: PgSession): PaperStore {
  const read = preparedQuery(session);
  const one = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await read<R>(text, values)).rows[0];
  const counter = async (name: string) => {
    const value = Number((await one<{ value: string }>('SELECT value FROM counters WHERE name = $1', [name]))?.value);
    // A reader (a bot asks for maxRev at every search) learns how large the store has grown, for its plans.
    notePlanScale(session, value || 0);
    return value || 0;
  };
  let closed = false;

  const unchangedResult = (existing: ProfileLinks): ProfileSaveResult => ({
    profile: 'unchanged',
    papers: new Map(existing.links.map(([id]) => [id, 'unchanged' as const])),
  });

  return {
    saveProfile: (profile, source, at) =>
      inCounterTransaction(session, async (query, before) => {
        const now = at.toISOString();
        const counters = { ...before };
        const key = toProfileKey(profile.name);
        const inputs = profile.papers.map((entry) => pgPaper(toProfilePaper(entry)));
        const loaded = await loadPaperBatch(query, counters, inputs, { sql: PROFILE_FOR_WRITE, values: [key] });
        const { profile: existing, nextId } = loaded.extra as { profile: ProfileLinks | null; nextId: number | null };
        if (existing && existing.content_hash === source.contentHash) return unchangedResult(existing);
        const profileId = existing?.id ?? Number(nextId);
        const metrics = [
          profileId,
          profile.name,
          profile.category,
          profile.hIndex,
          profile.paperCount,
          profile.citationCount,
          profile.novelty,
          profile.aiScore,
          profile.listedCount,
          source.path,
          source.contentHash,
          now,
        ];
        const statements: Statement[] = [
          existing
            ? {
                text: `UPDATE profiles SET name = $2, category = $3, h_index = $4, paper_count = $5,
                         citation_count = $6, novelty = $7, ai_score = $8, listed_count = $9, source_path = $10,
                         content_hash = $11, updated_at = $12
                       WHERE id = $1`,
                values: metrics,
              }
            : {
                text: `INSERT INTO profiles (id, name, category, h_index, paper_count, citation_count, novelty,
                         ai_score, listed_count, source_path, content_hash, created_at, updated_at, name_key)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)`,
                values: [...metrics, key],
              },
        ];
        // Every profile write moves the profile revision (SQLite: a trigger on profiles).
        counters.profile_rev++;
        const { batch } = loaded;
        const { papers, link: links, unlink } = saveProfilePapers(batch, inputs, new Map(existing?.links ?? []), now);
        if (links.size > 0) {
          statements.push({
            text: `INSERT INTO profile_papers (profile_id, paper_id, position)
                   SELECT $1, * FROM unnest($2::bigint[], $3::int[])
                   ON CONFLICT (profile_id, paper_id) DO UPDATE SET position = excluded.position`,
            values: [profileId, [...links.keys()], [...links.values()]],
          });
        }
        // Links are not part of a paper's revision: `author:` reads the profile owners at query time.
        if (unlink.length > 0) {
          statements.push({
            text: 'DELETE FROM profile_papers WHERE profile_id = $1 AND paper_id = ANY($2::bigint[])',
            values: [profileId, unlink],
          });
        }
        await runTogether(query, [...statements, ...batch.statements(), ...saveCounters(before, counters)]);
        await analyzeWhenDoubled(query, before, counters);
        return { profile: existing ? 'updated' : 'new', papers };
      }),

    unchangedProfile: async (name, contentHash) => {
      const existing = (await one<{ profile: ProfileLinks }>(PROFILE_LINKS, [toProfileKey(name)]))?.profile;
      return existing && existing.content_hash === contentHash ? unchangedResult(existing) : undefined;
    },

    savePapers: (inputs, at) =>
      inCounterTransaction(session, async (query, before) => {
        const now = at.toISOString();
        const counters = { ...before };
        const { batch } = await loadPaperBatch(
          query,
          counters,
          inputs.map((p) => withArxivKey(pgPaper(p))),
        );
        const papers = savePapers(batch, inputs, now, pgPaper);
        await runTogether(query, [...batch.statements(), ...saveCounters(before, counters)]);
        await analyzeWhenDoubled(query, before, counters);
        return papers;
      }),

    saveArxivEntries: (entries, source, at) =>
      inCounterTransaction(session, async (query, before) => {
        const counters = { ...before };
        const arxiv = entries.map((entry) => {
          const { input, also } = toArxivPaper(entry, at);
          return { input: pgPaper(input), also: also.map(pgText) };
        });
        const { batch } = await loadPaperBatch(
          query,
          counters,
          arxiv.map((a) => a.input),
        );
        const result = saveArxivEntries(batch, entries, arxiv, source, at.toISOString());
        await runTogether(query, [...batch.statements(), ...saveCounters(before, counters)]);
        await analyzeWhenDoubled(query, before, counters);
        return result;
      }),

    findByArxivIds: async (ids) => {
      const keys = [...new Set(ids.map((id) => toArxivKey(id).id))];
      const { rows } = await read<{ id: string; arxiv_id: string }>(
        'SELECT id, arxiv_id FROM papers WHERE arxiv_id = ANY($1::text[])',
        [keys],
      );
      return new Map(rows.map((row) => [row.arxiv_id, Number(row.id)]));
    },
    findByDoi: async (doi) => {
      const row = await one<{ id: string }>(
        'SELECT id FROM papers WHERE lower(doi) = lower($1) AND doi IS NOT NULL ORDER BY seq LIMIT 1',
        [toDoiKey(doi)],
      );
      return row ? Number(row.id) : undefined;
    },
    begin: () => session.begin(),
    commit: () => session.commit(),
    rollback: () => session.rollback(),
    findProfile: async (name) => {
      const row = await one<PgProfileRow>(PROFILE_BY_KEY, [toProfileKey(name)]);
      return row ? toStoredProfile(row) : undefined;
    },
    listProfileNames: async () =>
      (await read<{ name: string }>('SELECT name FROM profiles ORDER BY name')).rows.map((r) => r.name),
    getPapers: async (ids) => {
      if (ids.length === 0) return [];
      const { rows } = await read<PgPaperRow>('SELECT * FROM papers WHERE id = ANY($1::bigint[])', [[...ids]]);
      const byId = new Map(rows.map((row): [number, StoredPaper] => [Number(row.id), toStoredPaper(row)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    profileNamesFor: async (ids) => {
      const out = new Map<number, string[]>();
      const { rows } = await read<{ paper_id: string; name: string }>(
        `SELECT l.paper_id, p.name FROM profile_papers l JOIN profiles p ON p.id = l.profile_id
         WHERE l.paper_id = ANY($1::bigint[]) ORDER BY p.name`,
        [[...ids]],
      );
      for (const row of rows) {
        const id = Number(row.paper_id);
        out.set(id, [...(out.get(id) ?? []), row.name]);
      }
      return out;
    },
    profilePaperIds: async (profileId) =>
      (
        await read<{ id: string }>(
          `SELECT p.id FROM profile_papers l JOIN papers p ON p.id = l.paper_id
           WHERE l.profile_id = $1 ORDER BY p.date DESC, p.id DESC`,
          [profileId],
        )
      ).rows.map((r) => Number(r.id)),
    papersChangedSince: async (rev, limit) =>
      (await read<PgPaperRow>('SELECT * FROM papers WHERE rev > $1 ORDER BY rev LIMIT $2', [rev, limit])).rows.map(
        toStoredPaper,
      ),
    indexRowsChangedSince: async (rev, limit) =>
      (
        await read<PgIndexRow>(`SELECT ${INDEX_COLUMNS} FROM papers WHERE rev > $1 ORDER BY rev LIMIT $2`, [rev, limit])
      ).rows.map(toIndexRow),
    titlesAt: async (rev) => {
      const titles = new Map<number, string>();
      const { rows } = await read<{ paper_id: string; old_title: string }>(
        'SELECT paper_id, old_title FROM paper_retitles WHERE rev > $1 ORDER BY rev',
        [rev],
      );
      for (const row of rows) {
        const id = Number(row.paper_id);
        if (!titles.has(id)) titles.set(id, row.old_title);
      }
      return titles;
    },
    paperIdsOfProfile: async (name) =>
      (
        await read<{ id: string }>(
          'SELECT l.paper_id AS id FROM profiles p JOIN profile_papers l ON l.profile_id = p.id WHERE p.name_key = $1',
          [toProfileKey(name)],
        )
      ).rows.map((row) => Number(row.id)),
    saveQuery: async (text, at) => {
      const ref = createHash('sha256').update(text).digest('base64url').slice(0, 16);
      await read('INSERT INTO saved_queries (ref, query, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        ref,
        pgText(text),
        at.toISOString(),
      ]);
      return ref;
    },
    loadQuery: async (ref) =>
      (await one<{ query: string }>('SELECT query FROM saved_queries WHERE ref = $1', [ref]))?.query,
    maxRev: () => counter('rev'),
    identity: async () =>
      (await one<{ value: string }>("SELECT value FROM database_meta WHERE name = 'identity'"))?.value ?? '',
    profileRev: () => counter('profile_rev'),
    maxSeq: () => counter('seq'),
    counts: async () =>
      (await one<{ profiles: number; papers: number }>(
        'SELECT (SELECT count(*)::int FROM profiles) AS profiles, (SELECT count(*)::int FROM papers) AS papers',
      )) ?? { profiles: 0, papers: 0 },
    profileCount: async () => (await one<{ n: number }>('SELECT count(*)::int AS n FROM profiles'))?.n ?? 0,
    readingList: createPgReadingList(session),
    authors: {
      find: async (key) => {
        const row = await one<AuthorName>(
          `SELECT name, name_key AS key,
             (SELECT count(*)::int FROM paper_authors l WHERE l.name_key = n.name_key) AS papers
           FROM author_names n WHERE name_key = $1`,
          [key],
        );
        return row && row.papers > 0 ? row : undefined;
      },
      paperIds: async (key) =>
        (await read<{ id: string }>('SELECT paper_id AS id FROM paper_authors WHERE name_key = $1', [key])).rows.map(
          (r) => Number(r.id),
        ),
      candidates: async (probe, limit) => {
        const { rows } = await read<AuthorName>(
          `SELECT name, key, (SELECT count(*)::int FROM paper_authors l WHERE l.name_key = c.key) AS papers FROM (
             (SELECT name, name_key AS key FROM author_names WHERE surname_key = $1 LIMIT $2)
             UNION
             (SELECT name, name_key AS key FROM author_names
               WHERE surname_key LIKE $3 || '%' AND name_key LIKE $4 || '%' LIMIT $2)
             UNION
             (SELECT name, name_key AS key FROM author_names
               WHERE $5::text IS NOT NULL AND name_key LIKE $5 || '%' LIMIT $2)
           ) c`,
          [
            probe.surname,
            limit,
            escapeLike(probe.surnamePrefix),
            escapeLike(probe.initial),
            probe.keyPrefix === undefined ? null : escapeLike(probe.keyPrefix),
          ],
        );
        return rows.filter((r) => r.papers > 0);
      },
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await session.close();
    },
  };
}
