/** A paper a message points at: an arXiv id (without version) or a DOI (lower case, as DOIs ignore case). */
export type PaperRef = { kind: 'arxiv'; id: string; version: number | null } | { kind: 'doi'; doi: string };

// arXiv's archives before 2007 (old-style ids `hep-th/9901001`): a fixed list, so `foo/1234567` is no id.
const ARCHIVES =
  'acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|cond-mat|cs|' +
  'dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|mtrl-th|nlin|nucl-ex|nucl-th|patt-sol|' +
  'physics|plasm-ph|q-alg|q-bio|q-fin|quant-ph|solv-int|stat|supr-con';
// `2310.13548` or `hep-th/9901001` / `math.GT/0309136` (the subject class is not part of the id).
const ID = `(?:(\\d{4}\\.\\d{4,5})|((?:${ARCHIVES})(?:\\.[a-z]{2,8}(?:-[a-z]{2,8})?)?/\\d{7}))`;
const VERSION = '(?:v(\\d{1,4}))?';
// After an id: no letter, digit or hyphen, and no dot or slash that goes on with one (`2310.13548.5`).
const ID_END = '(?![\\w-]|[./]\\w)';
// In a URL the id may be followed by a path (`/html/ID/x1.png`).
const URL_ID_END = '(?![\\w-]|\\.\\w)';
// What a URL may carry after its id and we ignore: a query string, a fragment, a trailing slash.
const URL_TAIL = '(?:[?#/][^\\s<>"|]*)?';
const NEW_ID = '(\\d{4}\\.\\d{4,5})';

/**
 * One pass over the text, each alternative starting with a literal or a bounded run and with no nested
 * quantifiers, so matching is linear in the text's length. Groups: 1-3 arXiv URL, 4-6 `arXiv:ID`, 7-9 bare id,
 * 10-11 Hugging Face, 12 DOI.
 */
const LINK = new RegExp(
  // Only where a token starts: after a space, an opening bracket or quote, markdown emphasis, or the comma or
  // semicolon of a list written without spaces (`2310.13548,2310.13549`).
  `(?<![^\\s([{"'*_~,;\u00ab\u201c])(?:` +
    `(?:https?://)?(?:(?:www|export)\\.)?arxiv\\.org/(?:abs|pdf|html)/${ID}${VERSION}(?:\\.pdf)?${URL_ID_END}${URL_TAIL}` +
    `|arxiv:\\s?${ID}${VERSION}${ID_END}` +
    `|${ID}${VERSION}${ID_END}` +
    `|(?:https?://)?(?:www\\.)?huggingface\\.co/papers/${NEW_ID}${VERSION}${URL_ID_END}${URL_TAIL}` +
    `|(?:(?:https?://)?(?:dx\\.|www\\.)?doi\\.org/|doi:\\s?)(10\\.\\d{4,9}/[^\\s<>"|]+)` +
    ')',
  'gi',
);

