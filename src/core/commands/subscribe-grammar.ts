import type { Rhythm } from '../digest/digest-store.ts';
import { isClockTime, isTimeZone, toWeekday, toZoneName, WEEKDAY_NAMES } from '../digest/schedule.ts';
import { PaperboyError } from '../errors.ts';

/** What `/digest subscribe` and `/digest watch` were asked for, options apart from the query. */
export interface SubscribeRequest {
  /** Everything before the trailing options, as typed (quotes kept); '' for all new papers. */
  query: string;
  /** `HH:MM`, when `at` was given. */
  time?: string;
  /** IANA zone, when `tz` was given. */
  tz?: string;
  /** `daily`, `weekdays` or `weekly`, when one was given. */
  rhythm?: Exclude<Rhythm, 'quarter-hourly'>;
  /** With `weekly`: the day, 0 = Sunday … 6 = Saturday. */
  weekday?: number;
  /** True when `empty` was given: post "no new papers" days too. */
  postEmpty: boolean;
  /** True when `ranked` was given: papers ordered by taste, best first (docs/foryou.md). */
  ranked: boolean;
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
  value?: { test(word: string): boolean };
  /** Checks the value and records the option; throws `invalid_query` with a fix for a wrong value. */
  apply(request: SubscribeRequest, value: string): void;
}

const RHYTHM_USAGE = 'daily, weekdays or weekly DAY';
const DAY_FORMS = `${WEEKDAY_NAMES.slice(1)
  .concat(WEEKDAY_NAMES[0])
  .map((name) => name.slice(0, 3).toLowerCase())
  .join(', ')} (or the full name, like monday)`;

/** Records a rhythm; a second, different one is refused (`daily weekly mon`). */
function setRhythm(request: SubscribeRequest, rhythm: Exclude<Rhythm, 'quarter-hourly'>) {
  if (request.rhythm) {
    throw new PaperboyError(
      'invalid_query',
      `"${request.rhythm}" and "${rhythm}" are both rhythms. Give one: ${RHYTHM_USAGE} (the default is daily).`,
    );
  }
  request.rhythm = rhythm;
}

/**
 * A word meant as a day, right or wrong: the start of a day's name (three letters or more, `tues`, `thurs`), a
 * plural (`mondays`, `weds`), any word ending in "day" (`funday`, `someday`), or a day number (`1`), with or without
 * a full stop. `weekly monitoring`, `weekly reports` and `weekly summary` stay words.
 */
const looksLikeDay = (word: string): boolean => {
  const bare = word.toLowerCase().replace(/\.$/, '');
  if (/^(?:\d|[a-z]*days?)$/.test(bare)) return true;
  const singular = bare.endsWith('s') ? bare.slice(0, -1) : bare;
  return WEEKDAY_NAMES.some((name) => {
    const full = name.toLowerCase();
    return [bare, singular].some((w) => w.length >= 3 && full.startsWith(w));
  });
};

/**
 * The options of `/digest subscribe` and `/digest watch`, recognised only as a trailing run after the query.
 * A new option is one more row here.
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
    word: 'daily',
    usage: 'daily',
    apply(request) {
      setRhythm(request, 'daily');
    },
  },
  {
    word: 'weekdays',
    usage: 'weekdays',
    apply(request) {
      setRhythm(request, 'weekdays');
    },
  },
  {
    word: 'weekly',
    usage: 'weekly DAY',
    value: { test: looksLikeDay },
    apply(request, day) {
      const weekday = toWeekday(day);
      if (weekday === undefined)
        throw new PaperboyError('invalid_query', `"weekly ${day}": expected a day: ${DAY_FORMS}.`);
      setRhythm(request, 'weekly');
      request.weekday = weekday;
    },
  },
  {
    word: 'empty',
    usage: 'empty',
    apply(request) {
      request.postEmpty = true;
    },
  },
  {
    word: 'ranked',
    usage: 'ranked',
    apply(request) {
      request.ranked = true;
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
 * Reads the trailing option run of `tokens` without judging values: where the query ends, the options found (last
 * first), and whether the word just before the run is a `weekly` left without a day (`robots weekly at 09:00`).
 */
function scanOptions(tokens: readonly string[]) {
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
    // `weekly on monday` reads as `weekly monday`.
    const weekly = end >= 3 && tokens[end - 2]?.toLowerCase() === 'on' ? optionNamed(tokens[end - 3], true) : undefined;
    if (weekly?.word === 'weekly' && !last.includes('"') && looksLikeDay(last)) {
      found.push({ option: weekly, value: last });
      end -= 3;
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
  const before = tokens[end - 1];
  const dayless = before !== undefined && before.toLowerCase() === 'weekly';
  return { end, found, dayless };
}

/**
 * Reads `/digest subscribe` (or `watch`) arguments with one grammar: `[QUERY] [OPTION…]`. Options are
 * recognised only as a trailing run after the query, in any order (`daily`, `weekdays`, `weekly DAY`,
 * `at HH:MM`, `tz Area/City`, `empty`, `ranked`); everything before them is the query, and a quoted word always stays in it.
 *
 * @throws PaperboyError `invalid_query` for an option with a wrong value or given twice, two rhythms, or a
 *   `weekly` without its day
 * @example
 * parseSubscribe('look at transformers at 08:30'); // { query: 'look at transformers', time: '08:30', … }
 * parseSubscribe('robots weekly mon at 09:00'); // { query: 'robots', rhythm: 'weekly', weekday: 1, … }
 * parseSubscribe('"empty" results'); // { query: '"empty" results', postEmpty: false, … }
 */
export function parseSubscribe(args: string): SubscribeRequest {
  const tokens = args.match(TOKEN) ?? [];
  const request: SubscribeRequest = { query: '', postEmpty: false, ranked: false, given: [] };
  const { end, found, dayless } = scanOptions(tokens);
  if (dayless) {
    const next = tokens[end];
    const got = next === undefined || optionNamed(next, true) || optionNamed(next, false) ? '' : `, not "${next}"`;
    throw new PaperboyError(
      'invalid_query',
      `"weekly" needs a day after it${got}: write weekly mon (days: ${DAY_FORMS}). To search for the word, quote it: "weekly".`,
    );
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
  const { end, dayless } = scanOptions(tokens);
  // Every option word of the trailing run (and a dayless `weekly` before it) is quoted; what is left of the run
  // then holds only values, which never start a run.
  for (let i = dayless ? end - 1 : end; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    if (SUBSCRIBE_OPTIONS.some((o) => o.word === token.toLowerCase())) tokens[i] = `"${token}"`;
  }
  return tokens.join(' ');
}
