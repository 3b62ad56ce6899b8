import { PaperboyError } from '../errors.ts';
import { isBinaryText, splitLines, squeezeSpaces } from '../text.ts';
import { type ParseMessage, type Profile, type ProfilePaper, ProfileSchema } from './profile-schema.ts';

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTH = MONTHS.join('|');
const MONTH_WORD =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

// A line that starts a paper: short category glued to a month name. Checked loosely first, so that a
// damaged date ("CLJun 2023") is reported instead of being swallowed into the previous abstract.
const PAPER_START = new RegExp(`^(?:[A-Z][A-Za-z-]{0,11}?)?${MONTH_WORD}\\.?\\s*\\d.{0,30}$`);
const PAPER_HEADER = new RegExp(`^([A-Z][A-Za-z-]{0,11}?)(${MONTH})\\s+(\\d{1,2}),\\s*(\\d{4})\\s*(Code)?$`);

const NUMBER = '(\\d{1,3}(?:,\\d{3})+|\\d+)';
const HEADER_METRICS = [
  { key: 'hIndex', pattern: new RegExp(`^h-index\\s*:?\\s*${NUMBER}$`, 'i') },
  { key: 'citationCount', pattern: new RegExp(`^${NUMBER}\\s*citations?$`, 'i') },
  { key: 'novelty', pattern: /^novelty\s*:?\s*(\d+(?:\.\d+)?)\s*%?$/i },
  { key: 'aiScore', pattern: /^ai\s*score\s*:?\s*(\d+(?:\.\d+)?)$/i },
] as const;
const PAPERS_COUNT = new RegExp(`^${NUMBER}(\\s*)(papers?)$`, 'i');
const MAIN_CATEGORY = /^[A-Z][A-Za-z.-]{0,15}$/;
const ET_AL = /,?\s*et\s+al\.?$/i;
const AUTHOR_SEPARATOR = /\s+[·•]\s+/;

export interface ParsedProfile {
  profile: Profile;
  /** Problems that lost information but let the page load, each with its line. */
  warnings: ParseMessage[];
}

interface Line {
  number: number;
  text: string;
}

const toNumber = (digits: string): number => Number(digits.replaceAll(',', ''));

/**
 * Parses the text of a researcher's profile page (layout in `PROFILE-FORMAT.md`).
 *
 * A page that is not a profile at all throws `profile_parse_failed`; damaged parts of a real page
 * (an unreadable paper block, a count that disagrees) come back as warnings naming their line.
 *
 * @param text - the page's text, as read from the file
 * @param source - the file name used in messages
 * @example
 * const { profile, warnings } = parseProfile(readFileSync(path, 'utf8'), path);
 */
export function parseProfile(text: string, source: string): ParsedProfile {
  const fail = (line: number | undefined, message: string): never => {
    const where = line === undefined ? `profile ${source}` : `profile ${source} line ${line}`;
    throw new PaperboyError('profile_parse_failed', `${where}: ${message}`);
  };
  if (isBinaryText(text)) fail(undefined, 'this is binary data, not a profile page. Save the page as plain text.');
  const lines: Line[] = splitLines(text).map((raw, i) => ({ number: i + 1, text: raw.trim() }));
  const filled = lines.filter((line) => line.text !== '');
  const first = filled[0];
  if (first === undefined) return fail(undefined, 'the file is empty. Copy the text of a profile page into it.');
  if (first.text.startsWith('<')) {
    fail(
      first.number,
      `this looks like HTML ("${first.text.slice(0, 40)}"), not a profile page. Save the page as text.`,
    );
  }

  const warnings: ParseMessage[] = [];
  const warn = (line: number, message: string) => warnings.push({ line, severity: 'warning', message });
  const profile: Profile = {
    name: squeezeSpaces(first.text),
    category: null,
    hIndex: null,
    paperCount: null,
    citationCount: null,
    novelty: null,
    aiScore: null,
    listedCount: null,
    papers: [],
  };
  if (profile.name.length > 200 || PAPER_START.test(first.text)) {
    fail(first.number, `expected the researcher's name on the first line, got "${first.text.slice(0, 60)}".`);
  }

  let index = 1;
  let recognised = 0;
  for (; index < filled.length; index++) {
    const line = filled[index] as Line;
    if (PAPER_START.test(line.text)) break;
    if (readHeaderLine(profile, squeezeSpaces(line.text))) recognised++;
    else warn(line.number, `unrecognised header line "${line.text.slice(0, 60)}" was ignored.`);
  }

  while (index < filled.length) {
    const start = filled[index] as Line;
    const block: Line[] = [];
    for (index++; index < filled.length && !PAPER_START.test((filled[index] as Line).text); index++) {
      block.push(filled[index] as Line);
    }
    const paper = readPaper(start, block, lines, warn);
    if (paper) profile.papers.push(paper);
  }

  if (recognised === 0 && profile.papers.length === 0) {
    fail(undefined, 'no profile found: expected a name, then metrics (h-index, papers, citations) and paper entries.');
  }
  if (profile.listedCount !== null && profile.listedCount !== profile.papers.length) {
    const line =
      lines.find((l) => PAPERS_COUNT.test(squeezeSpaces(l.text)) && /P/.test(l.text))?.number ?? first.number;
    warn(line, `the page says it lists ${profile.listedCount} papers, but ${profile.papers.length} were read.`);
  }
  return { profile: ProfileSchema.parse(profile), warnings };
}

