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

/** Cuts text to at most `max` characters, ending with "…" when it was cut (platform length limits). */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** A metric for people: `15,836`, with a unit suffix (`54%`); a metric the page did not show is `—`. */
export const formatMetric = (value: number | null, suffix = ''): string =>
  value === null ? '—' : `${value.toLocaleString('en-US')}${suffix}`;
