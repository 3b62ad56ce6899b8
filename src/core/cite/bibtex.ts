/**
 * BibTeX entries for papers: pure text, no I/O. Values are written in braces with LaTeX's special characters
 * escaped, capitals in titles protected, and other characters kept as UTF-8 (biber and BibTeX 0.99d read it).
 */

/** What an entry needs of a paper (a {@link StoredPaper} has it all; `doi` and `journalRef` once known). */
export interface CitablePaper {
  title: string;
  authors: readonly string[];
  /** True when the list was cut short ("et al."): the entry ends its authors with `and others`. */
  authorsTruncated: boolean;
  /** `YYYY-MM-DD` or `YYYY`. */
  date: string;
  arxivId: string | null;
  venue: string | null;
  category: string | null;
  categoryFull: string | null;
  doi?: string | null;
  journalRef?: string | null;
}

// Words that never make a key: articles, prepositions, conjunctions and the like.
const FUNCTION_WORDS = new Set(
  'a an the of on in at to for from by with without into onto over under about as and or nor but not no is are be was were do does did how what why when which who whom whose where can could should would will may might must via vs versus toward towards we our us you your it its this that these those than then there their they i if so up out off per'.split(
    ' ',
  ),
);

// An arXiv category as arXiv spells it: `cs.CL`, `math.PR`, `hep-th`, `quant-ph`.
const ARXIV_CATEGORY = /^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?$/;
// Verbatim fields (doi, eprint, url) are read as written: only braces, which would end the value, must go.
const verbatim = (text: string) => text.trim().replace(/[{}\s]/g, '');

/** Lowercase ASCII letters and digits only: accents dropped (`Müller` -> `muller`), other scripts gone. */
export const toAsciiKey = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * Escapes LaTeX's special characters (`& % $ # _ { } ~ ^ \`) and collapses whitespace. Braces become
 * `\textbraceleft{}`/`\textbraceright{}` rather than `\{`, because BibTeX counts every brace, escaped or not,
 * when it finds where a value ends.
 */
export function escapeLatex(text: string): string {
  let out = '';
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  chars.forEach((char, i) => {
    // TeX makes ligatures of `--`, `''`, ``` `` ```, ``!` `` and ``?` ``: an empty group between keeps both characters.
    const next = chars[i + 1];
    const ligature =
      (next === '-' && char === '-') || (next === "'" && char === "'") || (next === '`' && '`!?'.includes(char));
    switch (char) {
      case '\\':
        out += '\\textbackslash{}';
        break;
      case '{':
        out += '\\textbraceleft{}';
        break;
      case '}':
        out += '\\textbraceright{}';
        break;
      case '~':
        out += '\\textasciitilde{}';
        break;
      case '^':
        out += '\\textasciicircum{}';
        break;
      // `<` and `>` are `¡` and `¿` in TeX's default font encoding.
      case '<':
        out += '\\textless{}';
        break;
      case '>':
        out += '\\textgreater{}';
        break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
        out += `\\${char}`;
        break;
      default:
        // Control characters have no place in a .bib file.
        out += /\p{Cc}/u.test(char) ? ' ' : char + (ligature ? '{}' : '');
    }
  });
  return out;
}

/**
 * A title with the case of what must keep it protected, as Better BibTeX does: acronyms and words with a capital
 * after their first letter (`{GPT-4}`, `{LLMs}`, `{BibTeX}`) go in braces; ordinary capitalised words
 * (`Towards Understanding Sycophancy`) do not, so a style may lower-case them. A title of one word has its
 * capitals braced one by one instead, since `title = {{Word}}` reads to many tools as a title someone
 * double-braced by habit.
 */
export function toBibTitle(title: string): string {
  const words = escapeLatex(title).split(' ');
  if (words.length === 1) {
    const only = words[0] ?? '';
    return keepsCase(only) ? only.replace(/\p{Lu}+/gu, '{$&}') : only;
  }
  // A group that opens with a command (`{\&Word}`) is a BibTeX "special character", whose letters styles do
  // change case: an empty group first (`{{}\&Word}`) keeps it an ordinary, protected group.
  return words.map((word) => (keepsCase(word) ? `{${word.startsWith('\\') ? '{}' : ''}${word}}` : word)).join(' ');
}

/** A word whose letters hold a capital after the first: an acronym or a name like `iPhone`, `BibTeX`, `GPT-4`. */
function keepsCase(word: string): boolean {
  const letters = word.replace(/\\[a-z]+|[^\p{L}]/gu, '');
  return /\p{Lu}/u.test(letters.slice(1));
}

