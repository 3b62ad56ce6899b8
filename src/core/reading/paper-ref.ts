/**
 * What a person may type to name a paper: the id on its card (`17`), an arXiv id (`2310.13548`, `2310.13548v2`,
 * `arXiv:hep-th/9901001`), an arXiv link (`https://arxiv.org/abs/2310.13548`, `/pdf/…`) or a DOI (`10.1000/xyz`,
 * `https://doi.org/10.1000/xyz`). Anchored patterns
 * only: linear time on any input.
 */
import type { PaperStore } from '../store/paper-store.ts';

export type PaperRef = { kind: 'id'; id: number } | { kind: 'arxiv'; arxivId: string } | { kind: 'doi'; doi: string };

const ARXIV_ID = String.raw`(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?`;
const BARE = new RegExp(`^(?:arxiv:)?${ARXIV_ID}$`, 'i');
const LINK = new RegExp(
  `^<?https?://(?:www\\.|export\\.)?arxiv\\.org/(?:abs|pdf|html)/${ARXIV_ID}(?:\\.pdf)?/?(?:[?#][^\\s>]*)?>?$`,
  'i',
);

const DOI = /^(?:doi:|https?:\/\/(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/\S+)$/i;

/** Reads one paper reference, or undefined when the text is none of the forms above. */
export function parsePaperRef(text: string): PaperRef | undefined {
  const word = text.trim();
  if (/^\d{1,15}$/.test(word)) return { kind: 'id', id: Number(word) };
  const match = BARE.exec(word) ?? LINK.exec(word);
  // Old-style ids keep their archive in lower case (`hep-th/9901001`); new ones are digits.
  if (match?.[1]) return { kind: 'arxiv', arxivId: match[1].replace(/^[A-Za-z-]+/, (a) => a.toLowerCase()) };
  const doi = DOI.exec(word);
  if (doi?.[1]) return { kind: 'doi', doi: doi[1] };
  return undefined;
}

/** The stored paper a reference names, if the index has it. */
export function findPaperId(ref: PaperRef, store: PaperStore): number | undefined {
  switch (ref.kind) {
    case 'id':
      return ref.id;
    case 'arxiv':
      return store.findByArxivIds([ref.arxivId]).get(ref.arxivId);
    case 'doi':
      return store.findByDoi(ref.doi);
  }
}