function readHeaderLine(profile: Profile, text: string): boolean {
  for (const { key, pattern } of HEADER_METRICS) {
    const match = pattern.exec(text);
    if (match?.[1] !== undefined) {
      profile[key] = toNumber(match[1]);
      return true;
    }
  }
  const count = PAPERS_COUNT.exec(text);
  if (count?.[1] !== undefined) {
    // "18papers" (glued, lower case) is the site's metric; "18 Papers" heads the list below it.
    const isMetric = count[2] === '' && count[3]?.[0] === 'p';
    const isListed = count[3]?.[0] === 'P';
    if (isMetric || (!isListed && profile.paperCount === null && profile.listedCount === null)) {
      profile.paperCount = toNumber(count[1]);
    } else profile.listedCount = toNumber(count[1]);
    return true;
  }
  if (profile.category === null && MAIN_CATEGORY.test(text)) {
    profile.category = text;
    return true;
  }
  return false;
}

function readPaper(
  start: Line,
  block: Line[],
  lines: Line[],
  warn: (line: number, message: string) => void,
): ProfilePaper | undefined {
  const header = PAPER_HEADER.exec(squeezeSpaces(start.text));
  if (!header) {
    warn(
      start.number,
      `expected a category and a date like "CLJun 28, 2023", got "${start.text}"; that paper was skipped. Fix the line or remove the paper.`,
    );
    return undefined;
  }
  const [, category = '', month = '', day = '', year = '', code] = header;
  const date = toIsoDate(Number(year), MONTHS.indexOf(month as (typeof MONTHS)[number]) + 1, Number(day));
  if (date === undefined) {
    warn(start.number, `"${month} ${day}, ${year}" is not a real date; that paper was skipped. Fix the date.`);
    return undefined;
  }
  const [titleLine, authorLine] = block;
  if (titleLine === undefined) {
    warn(start.number, 'the paper has no title after its date line; it was skipped. Add the title or remove the line.');
    return undefined;
  }
  if (authorLine === undefined)
    warn(titleLine.number, `the paper "${titleLine.text.slice(0, 60)}" has no authors line.`);
  const { authors, authorsTruncated, affiliations } = parseAuthorLine(authorLine?.text ?? '');
  const abstractLines = block.slice(2);
  return {
    category,
    date,
    hasCode: code !== undefined,
    title: squeezeSpaces(titleLine.text),
    authors,
    authorsTruncated,
    affiliations,
    abstract: abstractLines.length ? joinParagraphs(abstractLines, lines) : null,
  };
}

/** Splits "A, B, C et al. · org1, org2" into authors, the "et al." flag and affiliations. */
export function parseAuthorLine(text: string): Pick<ProfilePaper, 'authors' | 'authorsTruncated' | 'affiliations'> {
  const [names = '', ...rest] = squeezeSpaces(text).split(AUTHOR_SEPARATOR);
  const authorsTruncated = ET_AL.test(names);
  const list = (value: string) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  return { authors: list(names.replace(ET_AL, '')), authorsTruncated, affiliations: list(rest.join(', ')) };
}

// Lines of one paragraph are joined by a newline, paragraphs by a blank line, as the page had them.
function joinParagraphs(block: Line[], lines: Line[]): string {
  let out = '';
  let previous: Line | undefined;
  for (const line of block) {
    if (previous) {
      const gap = lines.slice(previous.number, line.number - 1).length > 0;
      out += gap ? '\n\n' : '\n';
    }
    out += line.text;
    previous = line;
  }
  return out;
}

/** `YYYY-MM-DD` for a real calendar date, else undefined. */
export function toIsoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (year < 1000) return undefined;
  return date.toISOString().slice(0, 10);
}