const isEtAl = (name: string) => /^(?:et\.?\s*al\.?|others|…|\.\.\.)$/i.test(name.trim());

/** Splits a name as written ("José van Müller") into family (the last word) and given names. */
export function splitName(name: string): { family: string; given: string } {
  const words = name.replace(/\s+/g, ' ').trim().split(' ');
  const family = words.pop() ?? '';
  return { family, given: words.join(' ') };
}

/** One author as `{Family}, Given`: the braces keep a comma or an "and" in a name from splitting it. */
function toBibName(name: string): string {
  const { family, given } = splitName(name);
  const protect = (part: string) => (/,|\band\b/i.test(part) ? `{${escapeLatex(part)}}` : escapeLatex(part));
  return given ? `{${escapeLatex(family)}}, ${protect(given)}` : `{${escapeLatex(family)}}`;
}

/** The `author` value: names joined with `and`, ending with `and others` when the list was cut short. */
export function toBibAuthors(paper: Pick<CitablePaper, 'authors' | 'authorsTruncated'>): string {
  const names = paper.authors.filter((a) => a.trim() !== '' && !isEtAl(a));
  const truncated = paper.authorsTruncated || names.length < paper.authors.filter((a) => a.trim() !== '').length;
  return [...names.map(toBibName), ...(truncated && names.length ? ['others'] : [])].join(' and ');
}

/** The key before it is made unique: family name + year + first title word that is not a function word. */
export function baseKey(paper: Pick<CitablePaper, 'authors' | 'title' | 'date'>): string {
  const first = paper.authors.find((a) => a.trim() !== '' && !isEtAl(a));
  const family = first ? toAsciiKey(splitName(first).family) : '';
  const year = /^\d{4}/.exec(paper.date)?.[0] ?? '';
  const word =
    paper.title
      .split(/[^\p{L}\p{N}]+/u)
      .map((w) => toAsciiKey(w))
      .find((w) => w !== '' && !FUNCTION_WORDS.has(w)) ?? '';
  return `${family || 'anon'}${year}${word}`;
}

/**
 * Keys for papers cited together, unique within them: the first of a kind keeps its key, the next ones get
 * `a`, `b`, … (`smith2023deep`, `smith2023deepa`), as JabRef and Better BibTeX do.
 */
export function uniqueKeys(papers: readonly Pick<CitablePaper, 'authors' | 'title' | 'date'>[]): string[] {
  const used = new Set<string>();
  return papers.map((paper) => {
    const base = baseKey(paper);
    let key = base;
    for (let n = 0; used.has(key); n++) key = `${base}${suffix(n)}`;
    used.add(key);
    return key;
  });
}

/** 0 -> a, 25 -> z, 26 -> aa, … */
const suffix = (n: number): string =>
  (n >= 26 ? suffix(Math.floor(n / 26) - 1) : '') + String.fromCharCode(97 + (n % 26));

const field = (name: string, value: string) => `  ${name} = {${value}}`;

/** One entry, under the given key. */
export function toBibtexEntry(paper: CitablePaper, key: string): string {
  const year = /^\d{4}/.exec(paper.date)?.[0];
  const fields: string[] = [field('title', toBibTitle(paper.title))];
  const authors = toBibAuthors(paper);
  if (authors) fields.push(field('author', authors));
  if (year) fields.push(field('year', year));
  const venue = paper.venue?.trim();
  if (venue) fields.push(field('booktitle', escapeLatex(venue)));
  if (paper.journalRef?.trim()) fields.push(field('journal', escapeLatex(paper.journalRef)));
  if (paper.doi?.trim()) fields.push(field('doi', verbatim(paper.doi)));
  if (paper.arxivId) {
    fields.push(field('eprint', verbatim(paper.arxivId)), field('archivePrefix', 'arXiv'));
    const primary = [paper.categoryFull, paper.category].find((c) => c && ARXIV_CATEGORY.test(c));
    if (primary) fields.push(field('primaryClass', primary));
    fields.push(field('url', `https://arxiv.org/abs/${verbatim(paper.arxivId)}`));
  }
  const type = venue ? 'inproceedings' : 'misc';
  return `@${type}{${key},\n${fields.join(',\n')}\n}`;
}

/** Entries for papers cited together (a reading list, `paperboy bibtex`), keys unique, a blank line apart. */
export function toBibtex(papers: readonly CitablePaper[]): string {
  const keys = uniqueKeys(papers);
  return papers.map((paper, i) => toBibtexEntry(paper, keys[i] as string)).join('\n\n') + (papers.length ? '\n' : '');
}
