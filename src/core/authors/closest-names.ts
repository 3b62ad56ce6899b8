import { toMatchKey } from '../text.ts';

/** Edit distance between two strings (insertions, deletions, substitutions), stopping early past `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Scores how well `query` names `candidate`: 1 for the same name (case, accents and punctuation aside),
 * high when every query word starts a word of the name ("hatfield" for "Zac Hatfield-Dodds"), lower
 * for a spelling a few edits away, 0 for no likeness.
 */
export function nameLikeness(query: string, candidate: string): number {
  const q = toMatchKey(query);
  const c = toMatchKey(candidate);
  if (q === '' || c === '') return 0;
  if (q === c) return 1;
  const words = c.split(' ');
  const queryWords = q.split(' ');
  if (queryWords.every((w) => words.some((n) => n.startsWith(w)))) return 0.9 * (q.length / c.length) ** 0.25;
  const allowed = Math.max(1, Math.floor(q.length / 4));
  const distance = editDistance(q, c, allowed);
  if (distance <= allowed) return 0.8 - distance / (q.length + 4);
  // Word by word: each query word close to some word of the name.
  const close = queryWords.filter((w) =>
    words.some((n) => editDistance(w, n, Math.floor(w.length / 4)) <= Math.floor(w.length / 4)),
  );
  return close.length === queryWords.length ? 0.5 : (0.3 * close.length) / queryWords.length;
}

/** The names most like `query`, best first, at most `limit`, leaving out weak likenesses. */
export function closestNames(query: string, names: readonly string[], limit = 5, floor = 0.3): string[] {
  return names
    .map((name) => ({ name, score: nameLikeness(query, name) }))
    .filter((s) => s.score >= floor)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}
