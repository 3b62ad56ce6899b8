/** A paper a message points at: an arXiv id (without version) or a DOI (lower case, as DOIs ignore case). */
export type PaperRef = { kind: 'arxiv'; id: string; version: number | null } | { kind: 'doi'; doi: string };

// arXiv's archives before 2007 (old-style ids `hep-th/9901001`): a fixed list, so `foo/1234567` is no id.
const ARCHIVES =
  'acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|cond-mat|cs|' +
  'dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|mtrl-th|nlin|nucl-ex|nucl-th|patt-sol|' +
  'physics|plasm-ph|q-alg|q-bio|q-fin|quant-ph|solv-int|stat|supr-con';
// `2310.13548` or `hep-th/9901001` / `math.GT/0309136` (the subject class is not part of the id). An archive
// before a new-style id (`hep-th/1601.07616`, seen in references) is dropped.
const SUBJECT = '(?:\\.[a-z]{2,8}(?:-[a-z]{2,8})?)?';
const ID = `(?:(?:(?:${ARCHIVES})${SUBJECT}/)?(\\d{4}\\.\\d{4,5})|((?:${ARCHIVES})${SUBJECT}/\\d{7}))`;
const VERSION = '(?:v(\\d{1,4}))?';
// After an id: no letter, digit or hyphen, and no dot or slash that goes on with one (`2310.13548.5`).
const ID_END = '(?![\\w-]|[./]\\w)';
// In a URL the id may be followed by a path (`/html/ID/x1.png`).
const URL_ID_END = '(?![\\w-]|\\.\\w)';
// What a URL may carry after its id and we ignore: a query string, a fragment, a trailing slash.
const URL_TAIL = '(?:[?#/][^\\s<>"|]*)?';
const NEW_ID = '(\\d{4}\\.\\d{4,5})';
// arXiv prints an id with its primary category: `arXiv:2310.13548 [cs.CL]`.
const CATEGORY_TAIL = '(?:\\s?\\[[a-z-]{2,16}(?:\\.[a-z-]{2,16})?\\])?';
// arXiv's pages and the mirrors people paste: abs, pdf, html (also www., export., ar5iv).
const ARXIV_URL =
  '(?:https?://)?(?:(?:www|export|browse)\\.)?(?:arxiv\\.org|ar5iv\\.labs\\.arxiv\\.org|ar5iv\\.org|alphaxiv\\.org)' +
  '/(?:abs|pdf|html|overview)/(?:arxiv:)?';
// A DOI: `10.` a registrant code (dots allowed: `10.1000.10`), a slash (percent-encoded too), a suffix of anything
// but spaces, quotes and bars. SICI suffixes hold `<…>` (`…(199806)46:4/5<493::AID-PROP493>3.0.CO;2-P`).
const DOI = '(10\\.\\d{4,9}(?:\\.\\d{1,9}){0,4}(?:/|%2[fF])[^\\s"|]+)';
// doi.org and its mirrors (dx., www., doi.acm.org, …), with an optional `urn:doi:`; `doi:` and `urn:doi:`.
const DOI_PREFIX =
  '(?:(?:https?://)?(?:(?:dx|www)\\.)?doi(?:\\.[a-z0-9-]{2,30}){1,3}/(?:urn:doi:|doi:)?|(?:urn:)?doi:\\s?)';

/**
 * One pass over the text, each alternative starting with a literal or a bounded run and with no nested
 * quantifiers, so matching is linear in the text's length. Groups: 1-3 arXiv URL, 4-6 `arXiv:ID`, 7-9 bare id,
 * 10-11 Hugging Face, 12 DOI after a prefix, 13 a Nature article, 14 a bare DOI.
 */
const LINK = new RegExp(
  // Only where a token starts: after a space, an opening bracket or quote, markdown emphasis, or the comma or
  // semicolon of a list written without spaces (`2310.13548,2310.13549`).
  `(?<![^\\s([{"'*_~,;\u00ab\u201c])(?:` +
    `${ARXIV_URL}${ID}${VERSION}(?:\\.pdf)?${URL_ID_END}${URL_TAIL}` +
    `|arxiv:\\s?${ID}${VERSION}${ID_END}${CATEGORY_TAIL}` +
    `|${ID}${VERSION}${ID_END}${CATEGORY_TAIL}` +
    `|(?:https?://)?(?:www\\.)?(?:huggingface|hf)\\.co/papers/${NEW_ID}${VERSION}${URL_ID_END}${URL_TAIL}` +
    `|${DOI_PREFIX}${DOI}` +
    // Nature's article pages name the DOI's suffix under its prefix 10.1038 (`nature.com/articles/nature14539`).
    `|(?:https?://)?(?:www\\.)?nature\\.com/articles/([a-z0-9][a-z0-9.-]{2,60})${URL_ID_END}${URL_TAIL}` +
    ')' +
    // A bare DOI anywhere a word does not go on into it: in running text, or in a publisher's link
    // (`dl.acm.org/doi/10.1145/…`, `…?doi=10.5220/…`).
    `|(?<![\\w.\\-%])${DOI}`,
  'gi',
);

