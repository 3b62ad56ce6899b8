/**
 * What a person may type to name a paper: the id on its card (`17`), an arXiv id (`2310.13548`, `2310.13548v2`,
 * `arXiv:hep-th/9901001`) or an arXiv link (`https://arxiv.org/abs/2310.13548`, `/pdf/…`). Anchored patterns
 * only: linear time on any input.
 */
export type PaperRef = { kind: 'id'; id: number } | { kind: 'arxiv'; arxivId: string };

const ARXIV_ID = String.raw`(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?`;
const BARE = new RegExp(`^(?:arxiv:)?${ARXIV_ID}$`, 'i');
const LINK = new RegExp(
  `^<?https?://(?:www\\.|export\\.)?arxiv\\.org/(?:abs|pdf|html)/${ARXIV_ID}(?:\\.pdf)?/?(?:[?#][^\\s>]*)?>?$`,
  'i',
);

/** Reads one paper reference, or undefined when the text is none of the forms above. */
export function parsePaperRef(text: string): PaperRef | undefined {
  const word = text.trim();
  if (/^\d{1,15}$/.test(word)) return { kind: 'id', id: Number(word) };
  const match = BARE.exec(word) ?? LINK.exec(word);
  // Old-style ids keep their archive in lower case (`hep-th/9901001`); new ones are digits.
  if (match?.[1]) return { kind: 'arxiv', arxivId: match[1].replace(/^[A-Za-z-]+/, (a) => a.toLowerCase()) };
  return undefined;
}
