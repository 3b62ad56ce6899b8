import { isOnlyLinks, recogniseLinks } from '../links/recognise-links.ts';
import type { PaperStore } from '../store/paper-store.ts';

/**
 * What a person may type to name one paper: the id on its card (`17`), or anything the link recogniser reads
 * (`core/links`): an arXiv id (`2310.13548`, `2310.13548v2`, `arXiv:hep-th/9901001`), an arXiv, DOI or Hugging
 * Face papers link, or a DOI.
 */
export type PaperRef = { kind: 'id'; id: number } | { kind: 'arxiv'; arxivId: string } | { kind: 'doi'; doi: string };

/** Reads one paper reference, or undefined when the text is not exactly one paper. */
export function parsePaperRef(text: string): PaperRef | undefined {
  const word = text.trim();
  if (/^\d{1,15}$/.test(word)) return { kind: 'id', id: Number(word) };
  // A bare DOI (`10.1145/3597503`), as papers print it, is a DOI here: the whole text names one paper, so it
  // cannot be a fraction or a date in a sentence (which is why the link recogniser wants `doi:` or doi.org).
  const link = /^10\.\d{4,9}\/\S+$/.test(word) ? `doi:${word}` : word;
  if (!isOnlyLinks(link)) return undefined;
  const [ref, more] = recogniseLinks(link);
  if (!ref || more) return undefined;
  return ref.kind === 'arxiv' ? { kind: 'arxiv', arxivId: ref.id } : { kind: 'doi', doi: ref.doi };
}

/** The stored paper a reference names, if the index has it. */
export async function findPaperId(ref: PaperRef, store: PaperStore): Promise<number | undefined> {
  switch (ref.kind) {
    case 'id':
      return ref.id;
    case 'arxiv':
      return (await store.findByArxivIds([ref.arxivId])).get(ref.arxivId);
    case 'doi':
      return await store.findByDoi(ref.doi);
  }
}
