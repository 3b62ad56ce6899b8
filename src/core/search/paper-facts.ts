/** What filters need of a paper, kept in memory beside the index. Dates are `YYYYMMDD`. */
export interface PaperFacts {
  /** First and last day the paper's date covers: one day, or a whole year for a bare `YYYY`. */
  from: number;
  to: number;
  categories: string[];
  hasCode: boolean;
}

/** What a query asks of the facts: any of the categories, an overlap with the date range, code or not. */
export interface FactsFilter {
  categories: readonly string[];
  from?: number | undefined;
  to?: number | undefined;
  hasCode?: boolean | undefined;
}

const PRESENT = 1;
const CODE = 2;

/**
 * Every paper's filter facts in typed arrays indexed by paper id (SQLite rowids: positive and dense), with each
 * distinct set of categories stored once: about 13 bytes a paper instead of an object, an array and a map entry
 * (at 1M papers, 13 MB instead of about 250 MB), and the arrays are what the snapshot holds.
 */
export class PaperFactsTable {
  #from: Int32Array;
  #to: Int32Array;
  #flags: Uint8Array;
  #combo: Uint32Array;
  /** Each distinct set of categories, folded; papers refer to them by position. */
  readonly categorySets: string[][];
  #setIndex = new Map<string, number>();
  #size = 0;

  constructor(
    parts: { from: Int32Array; to: Int32Array; flags: Uint8Array; combo: Uint32Array; categorySets: string[][] } = {
      from: new Int32Array(0),
      to: new Int32Array(0),
      flags: new Uint8Array(0),
      combo: new Uint32Array(0),
      categorySets: [],
    },
  ) {
    this.#from = parts.from;
    this.#to = parts.to;
    this.#flags = parts.flags;
    this.#combo = parts.combo;
    this.categorySets = parts.categorySets;
    parts.categorySets.forEach((set, i) => {
      this.#setIndex.set(set.join('\n'), i);
    });
    for (const flags of parts.flags) if (flags & PRESENT) this.#size++;
  }

  get size(): number {
    return this.#size;
  }

  /** The arrays themselves, trimmed to the highest id: for the snapshot. */
  parts(): { from: Int32Array; to: Int32Array; flags: Uint8Array; combo: Uint32Array } {
    let end = this.#flags.length;
    while (end > 0 && ((this.#flags[end - 1] as number) & PRESENT) === 0) end--;
    return {
      from: this.#from.subarray(0, end),
      to: this.#to.subarray(0, end),
      flags: this.#flags.subarray(0, end),
      combo: this.#combo.subarray(0, end),
    };
  }

  #grow(id: number): void {
    if (id < this.#flags.length) return;
    const length = Math.max(id + 1, Math.ceil(this.#flags.length * 1.5), 1024);
    const grown = <T extends Int32Array | Uint8Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(length);
      next.set(old);
      return next;
    };
    this.#from = grown(this.#from, (n) => new Int32Array(n));
    this.#to = grown(this.#to, (n) => new Int32Array(n));
    this.#flags = grown(this.#flags, (n) => new Uint8Array(n));
    this.#combo = grown(this.#combo, (n) => new Uint32Array(n));
  }

  has(id: number): boolean {
    return ((this.#flags[id] ?? 0) & PRESENT) !== 0;
  }

  set(id: number, facts: PaperFacts): void {
    this.#grow(id);
    if (!this.has(id)) this.#size++;
    const key = facts.categories.join('\n');
    let set = this.#setIndex.get(key);
    if (set === undefined) {
      set = this.categorySets.length;
      this.categorySets.push([...facts.categories]);
      this.#setIndex.set(key, set);
    }
    this.#from[id] = facts.from;
    this.#to[id] = facts.to;
    this.#flags[id] = PRESENT | (facts.hasCode ? CODE : 0);
    this.#combo[id] = set;
  }

  get(id: number): PaperFacts | undefined {
    if (!this.has(id)) return undefined;
    return {
      from: this.#from[id] as number,
      to: this.#to[id] as number,
      categories: [...(this.categorySets[this.#combo[id] as number] as string[])],
      hasCode: ((this.#flags[id] as number) & CODE) !== 0,
    };
  }

  /** The last day a paper's date covers (`YYYYMMDD`), 0 for an unknown paper: the tie-break "newer first". */
  lastDay(id: number): number {
    return this.has(id) ? (this.#to[id] as number) : 0;
  }

  /** Every paper id, in id order. */
  *keys(): Generator<number> {
    for (let id = 0; id < this.#flags.length; id++) if (((this.#flags[id] as number) & PRESENT) !== 0) yield id;
  }

  /** A test of one paper id against a filter; the categories are looked up once per set, not per paper. */
  matcher(filter: FactsFilter): (id: number) => boolean {
    const sets =
      filter.categories.length === 0
        ? undefined
        : Uint8Array.from(this.categorySets, (set) => (filter.categories.some((c) => set.includes(c)) ? 1 : 0));
    const { from, to, hasCode } = filter;
    return (id) => {
      const flags = this.#flags[id] ?? 0;
      if ((flags & PRESENT) === 0) return false;
      if (sets !== undefined && sets[this.#combo[id] as number] !== 1) return false;
      if (from !== undefined && (this.#to[id] as number) < from) return false;
      if (to !== undefined && (this.#from[id] as number) > to) return false;
      return hasCode === undefined || ((flags & CODE) !== 0) === hasCode;
    };
  }
}
