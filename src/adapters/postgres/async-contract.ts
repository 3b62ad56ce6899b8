import type { ArxivState } from '../../core/arxiv/arxiv-state.ts';
import type { DigestStore } from '../../core/digest/digest-store.ts';
// Stand-in for the async store contract being landed on branch `async` (issue 17, step 1). The lead deletes this
// file at merge and points its imports at the real interfaces.
import type { ReadingListStore } from '../../core/reading/reading-list-store.ts';
import type { PaperStore } from '../../core/store/paper-store.ts';

type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K] };
export type AsyncReadingListStore = Async<ReadingListStore>;
export type AsyncDigestStore = Async<DigestStore>;
export type AsyncArxivState = Async<ArxivState>;
export type AsyncPaperStore = Omit<Async<PaperStore>, 'matchText' | 'scoreText' | 'hasTerm' | 'readingList'> & {
  readingList: AsyncReadingListStore;
};

/**
 * Wraps a synchronous store as the async contract (to run one test suite against SQLite before `async` lands):
 * every method returns a Promise, settled on a later tick, so a throw becomes a rejection; object properties
 * (`readingList`) are wrapped the same way.
 */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in whose callers cast it to the contract they test.
export function asAsync<T extends object>(target: T): any {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, key) {
      if (wrapped.has(key)) return wrapped.get(key);
      const value: unknown = Reflect.get(object, key);
      let out: unknown = value;
      if (typeof value === 'function')
        out = (...args: unknown[]) => Promise.resolve().then(() => value.apply(object, args));
      else if (value !== null && typeof value === 'object') out = asAsync(value);
      wrapped.set(key, out);
      return out;
    },
  });
}
