import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PaperboyError } from '../errors.ts';

/** A parsed XML element: attributes under `@_name`, text under `#text`, children by local name. */
export type XmlNode = { [key: string]: unknown };

// arXiv sends several entries, categories, authors and links per element; one of them must still be a list.
const LISTS = new Set(['entry', 'category', 'author', 'link', 'record', 'setSpec']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Elements are matched by local name whatever prefix a document gives its namespace (the legacy API layout
  // declares it on each element), and never by position.
  removeNSPrefix: true,
  // Ids such as 2505.02811 must stay text, not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  // DOCTYPE entities stay off (no expansion attacks); the five XML entities and numeric references are decoded
  // by `decodeXmlText`, once, so `&amp;#233;` stays the text `&#233;`.
  processEntities: false,
  htmlEntities: false,
  isArray: (name) => LISTS.has(name),
});

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references in one pass; anything else stays as written. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g, (whole, hex, dec, name) => {
    if (name) return NAMED[name] ?? whole;
    const code = hex ? Number.parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Parses an arXiv XML answer into nodes.
 *
 * @param what - the format and where it came from, for the message (`listing feed https://…`)
 * @throws PaperboyError `arxiv_unparsable` when the text is not well-formed XML
 */
export function parseXml(xml: string, what: string): XmlNode {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new PaperboyError(
      'arxiv_unparsable',
      `${what} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}). arXiv may be down or a proxy answered instead; try again later or check the URL.`,
    );
  }
  // The parser refuses some documents itself (an external entity in the DOCTYPE): that refusal is coded here,
  // so the CLI prints one line instead of a stack trace and a running bot logs it as arXiv's failure.
  try {
    return parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new PaperboyError(
      'arxiv_unparsable',
      `${what} could not be read as XML (${(error as Error).message}). arXiv may be down or a proxy answered instead; try again later or check the URL.`,
      { cause: error },
    );
  }
}

const isNode = (value: unknown): value is XmlNode => typeof value === 'object' && value !== null;

/** The child element `name` of `node` (the first when there are several), if any. */
export function child(node: unknown, name: string): XmlNode | undefined {
  if (!isNode(node)) return undefined;
  const value = node[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return isNode(first) ? first : { '#text': String(first) };
}

/** Every child element `name` of `node`. */
export function children(node: unknown, name: string): XmlNode[] {
  if (!isNode(node)) return [];
  const value = node[name];
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((v) => (isNode(v) ? v : { '#text': String(v) }));
}

/** The raw decoded text of an element (empty when it has none). */
export function rawText(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (!isNode(node)) return decodeXmlText(String(node));
  const value = node['#text'];
  return value === undefined ? '' : decodeXmlText(String(value));
}

/** The text of child `name`, white space squeezed; null when absent or empty. */
export function textOf(node: unknown, name: string): string | null {
  const text = squeeze(rawText(child(node, name)));
  return text === '' ? null : text;
}

/** A decoded attribute value. */
export function attr(node: unknown, name: string): string | null {
  if (!isNode(node)) return null;
  const value = node[`@_${name}`];
  return value === undefined ? null : decodeXmlText(String(value));
}

/** Collapses white space to single spaces and trims. */
export const squeeze = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Abstract text as Paperboy stores it: arXiv marks a paragraph break with a newline and an indent (`\n  `);
 * paragraphs are joined by a blank line as profile pages have them, and every other run of white space (the
 * legacy layout's hard wraps) becomes one space.
 */
export function toAbstract(text: string): string {
  return text
    .trim()
    .split(/\n[ \t]{2,}/)
    .map(squeeze)
    .filter((p) => p !== '')
    .join('\n\n');
}

// New-style ids (2310.13548, 0704.0001) and old-style ones (hep-th/9901001, math.GT/0309136).
const ARXIV_ID = /^(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/i;
const PREFIXES = /^(?:oai:arXiv\.org:|arXiv:|https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/)/i;

/** Splits `oai:arXiv.org:2310.13548v4`, `arXiv:…` or an abs URL into the id without version and the version. */
export function splitArxivId(raw: string): { arxivId: string; version: number | null } | null {
  const match = ARXIV_ID.exec(raw.trim().replace(PREFIXES, ''));
  if (!match?.[1]) return null;
  return { arxivId: match[1], version: match[2] ? Number(match[2]) : null };
}

/** `YYYY-MM-DD` from the start of a timestamp, or null. */
export const toDay = (value: string | null): string | null => {
  const day = value?.slice(0, 10) ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
};