// Slack wraps links as `<url>` or `<url|label>`; Discord's `<url>` suppresses the embed. Keep the url only.
// Not after a letter, digit or bracket: a SICI DOI's `…42:5<952::AID-MRM16>3.0.CO;2-S` is no wrapping.
const WRAPPED = /(?<![\w)\]])<([^<>|\s]*)(?:\|[^<>]*)?>/g;
const ARXIV_DOI = new RegExp(`^10\\.48550/arxiv\\.${ID}${VERSION}$`, 'i');
// What comes before a DOI in a publisher's link: a host, then a path.
const URL_START = /^[(<["']?(?:https?:\/\/)?[\w-]+(?:\.[\w-]+)+\/\S*$/i;
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
  // The start of the whitespace-delimited token at `at`, found by scanning forward only: linear overall.
  let tokenStart = 0;
  let scanned = 0;
  for (const found of findLinks(plain)) {
    for (; scanned < found.start; scanned++) if (/\s/.test(plain[scanned] as string)) tokenStart = scanned + 1;
    let { start, end } = found;
    // A DOI inside a publisher's link (`https://dl.acm.org/doi/10.1145/…`): the whole link is the paper's.
    // Only right after a path's `/` or a query's `=`, and within a URL's length: no slice per id of a long list.
    const after = plain[start - 1];
    if (
      (after === '/' || after === '=') &&
      tokenStart < start &&
      start > at &&
      start - tokenStart <= 2048 &&
      URL_START.test(plain.slice(tokenStart, start))
    ) {
      start = tokenStart;
      while (end < plain.length && !/\s/.test(plain[end] as string)) end++;
    }
    if (start < at) start = at;
    rest += plain.slice(at, start);
    at = Math.max(at, end);
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
  // Slack escapes `<`, `>` and `&` in message text; a DOI may hold them.
  return text
    .replace(WRAPPED, (_all, url: string) => ` ${url} `)
    .replace(/&(lt|gt|amp);/g, (_all, name: string) => (name === 'lt' ? '<' : name === 'gt' ? '>' : '&'));
}

function findLinks(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(LINK)) {
    const start = m.index;
    // The span runs to the match's end, query and trailing punctuation included: `isOnlyLinks` drops it whole.
    const end = start + m[0].length;
    let ref: PaperRef | undefined;
    const rawDoi = m[12] ?? (m[13] === undefined ? m[14] : `10.1038/${m[13]}`);
    if (rawDoi !== undefined) {
      const doi = cleanDoi(rawDoi);
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

/**
 * `YYMM.NNNN` from April 2007 to 2014, `YYMM.NNNNN` since 2015 (or since 2007, as arXiv's own parser and
 * reference lists accept: `1203.12345`); the month 01-12; the number from 1 (`0704.0000` is none).
 */
function isNewId(id: string): boolean {
  const year = Number(id.slice(0, 2));
  const month = Number(id.slice(2, 4));
  if (month < 1 || month > 12 || Number(id.slice(5)) === 0) return false;
  const digits = id.length - 5;
  if (year < 7 || (year === 7 && month < 4)) return false;
  return digits === 5 || year <= 14;
}

/** `math.GT/0309136` -> `math/0309136`, `YYMMNNN` from 1991 to March 2007. */
function toOldId(raw: string): string | undefined {
  const slash = raw.indexOf('/');
  const archive = raw.slice(0, slash).toLowerCase();
  const number = raw.slice(slash + 1);
  const year = Number(number.slice(0, 2));
  const month = Number(number.slice(2, 4));
  if (month < 1 || month > 12) return undefined;
  if (!(year >= 91 || year <= 7) || Number(number.slice(4)) === 0) return undefined;
  const dot = archive.indexOf('.');
  return `${dot < 0 ? archive : archive.slice(0, dot)}/${number}`;
}

function fromDoi(doi: string): PaperRef | undefined {
  const arxiv = ARXIV_DOI.exec(doi);
  if (!arxiv) return { kind: 'doi', doi };
  return arxivRef(arxiv[1], arxiv[2], arxiv[3]);
}

/**
 * Cuts a query string or fragment (and, in a link's query string, the next parameter), drops LaTeX's escaping
 * backslashes, trailing punctuation and unbalanced closing brackets, percent-decodes and lower-cases.
 */
function cleanDoi(raw: string): string {
  let doi = raw;
  const cut = doi.search(/[?#]|&\w+=/);
  if (cut >= 0) doi = doi.slice(0, cut);
  doi = doi.replaceAll('\\', '');
  // Depths counted once and updated as characters go, so a run of closing brackets stays linear.
  const depth = {
    ')': depthOf(doi, '(', ')'),
    ']': depthOf(doi, '[', ']'),
    '}': depthOf(doi, '{', '}'),
    '>': depthOf(doi, '<', '>'),
  };
  let end = doi.length;
  for (;;) {
    const last = doi[end - 1];
    if (last === undefined) break;
    if ('.,;:!\'"*_~\u201d\u00bb'.includes(last)) end--;
    else if ((last === ')' || last === ']' || last === '}' || last === '>') && depth[last] < 0) {
      depth[last]++;
      end--;
    } else break;
  }
  doi = decode(doi.slice(0, end)).toLowerCase();
  // A DOI needs a suffix after its prefix: `10.1234/` alone is no DOI.
  return /^10\.\d{4,9}(?:\.\d{1,9}){0,4}\/\S/u.test(doi) ? doi : '';
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

/** Percent-decodes; a stray `%` (`10.1006/rwei.1999%.0001`) leaves the runs around it decoded. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
