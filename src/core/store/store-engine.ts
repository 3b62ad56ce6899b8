import type { ArxivState } from '../arxiv/arxiv-state.ts';
import type { DigestStore } from '../digest/digest-store.ts';
import type { EnrichmentStore } from '../enrich/enrichment-store.ts';
import type { TasteStore } from '../foryou/taste-store.ts';
import type { TextIndex } from '../search/text-index.ts';
import type { EventLedger } from './event-ledger.ts';
import type { InstanceLocks } from './instance-locks.ts';
import type { PaperStore } from './paper-store.ts';

/** The storage engines Paperboy runs on: adapters in `src/adapters/sqlite` and `src/adapters/postgres`. */
export type StoreKind = 'sqlite' | 'postgres';

/**
 * What readiness asks of the store: how many papers changed after a rev (one cheap query). It throws when the
 * store does not answer. Synchronous on purpose: on PostgreSQL it answers from the last query and starts the next
 * ({@link probeOf}).
 */
export interface StoreProbe {
  behind(rev: number): number;
}

/** Everything a command needs of the store, on SQLite or PostgreSQL alike. */
export interface Stores {
  kind: StoreKind;
  /** The database file, or the PostgreSQL URL with its password masked: for logs, doctor and messages. */
  label: string;
  store: PaperStore;
  digests: DigestStore;
  arxiv: ArxivState;
  events: EventLedger;
  /** Figures fetched from OpenAlex and Semantic Scholar, apart from the papers. */
  enrichment: EnrichmentStore;
  /** Taste signals, posted single-paper messages and the papers' text features (docs/foryou.md). */
  taste: TasteStore;
  locks: InstanceLocks;
  text: TextIndex;
  /** Where the title-index snapshot (and on PostgreSQL the text cache) live: `snapshotPathFor(searchPath)`. */
  searchPath: string;
  /** How many papers changed after `rev`: one cheap query, for readiness. Rejects when the store does not answer. */
  papersAfter(rev: number): Promise<number>;
  /** The same count for `/readyz`, synchronous (on PostgreSQL, the last answer; see {@link probeOf}). */
  probe: StoreProbe;
  close(): Promise<void>;
}

/**
 * What `paperboy doctor` learns of a store without creating, migrating or writing it. `problem` says why the
 * store cannot be looked into (missing, unreachable, damaged, not Paperboy's, …); otherwise `version` and
 * `current` are the schema versions found and expected, and `contents` is there when the schema is current and
 * the store opened (or the error it gave).
 */
export interface StoreInspection {
  kind: StoreKind;
  /** Where the store is, for messages: the file, or PostgreSQL's host and port (never the password). */
  where: string;
  problem?:
    | { kind: 'missing' }
    | { kind: 'unreachable'; message: string }
    | { kind: 'unopenable'; message: string }
    | { kind: 'damaged'; message: string }
    | { kind: 'foreign' };
  version: number;
  current: number;
  /** `error`: the store did not open (`opened` false) or did not answer once open. */
  contents?: StoreContents | { error: string; opened: boolean };
  /** Closes what inspecting opened (`contents.behind` reads until then). */
  close(): Promise<void>;
}

/** What doctor reads of an open store of the current schema. */
export interface StoreContents {
  papers: number;
  profiles: number;
  identity: string;
  maxRev: number;
  /** Papers changed after `rev` (how far a search snapshot is behind). */
  behind(rev: number): Promise<number>;
  subscriptions: { id: number; tz: string }[];
  /** Digest ledger rows dated after the database's clock (a `digest run --now` ahead of the clock made them). */
  futureRuns?: FutureRun[];
}

/** A digest ledger row, as doctor names it. */
export interface FutureRun {
  id: number;
  subscriptionId: number;
  dueAt: string;
}

/** What a backup made. */
export interface BackupResult {
  papers: number;
  profiles: number;
  bytes: number;
}

/**
 * One storage engine at one address (a SQLite file, a PostgreSQL URL), as Kysely keeps one `Dialect` per
 * database: the CLI chooses it in one place and then only speaks this contract, never SQL.
 */
export interface StoreEngine {
  kind: StoreKind;
  /** The file, or the URL with its password masked. */
  label: string;
  /** Opens (creating and migrating as needed) every store of an instance. */
  open(): Promise<Stores>;
  /** Looks at the store for `paperboy doctor`; never creates, migrates or writes. Close the inspection after. */
  inspect(): Promise<StoreInspection>;
  /**
   * A consistent copy of the store at `file`, safe while others write (the engine's online backup), when the
   * engine can make one; else `backupAdvice` says how to back it up.
   */
  backup?(file: string): Promise<BackupResult>;
  backupAdvice?: string;
}

/**
 * A {@link StoreProbe} over an asynchronous count (PostgreSQL): each call answers what the last query found and
 * asks again, so `/readyz` never waits on the network; it throws the last query's error while the store does not
 * answer.
 */
export function probeOf(papersAfter: (rev: number) => Promise<number>): StoreProbe {
  let last: { n: number } | { error: Error } = { n: 0 };
  let asking = false;
  const ask = (rev: number) => {
    if (asking) return;
    asking = true;
    papersAfter(rev).then(
      (n) => {
        last = { n };
        asking = false;
      },
      (error: Error) => {
        last = { error };
        asking = false;
      },
    );
  };
  return {
    behind(rev) {
      ask(rev);
      if ('error' in last) throw last.error;
      return last.n;
    },
  };
}

/** The message a probe of a closed store throws (readiness reports it as it is). */
export const STORE_CLOSED = 'the database is closed';
