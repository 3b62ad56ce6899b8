// A small built-in corpus for the contract's property tests, so they run without ../shared/data: words shared
// between titles and abstracts, near-miss spellings, accents, year-only dates, authors, affiliations and a profile.
import type { PaperInput, PaperStore } from '../../../src/core/store/paper-store.ts';
import { fakePaper, fakeProfile } from '../../helpers/make-pages.ts';

const TOPICS = [
  'language models',
  'large language model alignment',
  'sycophancy in language models',
  'reward hacking',
  'reward models for reinforcement learning',
  'diffusion models for image synthesis',
  'graph neural networks',
  'naïve bayes classifiers',
  'transformer attention heads',
  'transformers for speech recognition',
  'question answering over biomedical text',
  'multi hop question answering',
  'faithful explanations',
  'model editing',
  'modular robots',
  'robot locomotion modes',
];
const ABSTRACT_WORDS =
  'we study how models learn faithful naturally dedicated representations of language question answering reward signals under distribution shift with attention the data of a benchmark for evaluation'.split(
    ' ',
  );
const PEOPLE = ['Rezarta Islamaj', 'Deep Ganguli', 'Amanda Askell', 'Zhiyong Lu', 'Ann Lee', 'José Núñez'];
const PLACES = ['anthropic', 'national library of medicine', 'stanford university', 'université de montréal'];
const CATEGORIES: [string, string][] = [
  ['CL', 'cs.CL'],
  ['LG', 'cs.LG'],
  ['CV', 'cs.CV'],
  ['NeurIPS', 'NeurIPS 2023'],
];

/** Deterministic papers: paper `n` mixes topics, abstract words, people and places by `n`. */
export function fixturePapers(count = 600): PaperInput[] {
  return Array.from({ length: count }, (_, n) => {
    const topic = TOPICS[n % TOPICS.length] as string;
    const other = TOPICS[(n * 7 + 3) % TOPICS.length] as string;
    const words = Array.from({ length: 12 }, (_, k) => ABSTRACT_WORDS[(n * 5 + k * 3) % ABSTRACT_WORDS.length]);
    const [category, categoryFull] = CATEGORIES[n % CATEGORIES.length] as [string, string];
    const conference = category === 'NeurIPS';
    return {
      title: `${n % 5 === 0 ? 'Towards ' : ''}${topic[0]?.toUpperCase()}${topic.slice(1)}: part ${n}${n % 4 === 1 ? ` and ${other}` : ''}`,
      authors: [PEOPLE[n % PEOPLE.length] as string, PEOPLE[(n + 2) % PEOPLE.length] as string],
      authorsTruncated: false,
      affiliations: n % 3 === 0 ? [PLACES[n % PLACES.length] as string] : [],
      abstract: n % 9 === 8 ? null : `${words.join(' ')} about ${other}.`,
      date: conference ? `${2020 + (n % 5)}` : `${2021 + (n % 5)}-0${(n % 9) + 1}-1${n % 10}`,
      category,
      categoryFull,
      hasCode: n % 3 === 1,
      codeUrl: n % 3 === 1 ? `https://github.com/x/${n}` : null,
      arxivId: conference ? null : `2401.${String(10000 + n)}`,
      venue: conference ? 'NeurIPS' : null,
      citations: null,
    };
  });
}

/** Stores the fixture, and one profile (Owner Person) listing a few papers written by others. */
export async function loadFixture(store: PaperStore): Promise<void> {
  const now = new Date('2026-01-01T00:00:00Z');
  await store.begin();
  await store.savePapers(fixturePapers(), now);
  await store.commit();
  await store.saveProfile(
    fakeProfile('Owner Person', [fakePaper(1, { title: 'Reward hacking: part 3' }), fakePaper(2)]),
    { path: 'owner.txt', contentHash: 'owner' },
    now,
  );
}
