// Categories as sources give them and as cards show them; shared by the corpus reader and the arXiv source.

/** `cs.CL` -> `CL`; a conference's "NeurIPS 2023" -> `NeurIPS`; `hep-th` -> `HEP-TH`. */
export function toShortCategory(category: string): string {
  const venue = /^(.*\S)\s+\d{4}$/.exec(category);
  if (venue?.[1]) return venue[1];
  return (category.includes('.') ? (category.split('.').pop() ?? category) : category).toUpperCase();
}
