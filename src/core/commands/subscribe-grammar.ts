import { isClockTime, isTimeZone, toZoneName } from '../digest/schedule.ts';
import { PaperboyError } from '../errors.ts';

/** What `/digest subscribe` and `/digest watch` were asked for, options apart from the query. */
export interface SubscribeRequest {
  /** Everything before the trailing options, as typed (quotes kept); '' for all new papers. */
  query: string;
  /** `HH:MM`, when `at` was given. */
  time?: string;
  /** IANA zone, when `tz` was given. */
  tz?: string;
  /** True when `empty` was given: post "no new papers" days too. */
  postEmpty: boolean;
  /** The option words given, in the order typed. */
  given: string[];
}

interface OptionSpec {
  /** The option's word, matched without regard to case. */
  word: string;
  /** How the option is written, for messages and help. */
  usage: string;
  /**
   * For an option followed by a value: what a value meant for it looks like. A word that does not look
   * like one stays in the query (`look at transformers`); one that does but is wrong is an error.
   */
  value?: RegExp;
  /** Checks the value and records the option; throws `invalid_query` with a fix for a wrong value. */
  apply(request: SubscribeRequest, value: string): void;
}

/**
 * The options of `/digest subscribe` and `/digest watch`, recognised only as a trailing run after the query.
 * A new option (a rhythm word such as `weekly`) is one more row here.
 */
export const SUBSCRIBE_OPTIONS: readonly OptionSpec[] = [
  {
    word: 'at',
    usage: 'at HH:MM',
    // Seconds too (`09:00:00`): refused with the form, rather than searched for.
    value: /^\d{1,2}(?:[:.h]\d{0,2}){0,2}(?:am|pm)?$/i,
    apply(request, time) {
      if (!isClockTime(time))
        throw new PaperboyError('invalid_query', `"at ${time}": expected a time like 09:00 (24-hour clock).`);
      request.time = time.padStart(5, '0');
    },
  },
  {
    word: 'tz',
    usage: 'tz Area/City',
    value: /^(?:utc|gmt|z|[a-z][\w+-]*(?:\/[\w+-]+)+)$/i,
    apply(request, zone) {
      if (!isTimeZone(zone))
        throw new PaperboyError('invalid_query', `"tz ${zone}": expected a time zone like Europe/Berlin or UTC.`);
      request.tz = toZoneName(zone);
    },
  },
  {
    word: 'empty',
    usage: 'empty',
    apply(request) {
      request.postEmpty = true;
    },
  },
];

// A token is a run of non-space characters, where a quoted part may hold spaces: `author:"Deep Ganguli"`.
const TOKEN = /(?:[^\s"]+|"[^"]*(?:"|$))+/g;

const optionNamed = (token: string | undefined, takesValue: boolean) =>
  token === undefined || token.includes('"')
    ? undefined
    : SUBSCRIBE_OPTIONS.find((o) => o.word === token.toLowerCase() && (o.value !== undefined) === takesValue);

/**
 * Reads `/digest subscribe` (or `watch`) arguments with one grammar: `[QUERY] [OPTION…]`. Options are
 * recognised only as a trailing run after the query, in any order (`at HH:MM`, `tz Area/City`, `empty`);
 * everything before them is the query, and a quoted word always stays in it.
 *
 * @throws PaperboyError `invalid_query` for an option with a wrong value or given twice
 * @example
 * parseSubscribe('look at transformers at 08:30'); // { query: 'look at transformers', time: '08:30', … }
 * parseSubscribe('"empty" results'); // { query: '"empty" results', postEmpty: false, … }
 */
export function parseSubscribe(args: string): SubscribeRequest {
  const tokens = args.match(TOKEN) ?? [];
  const request: SubscribeRequest = { query: '', postEmpty: false, given: [] };
  const found: { option: OptionSpec; value: string }[] = [];
  let end = tokens.length;
  while (end > 0) {
    const last = tokens[end - 1] as string;
    const flag = optionNamed(last, false);
    if (flag) {
      found.push({ option: flag, value: '' });
      end -= 1;
      continue;
    }
    const keyed = end >= 2 && !last.includes('"') ? optionNamed(tokens[end - 2], true) : undefined;
    if (keyed?.value?.test(last)) {
      found.push({ option: keyed, value: last });
      end -= 2;
      continue;
    }
    break;
  }
  for (const { option, value } of found.reverse()) {
    if (request.given.includes(option.word)) {
      throw new PaperboyError(
        'invalid_query',
        `"${option.word}" is given twice. Give each option once, after the query: ${SUBSCRIBE_OPTIONS.map((o) => o.usage).join(', ')}.`,
      );
    }
    request.given.push(option.word);
    option.apply(request, value);
  }
  request.query = tokens.slice(0, end).join(' ');
  return request;
}

/**
 * Makes a query that arrived on its own (a platform's `query` option) safe to put before options: the words
 * that would read as a trailing option run are quoted, so `parseSubscribe` keeps them in the query.
 *
 * @example
 * protectQuery('transformers empty'); // 'transformers "empty"'
 * parseSubscribe(`${protectQuery('talks at 10:00')} at 09:00`); // query 'talks "at" 10:00', time '09:00'
 */
export function protectQuery(query: string): string {
  const tokens = query.match(TOKEN) ?? [];
  const { given } = parseSubscribeLeniently(query);
  if (given === 0) return tokens.join(' ');
  let quoted = 0;
  for (let i = tokens.length - 1; i >= 0 && quoted < given; i -= 1) {
    const token = tokens[i] as string;
    if (SUBSCRIBE_OPTIONS.some((o) => o.word === token.toLowerCase())) {
      tokens[i] = `"${token}"`;
      quoted += 1;
    }
  }
  return tokens.join(' ');
}

// How many trailing options a text would be read as having, without judging their values.
function parseSubscribeLeniently(text: string): { given: number } {
  try {
    return { given: parseSubscribe(text).given.length };
  } catch {
    // An option given twice or with a wrong value: every option word at the end must be protected.
    return { given: Number.POSITIVE_INFINITY };
  }
}
