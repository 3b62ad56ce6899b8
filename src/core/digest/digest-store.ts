/** Where digests are posted: a platform and a channel (for a personal watch, the person's id). */
export type Platform = 'terminal' | 'discord' | 'slack';

export interface Subscription {
  id: number;
  platform: Platform;
  channel: string;
  /** `channel`: a daily digest in the channel; `watch`: direct messages to one person as papers arrive. */
  kind: 'channel' | 'watch';
  /** Search query the papers must match; empty for all new papers. */
  query: string;
  /** Local time of day, `HH:MM`, in `tz`. */
  time: string;
  tz: string;
  /** Highest ingest sequence number already delivered (or there when the subscription began). */
  watermark: number;
  paused: boolean;
  /** Post "no new papers today" when there are none. */
  postEmpty: boolean;
  createdBy: string | null;
  createdAt: string;
}

export type RunStatus = 'due' | 'sending' | 'sent' | 'skipped' | 'empty';

/** One ledger row: one digest of one subscription for one due time. */
export interface DigestRun {
  id: number;
  subscriptionId: number;
  dueAt: string;
  status: RunStatus;
  /** The papers this digest carries, fixed when the row is made, so a resend sends the same ones. */
  paperIds: number[];
  /** Highest sequence number considered; the watermark moves here once the digest is sent. */
  toSeq: number;
  messageId: string | null;
  attempts: number;
  note: string | null;
}

export type NewSubscription = Omit<Subscription, 'id' | 'paused' | 'createdAt'>;

/** The digest part of storage (subscriptions and the ledger). */
export interface DigestStore {
  addSubscription(input: NewSubscription, now: Date): Subscription;
  listSubscriptions(filter?: { platform?: Platform; channel?: string }): Subscription[];
  getSubscription(id: number): Subscription | undefined;
  setPaused(id: number, paused: boolean): boolean;
  removeSubscription(id: number): boolean;
  getRun(subscriptionId: number, dueAt: Date): DigestRun | undefined;
  /** The ledger row for this due time, made (as `due`, with its papers) if there is none yet. */
  openRun(subscriptionId: number, dueAt: Date, toSeq: number, paperIds: number[], now: Date): DigestRun;
  markSending(runId: number, now: Date): void;
  /** Records the platform's message id and moves the subscription's watermark, in one transaction. */
  markSent(runId: number, messageId: string | null, now: Date): void;
  /** Nothing to send: moves the watermark (status `empty`). */
  markEmpty(runId: number, now: Date): void;
  /** Too late to send: the papers stay new for the next digest. */
  markSkipped(runId: number, note: string, now: Date): void;
  /** Ids of papers first stored after `afterSeq`, up to `upToSeq`, in sequence order. */
  newPaperIds(afterSeq: number, upToSeq: number): number[];
}
