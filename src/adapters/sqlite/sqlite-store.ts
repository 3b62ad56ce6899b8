import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ArxivEntry, ArxivSource } from '../../core/arxiv/arxiv-entry.ts';
import { PaperboyError } from '../../core/errors.ts';
import type { Profile } from '../../core/profile/profile-schema.ts';
import { toArxivPaper } from '../../core/store/arxiv-paper.ts';
import type { AuthorIndex } from '../../core/store/author-index.ts';
import { type AuthorName, toAuthorRows } from '../../core/store/author-index.ts';
import { CLI_BUSY_TIMEOUT_MS } from '../../core/store/busy.ts';
import { toArxivKey, toDoiKey, toPaperKey, toProfileKey } from '../../core/store/identity.ts';
import type {
  ArxivSaveResult,
  IndexRow,
  PaperInput,
  PaperStore,
  ProfileSaveResult,
  ProfileSource,
  SaveOutcome,
  StoredPaper,
} from '../../core/store/paper-store.ts';
import {
  type PaperTable,
  saveArxivEntries,
  savePapers,
  saveProfilePapers,
  toProfilePaper,
} from '../../core/store/paper-writes.ts';
import { type ProfileRow, toStoredProfile } from '../../core/store/profile-row.ts';
import { createBulkTextIndexing } from './sqlite-bulk-text.ts';
import { fromSqliteError, isSqliteBusy } from './sqlite-errors.ts';
import { checkSqliteFile } from './sqlite-file-check.ts';
import { MIGRATIONS } from './sqlite-migrations.ts';
import { promised } from './sqlite-promised.ts';
import { createSqliteReadingList } from './sqlite-reading-list.ts';

interface PaperRow {
  id: number;
  title: string;
  authors: string;
  authors_truncated: number;
  affiliations: string;
  abstract: string | null;
  date: string;
  category: string | null;
  category_full: string | null;
  has_code: number;
  code_url: string | null;
  arxiv_id: string | null;
  venue: string | null;
  citations: number | null;
  seq: number;
  rev: number;
  first_seen_at: string;
  also_categories: string;
  arxiv_version: number | null;
  doi: string | null;
  journal_ref: string | null;
  announce: number;
}

type IndexRowColumns = Pick<
  PaperRow,
  'id' | 'rev' | 'title' | 'date' | 'category' | 'category_full' | 'also_categories' | 'has_code'
>;

const toPaper = (row: PaperRow): StoredPaper => ({
  id: row.id,
  title: row.title,
  authors: JSON.parse(row.authors) as string[],
  authorsTruncated: row.authors_truncated === 1,
  affiliations: JSON.parse(row.affiliations) as string[],
  abstract: row.abstract,
  date: row.date,
  category: row.category,
  categoryFull: row.category_full,
  hasCode: row.has_code === 1,
  codeUrl: row.code_url,
  arxivId: row.arxiv_id,
  venue: row.venue,
  citations: row.citations,
  seq: row.seq,
  rev: row.rev,
  firstSeenAt: row.first_seen_at,
  alsoCategories: JSON.parse(row.also_categories) as string[],
  arxivVersion: row.arxiv_version,
  doi: row.doi,
  journalRef: row.journal_ref,
  announce: row.announce === 1,
});

const paperParams = (paper: PaperInput) => ({
  title: paper.title,
  authors: JSON.stringify(paper.authors),
  authors_truncated: paper.authorsTruncated ? 1 : 0,
  affiliations: JSON.stringify(paper.affiliations),
  abstract: paper.abstract,
  date: paper.date,
  category: paper.category,
  category_full: paper.categoryFull,
  has_code: paper.hasCode ? 1 : 0,
  code_url: paper.codeUrl,
  arxiv_id: paper.arxivId,
  venue: paper.venue,
  citations: paper.citations,
  arxiv_version: paper.arxivVersion ?? null,
  doi: paper.doi ?? null,
  journal_ref: paper.journalRef ?? null,
});

export interface SqliteStoreOptions {
  /** Open without writing (no migrations): for readers beside a writer. Defaults to false. */
  readonly?: boolean;
  /**
   * How long one call waits for another process's write lock before failing with `database_busy` (default
   * {@link CLI_BUSY_TIMEOUT_MS}). The wait blocks the thread: the bot keeps it short and retries on a timer
   * (`whenNotBusy`).
   */
  busyTimeoutMs?: number;
}

