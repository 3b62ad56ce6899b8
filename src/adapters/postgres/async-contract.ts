import type { ArxivState } from '../../core/arxiv/arxiv-state.ts';
import type { DigestStore } from '../../core/digest/digest-store.ts';
import type { ReadingListStore } from '../../core/reading/reading-list-store.ts';
import type { PaperStore } from '../../core/store/paper-store.ts';

// Until branch `async` lands: the async store interfaces it makes. The lead deletes this file at merge and points
// the imports at the real interfaces.
type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K] };
export type AsyncReadingListStore = Async<ReadingListStore>;
export type AsyncPaperStore = Omit<Async<PaperStore>, 'matchText' | 'scoreText' | 'hasTerm' | 'readingList'> & {
  readingList: AsyncReadingListStore;
};
export type AsyncDigestStore = Async<DigestStore>;
export type AsyncArxivState = Async<ArxivState>;

/** Wraps a synchronous store as the async contract (for running one test suite against SQLite before `async` lands). */
// biome-ignore lint/suspicious/noExplicitAny: the wrapper stands in for whichever async interface the caller names
export function asAsync<T extends object>(target: T): any {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value === 'function') {
        // A throw becomes a rejection, as it would from an async store.
        return (...args: unknown[]) => Promise.resolve().then(() => value.apply(object, args));
      }
      if (value !== null && typeof value === 'object') return asAsync(value);
      return value;
    },
  });
}
