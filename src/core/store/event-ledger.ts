/** Platform events already taken by some instance: Slack redelivers an event it thinks was not acknowledged. */
export interface EventLedger {
  /** Records `key`; true the first time any instance records it, false after (an atomic insert). */
  firstSeen(key: string, now: Date): Promise<boolean>;
  /** Forgets keys seen before `before` (called now and then). */
  forget(before: Date): Promise<void>;
}
