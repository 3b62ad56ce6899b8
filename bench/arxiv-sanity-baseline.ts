// The baseline of the "For you" bench: arxiv-sanity-lite's ranking as its compute.py and serve.py do it, written
// again here (no code of it is copied): scikit-learn's TfidfVectorizer(ngram_range=(1, 2), max_features=20000,
// min_df=5, max_df=0.1, sublinear_tf, smooth idf, l2 norm, English stop words) fitted on every paper, then per
// user a LinearSVC(C=0.01, class_weight='balanced') trained on ALL papers (the tagged ones positive, every other
// negative) and its decision function as the score. Words are read as text-features.ts reads them (the same token
// pattern and stop words), so both methods see the same words; arxiv-sanity-lite also adds author names to the
// text, which the model leaves out (title and abstract): the bench reports both.
import { type Example, trainLinearSvm } from '../src/core/foryou/linear-svm.ts';
import { featureWords, type SparseVector } from '../src/core/foryou/text-features.ts';

export interface BaselineCorpus {
  vectors: SparseVector[];
  dimension: number;
  vocabulary: string[];
}

const termsOf = (text: string): Map<string, number> => {
  const words = featureWords(text);
  const terms = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    terms.set(w, (terms.get(w) ?? 0) + 1);
    if (i + 1 < words.length) {
      const p = `${w} ${words[i + 1]}`;
      terms.set(p, (terms.get(p) ?? 0) + 1);
    }
  }
  return terms;
};

/** Fits the vocabulary and idf on every text, then makes each text's tf-idf vector (as `v.fit` then `v.transform`). */
export function fitBaseline(texts: readonly string[], maxFeatures = 20000, minDf = 5, maxDf = 0.1): BaselineCorpus {
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  for (const text of texts)
    for (const [term, n] of termsOf(text)) {
      df.set(term, (df.get(term) ?? 0) + 1);
      tf.set(term, (tf.get(term) ?? 0) + n);
    }
  const n = texts.length;
  const kept = [...df.entries()]
    .filter(([, d]) => d >= minDf && d <= maxDf * n)
    .map(([term]) => term)
    .sort((a, b) => (tf.get(b) ?? 0) - (tf.get(a) ?? 0) || (a < b ? -1 : 1))
    .slice(0, maxFeatures)
    .sort();
  const index = new Map(kept.map((t, i) => [t, i]));
  const idf = kept.map((t) => Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
  df.clear();
  tf.clear();
  const vectors = texts.map((text): SparseVector => {
    const entries: [number, number][] = [];
    for (const [term, count] of termsOf(text)) {
      const i = index.get(term);
      if (i !== undefined) entries.push([i, (1 + Math.log(count)) * (idf[i] as number)]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, w]) => s + w * w, 0)) || 1;
    return { ids: Uint32Array.from(entries, (e) => e[0]), weights: Float32Array.from(entries, (e) => e[1] / norm) };
  });
  return { vectors, dimension: kept.length, vocabulary: kept };
}

/** Scores of the papers `score` for a user whose tagged papers are `positives`: LinearSVC over every paper. */
export function baselineScores(
  corpus: BaselineCorpus,
  positives: ReadonlySet<number>,
  score: readonly number[],
  c = 0.01,
): number[] {
  const n = corpus.vectors.length;
  const cPos = (c * n) / (2 * positives.size);
  const cNeg = (c * n) / (2 * (n - positives.size));
  const examples = corpus.vectors.map(
    (x, i): Example => (positives.has(i) ? { x, y: 1, c: cPos } : { x, y: -1, c: cNeg }),
  );
  // liblinear's default stopping (tol 1e-6 asked by arxiv-sanity-lite is met at far more passes; 30 suffice
  // for the ranking to stop changing, as the bench's own check showed).
  const model = trainLinearSvm(examples, { dimension: corpus.dimension, maxEpochs: 30, tolerance: 1e-3, seed: 3 });
  return score.map((i) => {
    const x = corpus.vectors[i] as SparseVector;
    let s = model.bias;
    for (let k = 0; k < x.ids.length; k++) s += (model.w[x.ids[k] as number] as number) * (x.weights[k] as number);
    return s;
  });
}
