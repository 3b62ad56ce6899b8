import { type Example, type LinearModel, scoreOf, trainLinearSvm } from './linear-svm.ts';
import { bucketOf, FEATURE_BUCKETS, featureTerms, type SparseVector } from './text-features.ts';

/** Fewer positives than this and nothing is learned: answers are newest first (docs/foryou.md). */
export const MIN_POSITIVES = 3;
/** Papers drawn from the index as "everything else" the positives are told apart from. */
export const BACKGROUND_SAMPLE = 4000;

export interface TasteOptions {
  /** The SVM's C (arxiv-sanity-lite's default is 0.01). */
  c: number;
  /** How much an explicit "Not interested" or 👎 weighs against a background paper. */
  negativeWeight: number;
  /** Weight of the positives' centroid added to the SVM's weights (0: the SVM alone). */
  centroid: number;
  /** Passes of the SVM's coordinate descent at most. */
  epochs?: number;
}

/** The settings the bench chose (docs/foryou.md, "What was tried"). */
export const TASTE_DEFAULTS: TasteOptions = { c: 0.1, negativeWeight: 3, centroid: 1, epochs: 10 };

export interface TasteData {
  positives: readonly SparseVector[];
  /** Papers the reader dismissed. */
  negatives: readonly SparseVector[];
  /** A sample of other papers, neither liked nor dismissed. */
  background: readonly SparseVector[];
}

/**
 * Learns a reader's taste: a linear SVM that tells their positives from the background and from their dismissed
 * papers (classes balanced as scikit-learn's "balanced"), plus the positives' centroid, which keeps a small library's
 * topics from being drowned by what the SVM finds to tell apart. One linear scorer over tf-idf either way.
 */
export function learnTaste(data: TasteData, options: TasteOptions = TASTE_DEFAULTS): LinearModel {
  const { positives, negatives, background } = data;
  const n = positives.length + negatives.length + background.length;
  const negCount = negatives.length + background.length;
  const cPos = (options.c * n) / (2 * Math.max(positives.length, 1));
  const cNeg = (options.c * n) / (2 * Math.max(negCount, 1));
  const examples: Example[] = [
    ...positives.map((x): Example => ({ x, y: 1, c: cPos })),
    ...negatives.map((x): Example => ({ x, y: -1, c: cNeg * options.negativeWeight })),
    ...background.map((x): Example => ({ x, y: -1, c: cNeg })),
  ];
  const model = trainLinearSvm(examples, { dimension: FEATURE_BUCKETS, maxEpochs: options.epochs ?? 30, seed: 7 });
  if (options.centroid > 0 && positives.length > 0) {
    // The SVM's weights are of the order of its margin; the centroid is scaled to the same order.
    let svmNorm = 0;
    for (const v of model.w) svmNorm += v * v;
    const centroid = new Float32Array(FEATURE_BUCKETS);
    for (const x of positives)
      for (let k = 0; k < x.ids.length; k++) {
        const id = x.ids[k] as number;
        centroid[id] = (centroid[id] as number) + (x.weights[k] as number);
      }
    let cNorm = 0;
    for (const v of centroid) cNorm += v * v;
    const scale = cNorm > 0 ? (options.centroid * Math.sqrt(svmNorm || 1)) / Math.sqrt(cNorm) : 0;
    for (let i = 0; i < FEATURE_BUCKETS; i++) model.w[i] = (model.w[i] as number) + scale * (centroid[i] as number);
  }
  return model;
}

export { scoreOf };

/**
 * The three to five terms of a paper that pushed its score up most (weight × the paper's tf-idf value), read back
 * from the paper's own text since the vectors keep only buckets. Empty when nothing pushed it up.
 */
export function whyTerms(model: LinearModel, x: SparseVector, text: string, most = 5): string[] {
  const contribution = new Map<number, number>();
  for (let k = 0; k < x.ids.length; k++) {
    const id = x.ids[k] as number;
    const value = (model.w[id] as number) * (x.weights[k] as number);
    if (value > 0) contribution.set(id, value);
  }
  if (contribution.size === 0) return [];
  const named = new Map<number, string>();
  for (const term of featureTerms(text).keys()) {
    const bucket = bucketOf(term);
    if (contribution.has(bucket) && !named.has(bucket)) named.set(bucket, term);
  }
  const ranked = [...contribution.entries()]
    .filter(([id]) => named.has(id))
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => named.get(id) as string);
  // A word already inside a chosen phrase adds nothing: "reward model" says what "reward" would.
  const chosen: string[] = [];
  for (const term of ranked) {
    if (chosen.length >= most) break;
    if (chosen.some((c) => c.split(' ').includes(term) || term.split(' ').includes(c))) continue;
    chosen.push(term);
  }
  return chosen;
}
