import { parse } from '@retorquere/bibtex-parser';
import { PaperboyError } from '../errors.ts';
import { toPaperKey } from '../store/identity.ts';

/** The largest `.bib` file an import reads. */
export const BIB_MAX_BYTES = 10 * 1024 * 1024;

/** One entry of a library as matching needs it. */
export interface BibEntry {
  key: string;
  title: string;
  arxivId: string | null;
  doi: string | null;
}

export interface BibLibrary {
  entries: BibEntry[];
  errors: { line: number; message: string }[];
}

const NEW_ID = /(\d{4}\.\d{4,5})(?:v\d+)?/;
const OLD_ID = /([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?/;
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

const idIn = (text: string): string | null => {
  const m = NEW_ID.exec(text) ?? OLD_ID.exec(text);
  return m ? (m[1] as string) : null;
};

/** The DOI of a field, without `https://doi.org/` or `doi:` in front. */
const bareDoi = (value: string): string =>
  value
    .trim()
    .replace(/^https?:\/\/(dx\.)?doi\.org\//i, '')
    .replace(/^doi:\s*/i, '');

/**
 * The arXiv id an entry names, wherever a reference manager put it: `eprint` (Better BibTeX), an arXiv DOI
 * (`10.48550/arXiv.ID`), an arxiv.org `url`, or `arXiv:ID` in `note` or `journal` (Zotero).
 */
export function arxivIdOf(fields: Record<string, unknown>): string | null {
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const eprint = text('eprint');
  const prefix = text('archiveprefix') || text('eprinttype');
  if (eprint && (!prefix || /arxiv/i.test(prefix))) {
    const id = idIn(eprint);
    if (id) return id;
  }
  const doi = ARXIV_DOI.exec(bareDoi(text('doi')));
  if (doi) {
    const id = idIn(doi[1] as string);
    if (id) return id;
  }
  const url = /arxiv\.org\/(?:abs|pdf)\/([^\s?#]+)/i.exec(text('url'));
  if (url) {
    const id = idIn(url[1] as string);
    if (id) return id;
  }
  for (const name of ['note', 'journal', 'journaltitle', 'howpublished']) {
    const m = /arxiv[:\s]\s*([^\s,;\]]+)/i.exec(text(name));
    if (m) {
      const id = idIn(m[1] as string);
      if (id) return id;
    }
  }
  return null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and other control bytes mark a binary file
const BINARY = /[\u0000-\u0008\u000e-\u001a]/;

const lineOf = (message: string, input: string | undefined, text: string): number => {
  const m = /at line (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (input) {
    const at = text.indexOf(input);
    if (at >= 0) return text.slice(0, at).split('\n').length;
  }
  return 0;
};

/** At most this many entries a file: the parser's time grows faster than linearly on entries that never close. */
export const BIB_MAX_ENTRIES = 20_000;
/** At most this many braces open at once: deeper nesting overflows the parser's stack. */
export const BIB_MAX_DEPTH = 200;

/**
 * Refuses, before parsing, the two shapes that make the BibTeX parser hang or overflow its stack: too many entries
 * and braces nested too deep. One linear pass; a real library is far inside both bounds.
 */
function refuseHostileShape(text: string, name: string): void {
  let entries = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 64 /* @ */) {
      entries++;
      if (entries > BIB_MAX_ENTRIES)
        throw new PaperboyError(
          'file_unreadable',
          `${name} holds more than ${BIB_MAX_ENTRIES.toLocaleString('en-US')} "@" entries, more than one import takes. Split the library into smaller files and import each.`,
        );
    } else if (c === 123 /* { */) {
      depth++;
      if (depth > BIB_MAX_DEPTH)
        throw new PaperboyError(
          'file_unreadable',
          `${name} nests braces more than ${BIB_MAX_DEPTH} deep (line ${text.slice(0, i).split('\n').length}), which no reference manager writes. Export the library again as BibTeX (.bib) and import that file.`,
        );
    } else if (c === 125 /* } */ && depth > 0) depth--;
  }
}

/**
 * Reads a BibTeX library (Zotero's, Better BibTeX's, JabRef's exports) with `@retorquere/bibtex-parser`. Entries
 * that parse are returned, the rest are listed in `errors` with their line. Text that is not BibTeX (binary, or
 * no entry at all) is our error, `not_bibtex`-worded, code `file_unreadable`.
 */
export function parseBibLibrary(text: string, name: string): BibLibrary {
  if (BINARY.test(text.slice(0, 65536)))
    throw new PaperboyError(
      'file_unreadable',
      `${name} is not BibTeX: it holds binary data. Export the library from your reference manager as BibTeX (.bib) and import that file.`,
    );
  refuseHostileShape(text, name);
  const library = parse(text, { sentenceCase: false, english: false, raw: false });
  const errors = library.errors.map((e) => ({ line: lineOf(e.error, e.input, text), message: e.error }));
  const entries = library.entries
    // An entry the parser gave up on inside (an unbalanced brace) comes back without fields: it is in `errors`.
    .filter((entry) => Object.keys(entry.fields).length > 0)
    .map((entry): BibEntry => {
      const fields = entry.fields as Record<string, unknown>;
      const title = typeof fields.title === 'string' ? fields.title : '';
      const doi = typeof fields.doi === 'string' && fields.doi.trim() ? bareDoi(fields.doi) : null;
      return { key: entry.key, title, arxivId: arxivIdOf(fields), doi };
    });
  if (entries.length === 0)
    throw new PaperboyError(
      'file_unreadable',
      `${name} holds no BibTeX entry${errors.length ? ` (${errors[0]?.message})` : ''}. Export the library from your reference manager as BibTeX (.bib) and import that file.`,
    );
  return { entries, errors };
}

/** A title as it is matched: `toPaperKey` after LaTeX markup and braces are taken out. */
export function titleMatchKey(title: string): string {
  const plain = title
    .replace(/\\[a-zA-Z]+\s*/g, ' ')
    .replace(/[{}$\\]/g, '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  return toPaperKey(plain);
}