// Slack wraps links as `<url>` or `<url|label>`; Discord's `<url>` suppresses the embed. Keep the url only.
const WRAPPED = /<([^<>|\s]*)(?:\|[^<>]*)?>/g;
const ARXIV_DOI = new RegExp(`^10\\.48550/arxiv\\.${ID}${VERSION}$`, 'i');
const SEPARATORS = /^[\s,;.!?()[\]{}"'*_~<>|\u00ab\u00bb\u201c\u201d-]*$/;

interface Found {
  ref: PaperRef;
  start: number;
  end: number;
}

/**
 * The papers a message points at, in order, each once: arXiv abs/pdf/html links (also `www.` and `export.`),
 * `arXiv:ID`, bare ids new (`2310.13548v2`) and old (`hep-th/9901001`), DOIs (`doi.org/…`, `dx.doi.org/…`,
 * `doi:10.…`; arXiv's own `10.48550/arXiv.ID` becomes its arXiv id) and `huggingface.co/papers/ID`. Query
 * strings, fragments, trailing punctuation and Slack's `<url|label>` wrapping are ignored. Never throws; linear
 * time.
 * @example recogniseLinks('see <https://arxiv.org/abs/2310.13548v2|this>.') // [{ kind: 'arxiv', id: '2310.13548', version: 2 }]
 */
export function recogniseLinks(text: string): PaperRef[] {
  const seen = new Set<string>();
  const refs: PaperRef[] = [];
  for (const { ref } of findLinks(unwrap(text))) {
    const key = ref.kind === 'arxiv' ? `arxiv:${ref.id}` : `doi:${ref.doi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(ref);
  }
  return refs;
}

/**
 * True when the text holds at least one paper link or id and nothing else but spaces and punctuation: a lookup,
 * not a search (`2310.13548 transformers` is a search).
 */
export function isOnlyLinks(text: string): boolean {
  const plain = unwrap(text);
  let rest = '';
  let at = 0;
  let any = false;
  for (const found of findLinks(plain)) {
    rest += plain.slice(at, found.start);
    at = found.end;
    any = true;
  }
  rest += plain.slice(at);
  return any && SEPARATORS.test(rest);
}

/** The canonical link of a ref: arXiv's abs page or doi.org. */
export function toRefUrl(ref: PaperRef): string {
  return ref.kind === 'arxiv' ? `https://arxiv.org/abs/${ref.id}` : `https://doi.org/${ref.doi}`;
}

function unwrap(text: string): string {
  return text.replace(WRAPPED, (_all, url: string) => ` ${url} `);
}

function findLinks(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(LINK)) {
    const start = m.index;
    // The span runs to the match's end, query and trailing punctuation included: `isOnlyLinks` drops it whole.
    const end = start + m[0].length;
    let ref: PaperRef | undefined;
    if (m[12] !== undefined) {
      const doi = cleanDoi(m[12]);
      ref = doi === '' ? undefined : fromDoi(doi);
    } else if (m[10] !== undefined) {
      ref = arxivRef(m[10], undefined, m[11]);
    } else {
      const [newId, oldId, version] =
        m[1] || m[2] ? [m[1], m[2], m[3]] : m[4] || m[5] ? [m[4], m[5], m[6]] : [m[7], m[8], m[9]];
      ref = arxivRef(newId, oldId, version);
    }
    if (ref) found.push({ ref, start, end });
  }
  return found;
}

function arxivRef(
  newId: string | undefined,
  oldId: string | undefined,
  version: string | undefined,
): PaperRef | undefined {
  const id = newId !== undefined ? (isNewId(newId) ? newId : undefined) : oldId && toOldId(oldId);
  if (!id) return undefined;
  const n = version === undefined ? null : Number(version);
  return { kind: 'arxiv', id, version: n !== null && n >= 1 ? n : null };
}

/** `YYMM.NNNN` from April 2007 to 2014, `YYMM.NNNNN` since 2015; the month 01-12. */
function isNewId(id: string): boolean {
  const year = Number(id.slice(0, 2));
  const month = Number(id.slice(2, 4));
  if (month < 1 || month > 12) return false;
  const digits = id.length - 5;
  if (digits === 4) return year >= 7 && year <= 14 && (year > 7 || month >= 4);
  return year >= 15;
}

/** `math.GT/0309136` -> `math/0309136`, `YYMMNNN` from 1991 to March 2007. */
function toOldId(raw: string): string | undefined {
  const slash = raw.indexOf('/');
  const archive = raw.slice(0, slash).toLowerCase();
  const number = raw.slice(slash + 1);
  const year = Number(number.slice(0, 2));
  const month = Number(number.slice(2, 4));
  if (month < 1 || month > 12) return undefined;
  if (!(year >= 91 || year <= 7)) return undefined;
  const dot = archive.indexOf('.');
  return `${dot < 0 ? archive : archive.slice(0, dot)}/${number}`;
}

function fromDoi(doi: string): PaperRef | undefined {
  const arxiv = ARXIV_DOI.exec(doi);
  if (!arxiv) return { kind: 'doi', doi };
  return arxivRef(arxiv[1], arxiv[2], arxiv[3]);
}

/** Cuts a query string or fragment, percent-decodes, drops trailing punctuation and unbalanced closing brackets. */
function cleanDoi(raw: string): string {
  let doi = raw;
  const cut = doi.search(/[?#]/);
  if (cut >= 0) doi = doi.slice(0, cut);
  // Depths counted once and updated as characters go, so a run of closing brackets stays linear.
  const depth = { ')': depthOf(doi, '(', ')'), ']': depthOf(doi, '[', ']'), '}': depthOf(doi, '{', '}') };
  let end = doi.length;
  for (;;) {
    const last = doi[end - 1];
    if (last === undefined) break;
    if ('.,;:!\'"*_~>'.includes(last)) end--;
    else if ((last === ')' || last === ']' || last === '}') && depth[last] < 0) {
      depth[last]++;
      end--;
    } else break;
  }
  doi = doi.slice(0, end);
  // A DOI needs a suffix after its prefix: `10.1234/` alone is no DOI.
  if (!/^10\.\d{4,9}\/./.test(doi)) return '';
  return decode(doi).toLowerCase();
}

/** Openings minus closings: below zero when a closing bracket has no opening one. */
function depthOf(text: string, open: string, close: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === open) depth++;
    else if (c === close) depth--;
  }
  return depth;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
