import type { SparseVector } from './text-features.ts';

/** One training example: a paper's vector, +1 (liked) or -1 (not), and its cost weight (C for this example). */
export interface Example {
  x: SparseVector;
  y: 1 | -1;
  c: number;
}

export interface LinearModel {
  /** Dense weights over the feature buckets. */
  w: Float32Array;
  bias: number;
}

export interface SvmOptions {
  dimension: number;
  /** Passes over the examples at most (liblinear stops earlier when the projected gradient is small). */
  maxEpochs?: number;
  tolerance?: number;
  /** Seed of the order examples are visited in, so a run repeats. */
  seed?: number;
}

/** A small deterministic generator (mulberry32): the same seed, the same order, the same model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * L2-regularised squared-hinge linear SVM, trained by dual coordinate descent (liblinear's solver, which
 * scikit-learn's `LinearSVC` runs), with a bias feature of value 1 regularised like the others (`intercept_scaling`
 * 1). Each example has its own C, so class weights ("balanced") and stronger explicit signals are per example.
 */
export function trainLinearSvm(examples: readonly Example[], options: SvmOptions): LinearModel {
  const w = new Float32Array(options.dimension);
  let bias = 0;
  const n = examples.length;
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const qbar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { x, c } = examples[i] as Example;
    diag[i] = 1 / (2 * c);
    let sq = 1; // the bias feature
    for (const v of x.weights) sq += v * v;
    qbar[i] = sq + (diag[i] as number);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(options.seed ?? 1);
  const maxEpochs = options.maxEpochs ?? 50;
  const tolerance = options.tolerance ?? 1e-3;
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    let maxPg = Number.NEGATIVE_INFINITY;
    let minPg = Number.POSITIVE_INFINITY;
    for (const i of order) {
      const { x, y } = examples[i] as Example;
      let dot = bias;
      for (let k = 0; k < x.ids.length; k++) dot += (w[x.ids[k] as number] as number) * (x.weights[k] as number);
      const a = alpha[i] as number;
      const g = y * dot - 1 + (diag[i] as number) * a;
      const pg = a === 0 ? Math.min(g, 0) : g;
      if (pg > maxPg) maxPg = pg;
      if (pg < minPg) minPg = pg;
      if (Math.abs(pg) < 1e-12) continue;
      const next = Math.max(a - g / (qbar[i] as number), 0);
      const step = (next - a) * y;
      alpha[i] = next;
      for (let k = 0; k < x.ids.length; k++) {
        const id = x.ids[k] as number;
        w[id] = (w[id] as number) + step * (x.weights[k] as number);
      }
      bias += step;
    }
    if (maxPg - minPg < tolerance) break;
  }
  return { w, bias };
}

/** The model's score of a vector. */
export function scoreOf(model: LinearModel, x: SparseVector): number {
  let s = model.bias;
  for (let k = 0; k < x.ids.length; k++) s += (model.w[x.ids[k] as number] as number) * (x.weights[k] as number);
  return s;
}
