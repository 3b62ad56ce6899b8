/** Text helpers shared by the parsers: normalising keys and splitting raw file text into lines. */

/** Folds case, accents, punctuation and spacing away: the identity of a title or a name. */
export function toMatchKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Collapses runs of white space (tabs included) to one space and trims the ends. */
export function squeezeSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Splits file text into lines whatever the line endings, without a byte-order mark. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

/** True when decoded text looks like binary data rather than a text page. */
export function isBinaryText(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    // Control characters other than tab, newline, carriage return and form feed do not occur in text pages.
    if (code === 0xfffd || (code < 0x20 && code !== 9 && code !== 10 && code !== 12 && code !== 13)) odd++;
  }
  return sample.length > 0 && odd / sample.length > 0.02;
}

/**
 * Cuts text to at most `max` UTF-16 units (how the platforms count their limits), ending with "…" when it was
 * cut, never between the two halves of a surrogate pair: a lone surrogate is invalid text that a platform
 * rejects or shows as �.
 */
export const truncate = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
};

/** True for an http(s) address without spaces or angle brackets, at most `max` long: safe to hand a platform as a link. */
export const isWebLink = (url: string, max: number): boolean => url.length <= max && /^https?:\/\/[^\s<>|]+$/.test(url);

/** A metric for people: `15,836`, with a unit suffix (`54%`); a metric the page did not show is `—`. */
export const formatMetric = (value: number | null, suffix = ''): string =>
  value === null ? '—' : `${value.toLocaleString('en-US')}${suffix}`;

// Whole escape sequences go (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, DCS/SOS/PM/APC `ESC P|X|^|_ … ST`,
// two-byte `ESC x`, and the 8-bit CSI), so no stray `[2J` is left behind; then every other C0 and C1 control
// character but tab and newline (a bare carriage return would let a title overwrite its own line).
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point here
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|[PX^_][^\u001b\u009c]*(?:\u001b\\|\u009c)?|[ -~])?|\u009b[0-?]*[ -/]*[@-~]?|[\u0090\u0098\u009d-\u009f][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point here
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Characters that reorder or hide text: bidi embeddings and overrides (U+202A–202E), isolates (U+2066–2069), the
// Arabic letter mark (U+061C), the zero-width space, (non-)joiners and direction marks (U+200B–200F), the word
// joiner and invisible operators (U+2060–2064) and the zero-width no-break space (U+FEFF). A title with U+202E
// would otherwise show the rest of its line backwards (and whatever follows on the platform's line).
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Removes terminal control characters (ANSI escape sequences whole) except newline and tab, so text from
 * a page or a record cannot move the cursor, clear the screen or set the window title when printed; and the
 * invisible characters that reorder or hide text (bidi overrides and isolates, zero-width characters), so it
 * cannot spoof the rest of a line. Every platform's escape, and the terminal's, starts here.
 * @example toPrintable('Title\u001b[2J\u001b]0;pwned\u0007 end') // 'Title end'
 * @example toPrintable('invoice\u202Efdp.exe') // 'invoicefdp.exe'
 */
export const toPrintable = (text: string): string =>
  text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '').replace(INVISIBLE, '');

/**
 * A count with its noun, singular for one: `1 profile`, `2 profiles`, `18,000 papers` (digits grouped).
 * @example countOf(1, 'profile') // '1 profile'
 */
export const countOf = (n: number, noun: string, plural = `${noun}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;

/**
 * Cuts text at the last word boundary within `max` characters and marks the cut with an ellipsis: an abstract is
 * never cut mid-word, nor without saying so. A single word longer than `max` is cut as {@link truncate} does.
 * @example cutAtWord('Human feedback is commonly used', 20) // 'Human feedback is …'
 */
export function cutAtWord(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const space = flat.lastIndexOf(' ', max - 1);
  return space > max / 2 ? `${flat.slice(0, space)} …` : truncate(flat, max);
}

/**
 * Abstracts as arXiv and records give them hold LaTeX: shown as text, `\textbf{x}`, `$x$` and `\%` read as markup.
 * Keeps the words: text-style commands give their argument, math delimiters and escapes go, `~` is a space.
 * @example fromLatex('a \\textbf{bold} $O(n)$ claim at 50\\%') // 'a bold O(n) claim at 50%'
 */
export function fromLatex(text: string): string {
  if (!/[\\$~{]/.test(text)) return text;
  return text
    .replace(
      /\\(?:textbf|textit|emph|texttt|textsc|textrm|mathrm|mathbf|mathit|mathcal|text|underline)\s*\{([^{}]*)\}/g,
      '$1',
    )
    .replace(/\{\\(?:em|bf|it|sc|tt)\s+([^{}]*)\}/g, '$1')
    .replace(
      /\$\$([^$]*)\$\$|\$([^$]*)\$/g,
      (_all, display: string | undefined, inline: string | undefined) => display ?? inline ?? '',
    )
    .replace(/\\([%&#_$])/g, '$1')
    .replace(/(?<!\\)~/g, ' ')
    .replace(/\\(?:ldots|dots)\b(?:\{\})?/g, '…');
}