// Opening may have to wait for another process's migration or long write; nothing is served yet then.
const OPEN_BUSY_TIMEOUT_MS = 30_000;

/**
 * What `paperboy doctor` reads before opening a store, which prepares statements only the current schema
 * answers: `quick_check`, the schema version and whether Paperboy's tables are there. Read-only; never creates.
 */
export function inspectSqliteFile(file: string): {
  quickCheck: string;
  version: number;
  tables: number;
  paperboy: boolean;
} {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    const quickCheck = String(db.pragma('quick_check', { simple: true }));
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return { quickCheck, version, tables: tables.length, paperboy: tables.includes('papers') };
  } finally {
    db.close();
  }
}

/** Opens (creating and upgrading as needed) the SQLite database at `file`; `:memory:` works for tests. */
export function createSqliteStore(
  file: string,
  options: SqliteStoreOptions = {},
): PaperStore & { db: Database.Database } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  checkSqliteFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      // WAL lets a running bot read while `paperboy ingest` writes from another process. On a database that is
      // WAL already and up to date, opening takes no write lock, so it never waits for someone else's import.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
  } catch (error) {
    db.close();
    throw fromSqliteError(error);
  }
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? CLI_BUSY_TIMEOUT_MS))}`);

  // Statements used by queries are compiled once: search asks for max(rev), papers and text matches every time.
  const statements = new Map<string, Database.Statement>();
  const prepared = <P extends unknown[] | object = unknown[], R = unknown>(
    source: string,
  ): Database.Statement<P, R> => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };
  const next = db.prepare<[string], { value: number }>(
    'UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value',
  );
  const bump = (name: 'seq' | 'rev') => (next.get(name) as { value: number }).value;
  const paperByArxivId = db.prepare<[string], PaperRow>('SELECT * FROM papers WHERE arxiv_id = ?');
  // A paper without an arXiv id first, then the oldest: where a title match merges (docs/storage.md).
  const papersByKey = db.prepare<[string], PaperRow>(
    'SELECT * FROM papers WHERE title_key = ? ORDER BY arxiv_id IS NOT NULL, seq',
  );
  const insertPaper = db.prepare(
    `INSERT INTO papers (title_key, title, authors, authors_truncated, affiliations, abstract, date, category,
       category_full, has_code, code_url, arxiv_id, venue, citations, seq, rev, first_seen_at, also_categories,
       arxiv_version, doi, journal_ref, announce)
     VALUES (@title_key, @title, @authors, @authors_truncated, @affiliations, @abstract, @date, @category,
       @category_full, @has_code, @code_url, @arxiv_id, @venue, @citations, @seq, @rev, @first_seen_at,
       @also_categories, @arxiv_version, @doi, @journal_ref, @announce)`,
  );
  const updatePaper = db.prepare(
    `UPDATE papers SET title_key = @title_key, title = @title, authors = @authors,
       authors_truncated = @authors_truncated, affiliations = @affiliations, abstract = @abstract, date = @date,
       category = @category, category_full = @category_full, has_code = @has_code, code_url = @code_url,
       arxiv_id = @arxiv_id, venue = @venue, citations = @citations, also_categories = @also_categories,
       arxiv_version = @arxiv_version, doi = @doi, journal_ref = @journal_ref, rev = @rev
     WHERE id = @id`,
  );
  const profileByKey = db.prepare<[string], ProfileRow>(
    `SELECT p.*, (SELECT count(*) FROM profile_papers l WHERE l.profile_id = p.id) AS papers
     FROM profiles p WHERE name_key = ?`,
  );
  const insertProfile = db.prepare(
    `INSERT INTO profiles (name_key, name, category, h_index, paper_count, citation_count, novelty, ai_score,
       listed_count, source_path, content_hash, created_at, updated_at)
     VALUES (@name_key, @name, @category, @h_index, @paper_count, @citation_count, @novelty, @ai_score,
       @listed_count, @source_path, @content_hash, @now, @now)`,
  );
  const updateProfile = db.prepare(
    `UPDATE profiles SET name = @name, category = @category, h_index = @h_index, paper_count = @paper_count,
       citation_count = @citation_count, novelty = @novelty, ai_score = @ai_score, listed_count = @listed_count,
       source_path = @source_path, content_hash = @content_hash, updated_at = @now
     WHERE id = @id`,
  );
  const linksOf = db.prepare<[number], { paper_id: number; position: number }>(
    'SELECT paper_id, position FROM profile_papers WHERE profile_id = ?',
  );
  const link = db.prepare<[number, number, number]>(
    'INSERT INTO profile_papers (profile_id, paper_id, position) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET position = excluded.position',
  );
  const unlink = db.prepare<[number, number]>('DELETE FROM profile_papers WHERE profile_id = ? AND paper_id = ?');

  /**
   * The stored paper an incoming one is (docs/storage.md, "Paper identity"): one with an arXiv id is found by
   * it, else by title among papers without an id; one without an id by title (preferring a paper without one).
   */
  function findStored(paper: PaperInput): PaperRow | undefined {
    if (paper.arxivId) {
      const byId = paperByArxivId.get(paper.arxivId);
      if (byId) return byId;
    }
    const key = toPaperKey(paper.title);
    const byTitle = papersByKey.get(key);
    if (byTitle || paper.arxivId) return byTitle && (byTitle.arxiv_id === null || !paper.arxivId) ? byTitle : undefined;
    // A source without arXiv ids (a profile page) may still name a paper by the title arXiv has since changed.
    const formerId = formerTitleKeys().get(key);
    return formerId === undefined
      ? undefined
      : prepared<[number], PaperRow>('SELECT * FROM papers WHERE id = ?').get(formerId);
  }

  // Titles papers had before arXiv retitled them, by key: rebuilt only when a retitle was added (or rolled back).
  // Statements prepared on first use, as a read-only store may open a database older than the table.
  let retitles: { rev: number | null; byKey: Map<string, number> } = { rev: null, byKey: new Map() };
  function formerTitleKeys(): Map<string, number> {
    const rev = prepared<[], { rev: number | null }>('SELECT max(rev) AS rev FROM paper_retitles').get()?.rev ?? null;
    if (rev !== retitles.rev) {
      const byKey = new Map<string, number>();
      const rows = prepared<[], { paper_id: number; old_title: string }>(
        'SELECT paper_id, old_title FROM paper_retitles ORDER BY rev',
      ).iterate();
      for (const row of rows) byKey.set(toPaperKey(row.old_title), row.paper_id);
      retitles = { rev, byKey };
    }
    return retitles.byKey;
  }

  // The author index follows every paper write (docs/authors.md); statements prepared on first use, as a read-only
  // store may open a database older than the tables.
  function indexAuthors(id: number, paper: PaperInput, replace: boolean): void {
    if (replace) prepared<[number]>('DELETE FROM paper_authors WHERE paper_id = ?').run(id);
    const addName = prepared<[string, string, string]>(
      'INSERT OR IGNORE INTO author_names (name_key, name, surname_key) VALUES (?, ?, ?)',
    );
    const addListing = prepared<[string, number]>(
      'INSERT OR IGNORE INTO paper_authors (name_key, paper_id) VALUES (?, ?)',
    );
    for (const row of toAuthorRows(paper)) {
      addName.run(row.key, row.name, row.surname);
      addListing.run(row.key, id);
    }
  }

  function insert(paper: PaperInput, now: string, announce: boolean, also: string[] = []): number {
    const info = insertPaper.run({
      ...paperParams(paper),
      title_key: toPaperKey(paper.title),
      seq: bump('seq'),
      rev: bump('rev'),
      first_seen_at: now,
      also_categories: JSON.stringify(also),
      announce: announce ? 1 : 0,
    });
    const id = Number(info.lastInsertRowid);
    indexAuthors(id, paper, false);
    return id;
  }

  function update(id: number, paper: PaperInput, alsoCategories: string[]): void {
    updatePaper.run({
      ...paperParams(paper),
      title_key: toPaperKey(paper.title),
      also_categories: JSON.stringify(alsoCategories),
      id,
      rev: bump('rev'),
    });
    indexAuthors(id, paper, true);
  }

  const announcePaper = db.prepare<[number, number, number]>(
    'UPDATE papers SET announce = 1, seq = ?, rev = ? WHERE id = ?',
  );
  // The write rules are core's (paper-writes.ts); this is the table they write to, a statement a call.
  const table: PaperTable = {
    find: (paper) => {
      const row = findStored(paper);
      return row && toPaper(row);
    },
    insert,
    update,
    announce: (id) => {
      const seq = bump('seq');
      announcePaper.run(seq, bump('rev'), id);
    },
  };

  const saveArxivTx = db.transaction(
    (entries: readonly ArxivEntry[], source: ArxivSource, now: Date): ArxivSaveResult =>
      saveArxivEntries(
        table,
        entries,
        entries.map((entry) => toArxivPaper(entry, now)),
        source,
        now.toISOString(),
      ),
  );

  const unchangedResult = (existing: ProfileRow): ProfileSaveResult => {
    const papers = new Map<number, SaveOutcome>();
    for (const { paper_id } of linksOf.all(existing.id)) papers.set(paper_id, 'unchanged');
    return { profile: 'unchanged', papers };
  };

  const saveProfileTx = db.transaction((profile: Profile, source: ProfileSource, now: string): ProfileSaveResult => {
    const key = toProfileKey(profile.name);
    const existing = profileByKey.get(key);
    if (existing && existing.content_hash === source.contentHash) return unchangedResult(existing);
    const params = {
      name: profile.name,
      category: profile.category,
      h_index: profile.hIndex,
      paper_count: profile.paperCount,
      citation_count: profile.citationCount,
      novelty: profile.novelty,
      ai_score: profile.aiScore,
      listed_count: profile.listedCount,
      source_path: source.path,
      content_hash: source.contentHash,
      now,
    };
    let profileId: number;
    if (existing) {
      updateProfile.run({ ...params, id: existing.id });
      profileId = existing.id;
    } else profileId = Number(insertProfile.run({ ...params, name_key: key }).lastInsertRowid);
    const linked = new Map(existing ? linksOf.all(profileId).map((l) => [l.paper_id, l.position]) : []);
    const saved = saveProfilePapers(table, profile.papers.map(toProfilePaper), linked, now);
    for (const [id, position] of saved.link) link.run(profileId, id, position);
    for (const gone of saved.unlink) unlink.run(profileId, gone);
    return { profile: existing ? 'updated' : 'new', papers: saved.papers };
  });

  const toIndexRow = (row: IndexRowColumns): IndexRow => ({
    id: row.id,
    rev: row.rev,
    title: row.title,
    date: row.date,
    category: row.category,
    categoryFull: row.category_full,
    // Most papers have one source: no JSON to parse.
    alsoCategories: row.also_categories === '[]' ? [] : (JSON.parse(row.also_categories) as string[]),
    hasCode: row.has_code === 1,
  });

  // A large import indexes its new papers' text in bulk at commit (sqlite-bulk-text.ts).
  const bulkText = createBulkTextIndexing(db);
  const store = promised<PaperStore>({
    saveProfile: (profile, source, now) => saveProfileTx.immediate(profile, source, now.toISOString()),
    unchangedProfile: (name, contentHash) => {
      const existing = profileByKey.get(toProfileKey(name));
      return existing && existing.content_hash === contentHash ? unchangedResult(existing) : undefined;
    },
    savePapers: (inputs, now) => {
      const outcomes = savePapers(table, inputs, now.toISOString());
      bulkText.noteSaved(inputs.length);
      return outcomes;
    },
    saveArxivEntries: (entries, source, now) =>
      db.inTransaction ? saveArxivTx(entries, source, now) : saveArxivTx.immediate(entries, source, now),
    findByArxivIds: (ids) => {
      const keys = [...new Set(ids.map((id) => toArxivKey(id).id))];
      const rows = prepared<[string], { id: number; arxiv_id: string }>(
        'SELECT id, arxiv_id FROM papers WHERE arxiv_id IN (SELECT value FROM json_each(?))',
      ).all(JSON.stringify(keys));
      return new Map(rows.map((row) => [row.arxiv_id, row.id]));
    },
    findByDoi: (doi) =>
      prepared<[string], { id: number }>(
        'SELECT id FROM papers WHERE doi = ? COLLATE NOCASE AND doi IS NOT NULL ORDER BY seq LIMIT 1',
      ).get(toDoiKey(doi))?.id,
    begin: () => {
      db.exec('BEGIN IMMEDIATE');
      bulkText.reset();
    },
    commit: () => {
      bulkText.beforeCommit();
      db.exec('COMMIT');
    },
    rollback: () => {
      bulkText.reset();
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    findProfile: (name) => {
      const row = profileByKey.get(toProfileKey(name));
      return row ? toStoredProfile(row) : undefined;
    },
    listProfileNames: () =>
      prepared<[], { name: string }>('SELECT name FROM profiles ORDER BY name')
        .all()
        .map((r) => r.name),
    getPapers: (ids) => {
      if (ids.length === 0) return [];
      const rows = prepared<[string], PaperRow>(
        'SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))',
      ).all(JSON.stringify(ids));
      const byId = new Map(rows.map((row) => [row.id, toPaper(row)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    profileNamesFor: (ids) => {
      const out = new Map<number, string[]>();
      const rows = prepared<[string], { paper_id: number; name: string }>(
        `SELECT l.paper_id, p.name FROM profile_papers l JOIN profiles p ON p.id = l.profile_id
           WHERE l.paper_id IN (SELECT value FROM json_each(?)) ORDER BY p.name`,
      ).all(JSON.stringify(ids));
      for (const row of rows) out.set(row.paper_id, [...(out.get(row.paper_id) ?? []), row.name]);
      return out;
    },
    profilePaperIds: (profileId) =>
      prepared<[number], { id: number }>(
        `SELECT p.id FROM profile_papers l JOIN papers p ON p.id = l.paper_id
           WHERE l.profile_id = ? ORDER BY p.date DESC, p.id DESC`,
      )
        .all(profileId)
        .map((r) => r.id),
    papersChangedSince: (rev, limit) =>
      prepared<[number, number], PaperRow>('SELECT * FROM papers WHERE rev > ? ORDER BY rev LIMIT ?')
        .all(rev, limit)
        .map(toPaper),
    titlesAt: (rev) => {
      const titles = new Map<number, string>();
      const rows = prepared<[number], { paper_id: number; old_title: string }>(
        'SELECT paper_id, old_title FROM paper_retitles WHERE rev > ? ORDER BY rev',
      ).all(rev);
      for (const row of rows) if (!titles.has(row.paper_id)) titles.set(row.paper_id, row.old_title);
      return titles;
    },
    // A build of the index at 1M papers reads every row: not the abstracts, authors or their JSON.
    indexRowsChangedSince: (rev, limit) =>
      prepared<[number, number], IndexRowColumns>(
        `SELECT id, rev, title, date, category, category_full, also_categories, has_code FROM papers
           WHERE rev > ? ORDER BY rev LIMIT ?`,
      )
        .all(rev, limit)
        .map(toIndexRow),
    paperIdsOfProfile: (name) =>
      prepared<[string], { id: number }>(
        `SELECT l.paper_id AS id FROM profiles p JOIN profile_papers l ON l.profile_id = p.id WHERE p.name_key = ?`,
      )
        .all(toProfileKey(name))
        .map((row) => row.id),
    saveQuery: (query, now) => {
      const ref = createHash('sha256').update(query).digest('base64url').slice(0, 16);
      // A search must not fail because another process holds the write lock: a query saved before needs no
      // write, and a new one that cannot be saved now only costs its buttons ("please search again").
      if (prepared<[string], { ref: string }>('SELECT ref FROM saved_queries WHERE ref = ?').get(ref)) return ref;
      try {
        prepared('INSERT OR IGNORE INTO saved_queries (ref, query, created_at) VALUES (?, ?, ?)').run(
          ref,
          query,
          now.toISOString(),
        );
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
      }
      return ref;
    },
    loadQuery: (ref) =>
      prepared<[string], { query: string }>('SELECT query FROM saved_queries WHERE ref = ?').get(ref)?.query,
    maxRev: () => prepared<[], { v: number }>("SELECT value AS v FROM counters WHERE name = 'rev'").get()?.v ?? 0,
    identity: () =>
      prepared<[], { v: string }>("SELECT value AS v FROM database_meta WHERE name = 'identity'").get()?.v ?? '',
    profileRev: () =>
      prepared<[], { v: number }>("SELECT value AS v FROM counters WHERE name = 'profile_rev'").get()?.v ?? 0,
    maxSeq: () => prepared<[], { v: number }>("SELECT value AS v FROM counters WHERE name = 'seq'").get()?.v ?? 0,
    counts: () =>
      prepared<[], { profiles: number; papers: number }>(
        'SELECT (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM papers) AS papers',
      ).get() as { profiles: number; papers: number },
    profileCount: () => prepared<[], { n: number }>('SELECT count(*) AS n FROM profiles').get()?.n ?? 0,
    readingList: createSqliteReadingList(db),
    authors: promised<AuthorIndex>({
      find: (key) => {
        const row = prepared<[string], AuthorName>(
          `SELECT name, name_key AS key, (SELECT count(*) FROM paper_authors l WHERE l.name_key = n.name_key) AS papers
             FROM author_names n WHERE name_key = ?`,
        ).get(key);
        return row && row.papers > 0 ? row : undefined;
      },
      paperIds: (key) =>
        prepared<[string], { id: number }>('SELECT paper_id AS id FROM paper_authors WHERE name_key = ?')
          .all(key)
          .map((r) => r.id),
      candidates: (probe, limit) => {
        const end = (prefix: string) => `${prefix}\u{10FFFF}`;
        const prefix = probe.keyPrefix ?? null;
        const rows = prepared<unknown[], AuthorName>(
          `SELECT name, key, (SELECT count(*) FROM paper_authors l WHERE l.name_key = c.key) AS papers FROM (
             SELECT * FROM (SELECT name, name_key AS key FROM author_names WHERE surname_key = ? LIMIT ?)
             UNION
             SELECT * FROM (SELECT name, name_key AS key FROM author_names
               WHERE surname_key >= ? AND surname_key < ? AND name_key >= ? AND name_key < ? LIMIT ?)
             UNION
             SELECT * FROM (SELECT name, name_key AS key FROM author_names
               WHERE ? IS NOT NULL AND name_key >= ? AND name_key < ? LIMIT ?)
           ) c`,
        ).all(
          probe.surname,
          limit,
          probe.surnamePrefix,
          end(probe.surnamePrefix),
          probe.initial,
          end(probe.initial),
          limit,
          prefix,
          prefix ?? '',
          end(prefix ?? ''),
          limit,
        );
        return rows.filter((r) => r.papers > 0);
      },
    }),
    close: () => db.close(),
  });
  return { ...store, db };
}

/**
 * The SQL functions some migrations call: the author index migration fills its tables with the same keys the
 * store writes. Whatever applies `MIGRATIONS` registers them first.
 */
export function registerMigrationFunctions(db: Database.Database): void {
  db.function('paperboy_author_key', { deterministic: true }, (name: unknown) => {
    const [row] = toAuthorRows({ authors: [String(name)] });
    return row?.key ?? '';
  });
  db.function('paperboy_surname_key', { deterministic: true }, (name: unknown) => {
    const [row] = toAuthorRows({ authors: [String(name)] });
    return row?.surname ?? '';
  });
}

/**
 * Brings the database up to the `target` schema version (default: the newest). The version is read again
 * inside the write transaction that applies the migrations (BEGIN IMMEDIATE, read, apply), so a process
 * that waited for the lock while another one migrated finds the work done and never runs a migration twice.
 * An up-to-date database is recognised without taking the write lock.
 */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  const versionOf = () => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new PaperboyError(
        'database_too_new',
        `database schema version ${version} is newer than this Paperboy (${MIGRATIONS.length}). Update Paperboy.`,
      );
    }
    return version;
  };
  if (versionOf() >= target) return;
  registerMigrationFunctions(db);
  // SQLite's recipe for rebuilding a table (migration 9) turns foreign keys off, a pragma that only works outside
  // a transaction. The rebuild keeps every paper id, so no reference breaks (the upgrade test checks them).
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (let v = versionOf(); v < target; v++) {
        db.exec(MIGRATIONS[v] as string);
        db.pragma(`user_version = ${v + 1}`);
      }
    }).immediate();
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}
