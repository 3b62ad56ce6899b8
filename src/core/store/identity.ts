import { toMatchKey } from '../text.ts';
import type { PaperInput } from './paper-store.ts';

/** The identity of a profile: its researcher's name, case and spacing folded. */
export const toProfileKey = (name: string): string => name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

/** The identity of a paper: its title with case, accents, punctuation and spacing folded (see docs/storage.md). */
export const toPaperKey = (title: string): string => toMatchKey(title);

/**
 * An arXiv id as papers are keyed by it: without version, `arXiv:` prefix or spaces, and its version apart.
 * @example toArxivKey('arXiv:2310.13548v4') // { id: '2310.13548', version: 4 }
 */
export function toArxivKey(raw: string): { id: string; version: number | null } {
  const bare = raw.trim().replace(/^arxiv:\s*/i, '');
  const versioned = /^(.+?)v(\d+)$/i.exec(bare);
  return versioned ? { id: versioned[1] as string, version: Number(versioned[2]) } : { id: bare, version: null };
}

/** A DOI as it is compared: without `https://doi.org/` or `doi:` in front (case is ignored where it is looked up). */
export const toDoiKey = (raw: string): string =>
  raw
    .trim()
    .replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '')
    .trim();

/** What the identity rules (docs/storage.md) compare of an incoming paper: its arXiv id without version. */
export function withArxivKey(paper: PaperInput): PaperInput {
  if (!paper.arxivId) return { ...paper, arxivId: null };
  const key = toArxivKey(paper.arxivId);
  return { ...paper, arxivId: key.id, arxivVersion: paper.arxivVersion ?? key.version };
}
