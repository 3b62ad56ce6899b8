/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a
 * migration that has shipped: add a new one, so that an older database upgrades step by step.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: profiles, papers and the links between them.
  `
  CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT,
    h_index INTEGER,
    paper_count INTEGER,
    citation_count INTEGER,
    novelty REAL,
    ai_score REAL,
    listed_count INTEGER,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,
    authors_truncated INTEGER NOT NULL,
    affiliations TEXT NOT NULL,
    abstract TEXT,
    date TEXT NOT NULL,
    category TEXT,
    category_full TEXT,
    has_code INTEGER NOT NULL,
    code_url TEXT,
    arxiv_id TEXT,
    venue TEXT,
    citations INTEGER,
    seq INTEGER NOT NULL UNIQUE,
    first_seen_at TEXT NOT NULL
  );
  CREATE TABLE profile_papers (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile_id, paper_id)
  ) WITHOUT ROWID;
  CREATE INDEX profile_papers_by_paper ON profile_papers(paper_id);
  `,
  // 2: a change revision on papers, so a search index in another process can catch up incrementally.
  `
  ALTER TABLE papers ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  UPDATE papers SET rev = seq;
  CREATE INDEX papers_by_rev ON papers(rev);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO counters (name, value) VALUES
    ('seq', (SELECT coalesce(max(seq), 0) FROM papers)),
    ('rev', (SELECT coalesce(max(seq), 0) FROM papers));
  `,
  // 3: full-text index of every paper's words, for search candidates and filters beside the in-memory index.
  `
  CREATE VIRTUAL TABLE paper_text USING fts5(
    title, authors, affiliations, abstract,
    content = 'papers', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO paper_text (paper_text) VALUES ('rebuild');
  CREATE TRIGGER papers_text_insert AFTER INSERT ON papers BEGIN
    INSERT INTO paper_text (rowid, title, authors, affiliations, abstract)
    VALUES (new.id, new.title, new.authors, new.affiliations, new.abstract);
  END;
  CREATE TRIGGER papers_text_update AFTER UPDATE OF title, authors, affiliations, abstract ON papers BEGIN
    INSERT INTO paper_text (paper_text, rowid, title, authors, affiliations, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.affiliations, old.abstract);
    INSERT INTO paper_text (rowid, title, authors, affiliations, abstract)
    VALUES (new.id, new.title, new.authors, new.affiliations, new.abstract);
  END;
  CREATE TRIGGER papers_text_delete AFTER DELETE ON papers BEGIN
    INSERT INTO paper_text (paper_text, rowid, title, authors, affiliations, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.affiliations, old.abstract);
  END;
  CREATE VIRTUAL TABLE paper_terms USING fts5vocab(paper_text, 'row');
  CREATE INDEX profiles_by_name ON profiles(name);
  `,
  // 4: digest subscriptions and the ledger that makes each digest go out exactly once.
  `
  CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'channel',
    query TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL,
    tz TEXT NOT NULL,
    watermark INTEGER NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    post_empty INTEGER NOT NULL DEFAULT 0,
    created_by TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE digest_runs (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL,
    to_seq INTEGER NOT NULL,
    paper_ids TEXT NOT NULL,
    message_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (subscription_id, due_at)
  );
  `,
  // 5: categories a paper also has from its other sources (an arXiv preprint that is also a CVPR paper).
  `
  ALTER TABLE papers ADD COLUMN also_categories TEXT NOT NULL DEFAULT '[]';
  `,
  // 6: queries too long to travel in a button id (Discord allows 100 characters), by a short reference.
  `
  CREATE TABLE saved_queries (ref TEXT PRIMARY KEY, query TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 7: the database's identity, made once, so a search snapshot written for another database (one deleted and
  // rebuilt at the same path) is never loaded; and a profile revision that every profile write bumps, so the
  // author-name index notices a renamed profile even when the count of profiles stays the same.
  `
  CREATE TABLE database_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  INSERT INTO database_meta (name, value) VALUES ('identity', lower(hex(randomblob(16))));
  INSERT INTO counters (name, value) VALUES ('profile_rev', 0);
  CREATE TRIGGER profiles_rev_insert AFTER INSERT ON profiles BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'profile_rev';
  END;
  CREATE TRIGGER profiles_rev_update AFTER UPDATE ON profiles BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'profile_rev';
  END;
  CREATE TRIGGER profiles_rev_delete AFTER DELETE ON profiles BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'profile_rev';
  END;
  `,
  // 8: leases on digest runs: several runners on one database claim a run by compare-and-set (docs/digests.md).
  `
  ALTER TABLE digest_runs ADD COLUMN lease_owner TEXT;
  ALTER TABLE digest_runs ADD COLUMN lease_until INTEGER;
  CREATE INDEX digest_runs_unfinished ON digest_runs(subscription_id, due_at) WHERE status IN ('due', 'sending');
  `,
  // 9 (arXiv store): papers keyed by arXiv id without version; the title key stops being unique (a
  // title can change, and two arXiv ids may share one), which SQLite can only do by rebuilding the table with
  // the same ids, seq and rev (the text index stays valid; its triggers are made again). A version suffix
  // leaves arxiv_id for arxiv_version. Two rows that would share an id: the first stored keeps it, the later
  // ones keep their rows without an id (docs/storage.md). `announce` = 0 keeps a paper out of digests and
  // watches; paper_retitles remembers each title a paper had, so a search index drops the old title's words.
  // A digest shows at most 50 papers: its ledger row keeps those, how many more there were and the search
  // that lists them.
  // Runs with foreign keys off (see migrate()), as SQLite's own recipe for a table rebuild asks.
  `
  CREATE TABLE papers_rebuilt (
    id INTEGER PRIMARY KEY,
    title_key TEXT NOT NULL,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,
    authors_truncated INTEGER NOT NULL,
    affiliations TEXT NOT NULL,
    abstract TEXT,
    date TEXT NOT NULL,
    category TEXT,
    category_full TEXT,
    has_code INTEGER NOT NULL,
    code_url TEXT,
    arxiv_id TEXT,
    venue TEXT,
    citations INTEGER,
    seq INTEGER NOT NULL UNIQUE,
    first_seen_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0,
    also_categories TEXT NOT NULL DEFAULT '[]',
    arxiv_version INTEGER,
    doi TEXT,
    journal_ref TEXT,
    announce INTEGER NOT NULL DEFAULT 1
  );
  INSERT INTO papers_rebuilt (id, title_key, title, authors, authors_truncated, affiliations, abstract, date,
    category, category_full, has_code, code_url, arxiv_id, venue, citations, seq, first_seen_at, rev,
    also_categories, arxiv_version)
  WITH trimmed AS (
    SELECT *, nullif(trim(arxiv_id), '') AS raw_id, rtrim(trim(arxiv_id), '0123456789') AS head FROM papers
  ), split AS (
    SELECT *,
      CASE WHEN raw_id IS NOT NULL AND head <> raw_id AND lower(substr(head, -1)) = 'v' AND length(head) > 1
        THEN substr(head, 1, length(head) - 1) ELSE raw_id END AS bare_id,
      CASE WHEN raw_id IS NOT NULL AND head <> raw_id AND lower(substr(head, -1)) = 'v' AND length(head) > 1
        THEN CAST(substr(raw_id, length(head) + 1) AS INTEGER) END AS version
    FROM trimmed
  ), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY bare_id ORDER BY seq) AS nth FROM split
  )
  SELECT id, title_key, title, authors, authors_truncated, affiliations, abstract, date, category, category_full,
    has_code, code_url, CASE WHEN nth = 1 THEN bare_id END, venue, citations, seq, first_seen_at, rev,
    also_categories, CASE WHEN nth = 1 THEN version END
  FROM ranked;
  DROP TABLE papers;
  ALTER TABLE papers_rebuilt RENAME TO papers;
  CREATE INDEX papers_by_rev ON papers(rev);
  CREATE INDEX papers_by_title_key ON papers(title_key);
  CREATE UNIQUE INDEX papers_by_arxiv_id ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
  CREATE INDEX papers_by_doi ON papers(doi COLLATE NOCASE) WHERE doi IS NOT NULL;
  CREATE TRIGGER papers_text_insert AFTER INSERT ON papers BEGIN
    INSERT INTO paper_text (rowid, title, authors, affiliations, abstract)
    VALUES (new.id, new.title, new.authors, new.affiliations, new.abstract);
  END;
  CREATE TRIGGER papers_text_update AFTER UPDATE OF title, authors, affiliations, abstract ON papers BEGIN
    INSERT INTO paper_text (paper_text, rowid, title, authors, affiliations, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.affiliations, old.abstract);
    INSERT INTO paper_text (rowid, title, authors, affiliations, abstract)
    VALUES (new.id, new.title, new.authors, new.affiliations, new.abstract);
  END;
  CREATE TRIGGER papers_text_delete AFTER DELETE ON papers BEGIN
    INSERT INTO paper_text (paper_text, rowid, title, authors, affiliations, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.affiliations, old.abstract);
  END;
  CREATE TABLE paper_retitles (
    rev INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL,
    old_title TEXT NOT NULL
  );
  CREATE TRIGGER papers_retitle AFTER UPDATE OF title ON papers WHEN old.title IS NOT new.title BEGIN
    INSERT OR REPLACE INTO paper_retitles (rev, paper_id, old_title) VALUES (new.rev, new.id, old.title);
  END;
  ALTER TABLE digest_runs ADD COLUMN more_papers INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE digest_runs ADD COLUMN more_search TEXT;
  `,
  // 10 (arXiv wire): what `arxiv sync` and `start` remember per listing feed (the feed's last `updated`,
  // to tell "not rebuilt yet"; the New York day whose listing is in; a lease so one runner fetches at a time),
  // and where an `arxiv backfill` stopped (its resumption token), so it continues after Ctrl-C.
  `
  CREATE TABLE arxiv_feeds (
    feed TEXT PRIMARY KEY,
    updated TEXT,
    synced_at TEXT,
    done_day TEXT,
    tried_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER
  );
  CREATE TABLE arxiv_backfills (
    key TEXT PRIMARY KEY,
    category_index INTEGER NOT NULL DEFAULT 0,
    token TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    entries INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
  );
  `,
  // 11 (rhythm): when a subscription is due: daily, weekdays or weekly on one day (0 = Sunday), or for a
  // watch every 15 minutes. Rows made before rhythms keep what they did: channel digests daily, watches every 15 minutes.
  `
  ALTER TABLE subscriptions ADD COLUMN rhythm TEXT NOT NULL DEFAULT 'daily';
  ALTER TABLE subscriptions ADD COLUMN weekday INTEGER;
  UPDATE subscriptions SET rhythm = 'quarter-hourly' WHERE kind = 'watch';
  `,
  // 12 (reading list): each person's saved papers, per workspace or server. No foreign key to papers: a
  // paper that leaves the index stays on the lists (shown as gone), so nothing saved is lost.
  `
  CREATE TABLE reading_list (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    space TEXT NOT NULL,
    user_id TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    UNIQUE (platform, space, user_id, paper_id)
  );
  CREATE INDEX reading_list_by_time ON reading_list(platform, space, user_id, saved_at);
  `,
  // 13 (platforms): platform events some instance already took (Slack's event ids), shared by every
  // process on the database so a redelivery that reaches another instance is not answered twice. `seen_at` in
  // milliseconds; keys older than a day are forgotten now and then.
  `
  CREATE TABLE seen_events (
    key TEXT PRIMARY KEY,
    seen_at INTEGER NOT NULL
  );
  CREATE INDEX seen_events_by_time ON seen_events(seen_at);
  `,
  // Figures fetched from OpenAlex and Semantic Scholar, apart from the papers: writing them changes no paper's rev
  // and touches no indexed text. One row per paper and source (found = 0: the service does not know the paper);
  // author figures cached by folded name; the daily count of OpenAlex author look-ups; the enrichment lease.
  `
  CREATE TABLE paper_figures (
    paper_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    found INTEGER NOT NULL,
    citations INTEGER,
    by_year TEXT NOT NULL DEFAULT '[]',
    doi TEXT,
    venue TEXT,
    tldr TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, source)
  ) WITHOUT ROWID;
  CREATE TABLE author_figures (
    name_key TEXT NOT NULL,
    source TEXT NOT NULL,
    found INTEGER NOT NULL,
    h_index INTEGER,
    citations INTEGER,
    external_id TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (name_key, source)
  ) WITHOUT ROWID;
  CREATE TABLE author_lookups (day TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE enrich_leases (name TEXT PRIMARY KEY, owner TEXT, until INTEGER) WITHOUT ROWID;
  `,
  // For you (taste): signals per person and per channel, keyed as reading lists key people; the single-paper
  // messages Paperboy posted (reactions on them are signals); each paper's text features (hashed words and
  // two-word phrases) and the document frequencies over them, kept up to a rev (docs/foryou.md).
  `
  CREATE TABLE taste_signals (
    id INTEGER PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    platform TEXT NOT NULL,
    space TEXT NOT NULL,
    owner TEXT NOT NULL,
    actor TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (owner_kind, platform, space, owner, actor, paper_id, source)
  );
  CREATE INDEX taste_signals_by_actor ON taste_signals(platform, space, actor);
  CREATE TABLE posted_papers (
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    space TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (platform, channel, message_id)
  ) WITHOUT ROWID;
  CREATE TABLE paper_features (
    paper_id INTEGER PRIMARY KEY,
    features BLOB NOT NULL
  );
  CREATE TABLE feature_frequencies (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    docs INTEGER NOT NULL,
    df BLOB NOT NULL,
    rev INTEGER NOT NULL
  );
  `,
  // Author index: every name listed on a paper, by its folded key (case, accents, punctuation), written with the
  // paper. Filled here from the stored papers; the key functions are registered by \`migrate\` (sqlite-store.ts).
  `
  CREATE TABLE author_names (
    name_key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    surname_key TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX author_names_by_surname ON author_names(surname_key);
  CREATE TABLE paper_authors (
    name_key TEXT NOT NULL,
    paper_id INTEGER NOT NULL,
    PRIMARY KEY (name_key, paper_id)
  ) WITHOUT ROWID;
  CREATE INDEX paper_authors_by_paper ON paper_authors(paper_id);
  INSERT OR IGNORE INTO author_names (name_key, name, surname_key)
    SELECT paperboy_author_key(a.value), a.value, paperboy_surname_key(a.value)
    FROM papers p, json_each(p.authors) a
    WHERE paperboy_author_key(a.value) <> '' ORDER BY p.seq, a.key;
  INSERT OR IGNORE INTO paper_authors (name_key, paper_id)
    SELECT paperboy_author_key(a.value), p.id FROM papers p, json_each(p.authors) a
    WHERE paperboy_author_key(a.value) <> '';
  `,
  // For you: papers by date, so a window's papers and the newest date are read by range, not by a scan.
  `CREATE INDEX IF NOT EXISTS papers_by_date ON papers(date);`,
  // Ranked digests: a subscription ordered by taste, and the space (team, guild) whose taste it reads.
  `
  ALTER TABLE subscriptions ADD COLUMN ranked INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE subscriptions ADD COLUMN space TEXT;
  `,
];
