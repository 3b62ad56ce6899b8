/**
 * The text features of a paper for taste ("For you") and "More like this": words and two-word phrases of its title
 * and abstract, hashed into a fixed number of buckets (the hashing trick), so that a paper's vector is made alone,
 * at ingest, without a vocabulary that would have to be rebuilt as the corpus grows. docs/foryou.md says why.
 */

/** 2^20 buckets: a million features, so that few of the phrases that matter share one. */
export const FEATURE_BITS = 20;
export const FEATURE_BUCKETS = 1 << FEATURE_BITS;
const BUCKET_MASK = FEATURE_BUCKETS - 1;
/** A term's count in one paper is kept up to this (12 bits beside the 20 of the bucket). */
const MAX_COUNT = 4095;

// scikit-learn's English stop words (the list arxiv-sanity-lite uses), shortened to those that occur in papers.
const STOP = new Set(
  `a about above across after afterwards again against all almost alone along already also although always am among
  amongst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became because
  become becomes becoming been before beforehand behind being below beside besides between beyond both bottom but by
  can cannot could de describe detail do done down due during each eg either else elsewhere enough etc even ever
  every everyone everything everywhere except few fifteen first for former formerly found four from front full
  further get give go had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself
  his how however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least less
  ltd made many may me meanwhile might more moreover most mostly move much must my myself name namely neither never
  nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
  others otherwise our ours ourselves out over own part per perhaps please put rather re same see seem seemed seeming
  seems serious several she should show side since so some somehow someone something sometime sometimes somewhere
  still such take ten than that the their them themselves then thence there thereafter thereby therefore therein
  thereupon these they third this those though three through throughout thru thus to together too top toward towards
  twelve twenty two un under until up upon us very via was we well were what whatever when whence whenever where
  whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why
  will with within without would yet you your yours yourself yourselves`.split(/\s+/),
);

// Words as scikit-learn's default token pattern reads them after accents are removed: a letter or underscore, then
// letters, digits or underscores; two characters at least.
const WORD = /[a-z_][a-z0-9_]+/g;

/** The words of a text as the features count them: lower case, accents removed, stop words left out, in order. */
export function featureWords(text: string): string[] {
  // Accents are taken off only where there can be some: most abstracts are plain ASCII.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: any character past ASCII
  const plain = (/[^\u0000-\u007f]/.test(text) ? text.normalize('NFKD').replace(/\p{M}+/gu, '') : text).toLowerCase();
  const out: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(plain); m !== null; m = WORD.exec(plain)) if (!STOP.has(m[0])) out.push(m[0]);
  return out;
}

/** The words and two-word phrases (`"neural network"`) of a text, each with its count. */
export function featureTerms(text: string): Map<string, number> {
  const words = featureWords(text);
  const terms = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    terms.set(word, (terms.get(word) ?? 0) + 1);
    if (i + 1 < words.length) {
      const phrase = `${word} ${words[i + 1]}`;
      terms.set(phrase, (terms.get(phrase) ?? 0) + 1);
    }
  }
  return terms;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string's UTF-16 code units, continuing from `h`. */
function fnv(h: number, term: string): number {
  let x = h;
  for (let i = 0; i < term.length; i++) x = Math.imul(x ^ term.charCodeAt(i), FNV_PRIME);
  return x;
}

/** The bucket of a term: FNV-1a over its UTF-16 code units. */
export function bucketOf(term: string): number {
  return (fnv(FNV_OFFSET, term) >>> 0) & BUCKET_MASK;
}

/** The text a paper's features are made of. */
export const paperText = (paper: { title: string; abstract: string | null }): string =>
  `${paper.title}\n${paper.abstract ?? ''}`;

/**
 * A paper's term counts by bucket, packed one 32-bit word a bucket (bucket in the low 20 bits, count above), buckets
 * ascending: what the stores keep per paper (`paper_vectors`).
 */
export function packFeatures(text: string): Uint32Array {
  const words = featureWords(text);
  const counts = new Map<number, number>();
  const bump = (bucket: number) => counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  let previous = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const h = fnv(FNV_OFFSET, word);
    bump((h >>> 0) & BUCKET_MASK);
    // A phrase hashes as its text "first second" would (bucketOf), without making the string.
    if (i > 0) bump((fnv(Math.imul(previous ^ 32, FNV_PRIME), word) >>> 0) & BUCKET_MASK);
    previous = h;
  }
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  const packed = new Uint32Array(buckets.length);
  buckets.forEach((bucket, i) => {
    packed[i] = (bucket | (Math.min(counts.get(bucket) ?? 1, MAX_COUNT) << FEATURE_BITS)) >>> 0;
  });
  return packed;
}

export const bucketOfPacked = (word: number): number => word & BUCKET_MASK;
export const countOfPacked = (word: number): number => word >>> FEATURE_BITS;

