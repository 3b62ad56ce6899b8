/** Stable codes for every failure Paperboy reports. Adapters map them to kind messages; logs keep them. */
export type PaperboyErrorCode =
  | 'profile_parse_failed'
  | 'record_parse_failed'
  | 'file_unreadable'
  | 'invalid_query'
  | 'invalid_config'
  | 'not_found'
  | 'database_too_new'
  | 'database_busy'
  | 'database_unreachable'
  | 'database_refused'
  | 'lease_lost'
  // A platform refused a post (nothing recorded), or answered that the channel or person is gone for good.
  | 'platform_refused'
  | 'channel_gone'
  // A per-channel or per-person cap (subscriptions, watches) is reached.
  | 'limit_reached'
  // arXiv: the service could not be reached, sent what is not its format, or refused the request.
  | 'arxiv_unavailable'
  | 'arxiv_unparsable'
  | 'arxiv_rejected'
  // OpenAlex and Semantic Scholar: the service kept failing after retries, or refused the request or the key.
  | 'scholarly_unavailable'
  | 'scholarly_rejected'
  | 'usage';

/**
 * The one error type of Paperboy. The message says what went wrong, the offending value and how to fix it.
 *
 * @example
 * throw new PaperboyError('invalid_query', 'unknown filter "colour:" at position 5. Known filters: author, cat.');
 */
export class PaperboyError extends Error {
  override readonly name = 'PaperboyError';
  readonly code: PaperboyErrorCode;

  constructor(code: PaperboyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `value` is a {@link PaperboyError}, optionally with the given code. */
export function isPaperboyError(value: unknown, code?: PaperboyErrorCode): value is PaperboyError {
  return value instanceof PaperboyError && (code === undefined || value.code === code);
}
