/** What a person asked for, from a slash command or from plain words in a mention. */
export type Intent =
  | { type: 'paper'; query: string }
  | { type: 'author'; name: string }
  | { type: 'compare'; names: [string, string] }
  | { type: 'more'; paperId: number }
  | { type: 'digest'; args: string }
  /** `/save ID`, `/saved [export|remove ID|PAGE]`, `/cite ID…`: the person's reading list. */
  | { type: 'reading'; command: 'save' | 'saved' | 'cite'; args: string }
  /** `/foryou [PAGE|reset]`, `/like ID`, `/dismiss ID`: the person's taste (docs/foryou.md). */
  | { type: 'foryou'; command: 'foryou' | 'like' | 'dismiss'; args: string }
  | { type: 'help'; topic?: string }
  /** Pasted paper links or ids: answered with those papers' cards, not searched. */
  | { type: 'links'; refs: PaperRef[] }
  | { type: 'unknown'; text: string };

import { checkLength } from '../input-limits.ts';
import { isOnlyLinks, type PaperRef, recogniseLinks } from '../links/recognise-links.ts';

// Every pattern here is anchored or free of nested quantifiers over the same characters, so it runs in linear
// time on any input (a test feeds 40,000-character messages); splitting on "vs" and trimming are plain loops.
const MENTION = /^(?:@paperboy\b[:,]?|<@!?&?\w+>[:,]?)\s*/i;

/**
 * Reads a command line: `/paper QUERY`, `/paper LINK_OR_ID…`, `/author NAME [vs NAME]`, `/more ID`, `/help`, or
 * plain words. A line of nothing but paper links or ids is a lookup (`links`); `/search` always searches. In a
 * mention (`options.mention`, or text that starts with one), links in running text are a lookup too.
 * @throws PaperboyError `invalid_query` for a message or an author name over its limit (see `INPUT_LIMITS`)
 */