/** Bytes of packed features, as the stores keep them (little-endian, whatever the machine). */
export function featuresToBytes(packed: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(packed.length * 4);
  const view = new DataView(bytes.buffer);
  packed.forEach((word, i) => {
    view.setUint32(i * 4, word, true);
  });
  return bytes;
}

export function featuresFromBytes(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packed = new Uint32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < packed.length; i++) packed[i] = view.getUint32(i * 4, true);
  return packed;
}

/** A sparse vector: bucket ids ascending and their weights. */
export interface SparseVector {
  ids: Uint32Array;
  weights: Float32Array;
}

/**
 * The document frequencies of the buckets over the whole index, and how many papers they count: idf comes from it.
 */
export interface DocumentFrequencies {
  docs: number;
  df: Int32Array;
}

/** Smoothed idf as scikit-learn computes it: ln((1 + N) / (1 + df)) + 1. */
export const idfOf = (docs: number, df: number): number => Math.log((1 + docs) / (1 + df)) + 1;

/**
 * The tf-idf vector of packed features: sublinear tf (1 + ln tf) times idf, L2-normalised. Buckets no other paper
 * shares (df below 2) are left out: they cannot tell one paper from another. An empty text gives an empty vector.
 */
export function toTfidf(packed: Uint32Array, frequencies: DocumentFrequencies): SparseVector {
  const ids: number[] = [];
  const weights: number[] = [];
  let norm = 0;
  for (const word of packed) {
    const bucket = bucketOfPacked(word);
    const df = frequencies.df[bucket] ?? 0;
    if (df < 2) continue;
    const w = (1 + Math.log(countOfPacked(word))) * idfOf(frequencies.docs, df);
    ids.push(bucket);
    weights.push(w);
    norm += w * w;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { ids: Uint32Array.from(ids), weights: Float32Array.from(weights, (w) => w * scale) };
}

/** Cosine of two L2-normalised sparse vectors (ids ascending). */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i] as number;
    const y = b.ids[j] as number;
    if (x === y) sum += (a.weights[i] as number) * (b.weights[j] as number);
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return sum;
}

/**
 * Moves document frequencies by a paper's change of features: its old buckets count one less, its new ones one
 * more. Returns the change in the number of papers counted (1 for a paper new to the counts, else 0).
 */
export function applyFeatureChange(df: Int32Array, before: Uint8Array | undefined, after: Uint8Array): number {
  if (before)
    for (const word of featuresFromBytes(before)) {
      const b = bucketOfPacked(word);
      df[b] = (df[b] ?? 0) - 1;
    }
  for (const word of featuresFromBytes(after)) {
    const b = bucketOfPacked(word);
    df[b] = (df[b] ?? 0) + 1;
  }
  return before ? 0 : 1;
}

/** The ids of a seeded, spread sample of `limit` draws from [min, max]: which papers a background sample asks for. */
export function sampleIds(min: number, max: number, limit: number, seed: number): number[] {
  if (max < min || limit <= 0) return [];
  const span = max - min + 1;
  if (span <= limit) return Array.from({ length: span }, (_, i) => min + i);
  const ids = new Set<number>();
  let a = seed >>> 0 || 1;
  while (ids.size < limit) {
    // xorshift32: enough spread for a sample, and the same seed gives the same papers.
    a ^= a << 13;
    a >>>= 0;
    a ^= a >>> 17;
    a ^= a << 5;
    a >>>= 0;
    ids.add(min + (a % span));
  }
  return [...ids];
}

/** A date as a window compares it: `YYYY` counts as `YYYY-01-01`. */
export const windowDate = (date: string): string => (/^\d{4}$/.test(date) ? `${date}-01-01` : date);

/**
 * The years whose year-only dates fall in [since, until) (`YYYY-01-01` inside it): the rows a window reads besides
 * the range [since, until) of the date index (where `YYYY` sorts before `YYYY-01-01`).
 */
export function windowYears(since: string, until: string): string[] {
  const years: string[] = [];
  for (let y = Number(since.slice(0, 4)); y <= Number(until.slice(0, 4)); y++) {
    const day = `${String(y).padStart(4, '0')}-01-01`;
    if (day >= since && day < until) years.push(String(y).padStart(4, '0'));
  }
  return years;
}

/** Ids of papers `{ id, date }` in [since, until) by {@link windowDate}, newest first (date, then id). */
export function inWindow(rows: readonly { id: number; date: string }[], since: string, until: string): number[] {
  const seen = new Set<number>();
  return rows
    .map((r) => ({ id: r.id, day: windowDate(r.date) }))
    .filter((r) => r.day >= since && r.day < until && !seen.has(r.id) && seen.add(r.id))
    .sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : b.id - a.id))
    .map((r) => r.id);
}
