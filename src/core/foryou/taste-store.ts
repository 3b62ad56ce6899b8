import type { Reader } from '../reading/reading-list-store.ts';
import type { DocumentFrequencies } from './text-features.ts';

/**
 * Whose taste: a person (keyed as reading lists key people: platform, space, user) or a channel (platform, space,
 * channel). docs/foryou.md, "What is stored and for whom".
 */
export interface TasteOwner {
  kind: 'user' | 'channel';
  platform: string;
  space: string;
  /** The user id, or the channel id. */
  id: string;
}

/** Where a signal came from. A person's `like` and `dismiss` replace each other; a reaction is its own signal. */
export type SignalSource = 'like' | 'dismiss' | 'reaction_up' | 'reaction_down' | 'import' | 'removed';

/** Signals that replace each other: a person's latest word on a paper counts. */
export const OPPOSITE: Record<SignalSource, SignalSource | undefined> = {
  like: 'dismiss',
  dismiss: 'like',
  reaction_up: 'reaction_down',
  reaction_down: 'reaction_up',
  import: undefined,
  removed: undefined,
};

export interface SignalInput {
  owner: TasteOwner;
  /** Who gave it: the owner for a person's signal, the person who pressed or reacted for a channel's. */
  actor: string;
  paperId: number;
  source: SignalSource;
}

export interface StoredSignal {
  paperId: number;
  source: SignalSource;
  actor: string;
  at: string;
}

/** A message Paperboy posted that holds exactly one paper: reactions on it are signals. */
export interface PostedMessage {
  platform: string;
  space: string;
  channel: string;
  messageId: string;
  paperId: number;
}

/** A paper's stored features (`text-features.ts`, packed) and the rev they were made at. */
export interface PaperFeatures {
  paperId: number;
  bytes: Uint8Array;
}

/**
 * Taste signals, posted single-paper messages and the per-paper text vectors, on SQLite and PostgreSQL alike
 * (`sqlite-taste.ts`, `pg-taste.ts`).
 */
export interface TasteStore {
  /**
   * Records a signal. `like` and `dismiss` by the same actor for the same owner replace each other (the latest
   * counts); the same signal twice is kept once.
   */
  addSignal(signal: SignalInput, now: Date): Promise<void>;
  /** Forgets one signal (a removed reaction, a saved-again paper's `removed`); false when there was none. */
  removeSignal(signal: SignalInput): Promise<boolean>;
  /** Every signal an owner has. */
  signals(owner: TasteOwner): Promise<StoredSignal[]>;
  /** Forgets a person's signals: theirs, and those they gave in channels. The reading list stays. */
  resetPerson(reader: Reader): Promise<number>;
  /** How many signals the owner has (a channel digest is ranked from 3). */
  signalCount(owner: TasteOwner): Promise<number>;
  rememberMessage(message: PostedMessage, now: Date): Promise<void>;
  /** The paper a posted single-paper message holds, if Paperboy posted it. */
  messagePaper(platform: string, channel: string, messageId: string): Promise<PostedMessage | undefined>;

  /** The rev up to which every paper's features are stored (0 when none are). */
  featuresRev(): Promise<number>;
  /**
   * Stores features of papers made at `rev` (replacing what they had), moves the document frequencies by the
   * difference, and records `rev`: one transaction.
   */
  saveFeatures(rows: readonly PaperFeatures[], rev: number): Promise<void>;
  /** The stored features of these papers (those that have some). */
  features(paperIds: readonly number[]): Promise<Map<number, Uint8Array>>;
  /** Document frequencies of the buckets over every paper with features. */
  frequencies(): Promise<DocumentFrequencies>;
  /** Up to `limit` papers with features, spread over the index (the same ones for the same seed). */
  sampleFeatures(limit: number, seed: number): Promise<Map<number, Uint8Array>>;
  /**
   * Ids of the papers dated in [since, until) (`YYYY-MM-DD`; a year-only date counts as its first of January),
   * newest first (date, then id).
   */
  papersInWindow(since: string, until: string): Promise<number[]>;
  /** Papers by title key (`toPaperKey`), the first stored for each key. */
  findByTitleKeys(keys: readonly string[]): Promise<Map<string, number>>;
  /** The newest date of any paper (`YYYY-MM-DD` or `YYYY`), undefined for an empty index. */
  newestDate(): Promise<string | undefined>;
}