export function toIntent(input: string, options: { mention?: boolean } = {}): Intent {
  checkLength('message', input);
  const trimmed = input.trim();
  const text = trimmed.replace(MENTION, '').trim();
  if (text === '') return { type: 'help' };
  const slash = /^\/(\S+)\s*(.*)$/s.exec(text);
  if (!slash) {
    const mention = options.mention === true || text.length < trimmed.length;
    const refs = isOnlyLinks(text) || mention ? recogniseLinks(text) : [];
    return refs.length ? { type: 'links', refs } : fromWords(text);
  }
  const [, command = '', rest = ''] = slash;
  const args = rest.trim();
  switch (command.toLowerCase()) {
    case 'paper':
    case 'papers':
      if (isOnlyLinks(args)) return { type: 'links', refs: recogniseLinks(args) };
      return args ? { type: 'paper', query: args } : { type: 'help', topic: 'paper' };
    case 'search':
      return args ? { type: 'paper', query: args } : { type: 'help', topic: 'paper' };
    case 'author':
    case 'who': {
      if (!args) return { type: 'help', topic: 'author' };
      return toAuthorIntent(splitVersus(args, false), args);
    }
    case 'more': {
      const id = Number(args);
      return Number.isInteger(id) && id > 0 ? { type: 'more', paperId: id } : { type: 'help', topic: 'more' };
    }
    case 'digest':
      return { type: 'digest', args };
    case 'follow':
    case 'unfollow':
      // A personal watch on an author: kept and listed with the digests (`/digest list`).
      return args ? { type: 'digest', args: `${command.toLowerCase()} ${args}` } : { type: 'help', topic: 'follow' };
    case 'save':
    case 'saved':
    case 'cite':
      return { type: 'reading', command: command.toLowerCase() as 'save' | 'saved' | 'cite', args };
    case 'foryou':
    case 'like':
    case 'dismiss':
      return { type: 'foryou', command: command.toLowerCase() as 'foryou' | 'like' | 'dismiss', args };
    case 'help':
      return args ? { type: 'help', topic: args.replace(/^\//, '') } : { type: 'help' };
    default:
      return { type: 'unknown', text };
  }
}

function toAuthorIntent(pair: [string, string] | undefined, name: string): Intent {
  for (const one of pair ?? [name]) checkLength('name', one);
  return pair ? { type: 'compare', names: pair } : { type: 'author', name };
}

const VERSUS = new Set(['vs', 'vs.', 'versus']);

/**
 * Two names around one "vs" (or, when `loose`, also "and", "compared to/with"): `A vs B`. Undefined when there
 * is no such word between two names, or more than one.
 */
function splitVersus(text: string, loose: boolean): [string, string] | undefined {
  const words = text.split(/\s+/).filter((w) => w !== '');
  let at = -1;
  let width = 0;
  for (let i = 1; i < words.length - 1; i++) {
    const word = (words[i] as string).toLowerCase();
    const next = words[i + 1]?.toLowerCase();
    let size = 0;
    if (VERSUS.has(word) || (loose && word === 'and')) size = 1;
    else if (loose && (word === 'compare' || word === 'compared') && (next === 'to' || next === 'with')) size = 2;
    if (size === 0) continue;
    if (at >= 0) return undefined;
    at = i;
    width = size;
    i += size - 1;
  }
  if (at < 0 || at + width >= words.length) return undefined;
  return [words.slice(0, at).join(' '), words.slice(at + width).join(' ')];
}

/** Drops the question marks, full stops and exclamation marks that end a sentence (a loop: linear time). */
function stripEnd(text: string): string {
  let end = text.length;
  while (end > 0 && '?.!'.includes(text[end - 1] as string)) end--;
  return text.slice(0, end).trim();
}

/**
 * Plain words, as in a mention: "papers on reward hacking by Deep Ganguli since 2023", "who is Amanda Askell",
 * "compare Amanda Askell and Deep Ganguli", "help". Anything else is searched as a paper query.
 */
function fromWords(raw: string): Intent {
  const text = stripEnd(raw);
  if (/^(help|commands|\?|what can you do|how does this work)$/i.test(text)) return { type: 'help' };
  const compare = /^(?:compare)\s+(.+)$/i.exec(text);
  if (compare?.[1]) {
    const pair = splitVersus(compare[1], true);
    if (pair) return toAuthorIntent(pair, compare[1]);
  }
  const who = /^(?:who\s+is|who's|whos|tell me about|about|author)\s+(.+)$/i.exec(text);
  if (who?.[1]) return toAuthorIntent(splitVersus(who[1], false), stripEnd(who[1]));
  const topical =
    /^(?:(?:find|search|show(?: me)?|any|get|list)\s+)?(?:(?:the\s+)?(?:latest|recent|new)\s+)?(?:papers?|work|research|articles?)\s*(?:(?:on|about|for|regarding|in)\s+)?(.*)$/i.exec(
      text,
    );
  return { type: 'paper', query: toQueryLanguage(topical ? (topical[1] ?? '') : text) };
}

/** "reward hacking by Deep Ganguli since 2023 with code" -> `reward hacking by:"Deep Ganguli" since:2023 has:code`. */
export function toQueryLanguage(words: string): string {
  let rest = ` ${words} `;
  const filters: string[] = [];
  const take = (pattern: RegExp, make: (m: RegExpExecArray) => string) => {
    const match = pattern.exec(rest);
    if (match) {
      filters.push(make(match));
      rest = rest.replace(match[0], ' ');
    }
  };
  take(/\s(?:with|having)\s+code\s/i, () => 'has:code');
  take(/\s(?:since|after)\s+(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s/i, (m) => `since:${m[1]}`);
  take(/\sbefore\s+(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s/i, (m) => `before:${m[1]}`);
  take(/\s(?:in|from|during)\s+(\d{4})\s/i, (m) => `year:${m[1]}`);
  take(/\s(?:newest|latest)\s+first\s/i, () => 'sort:date');
  // "by NAME" runs to the end, or to the next filter word already removed above.
  take(/\s(?:by|from)\s+((?:\p{Lu}[\p{L}.'-]*\s*){1,4})/u, (m) => `by:"${(m[1] ?? '').trim()}"`);
  return [rest.trim(), ...filters].filter(Boolean).join(' ');
}
