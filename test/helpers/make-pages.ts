import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile, ProfilePaper } from '../../src/core/profile/profile-schema.ts';
import { renderProfile } from '../../src/core/profile/render-profile.ts';

/** A made-up paper; `n` picks its title, so the same `n` on two pages is the same paper. */
export function fakePaper(n: number, overrides: Partial<ProfilePaper> = {}): ProfilePaper {
  return {
    category: ['CL', 'LG', 'CV', 'RO'][n % 4] as string,
    date: `2024-0${(n % 9) + 1}-1${n % 10}`,
    hasCode: n % 3 === 0,
    title: `Study number ${n} of synthetic things`,
    authors: [`Author ${n}`, 'Shared Person'],
    authorsTruncated: n % 2 === 0,
    affiliations: ['lab'],
    abstract: `We study synthetic thing ${n} carefully.`,
    ...overrides,
  };
}

export function fakeProfile(name: string, papers: ProfilePaper[], overrides: Partial<Profile> = {}): Profile {
  return {
    name,
    category: 'CL',
    hIndex: 3,
    paperCount: papers.length,
    citationCount: 1234,
    novelty: null,
    aiScore: null,
    listedCount: papers.length,
    papers,
    ...overrides,
  };
}

/** Writes `count` pages of `perPage` papers each (papers overlap between neighbouring pages). */
export function writeFakePages(dir: string, count: number, perPage = 10): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const papers = Array.from({ length: perPage }, (_, k) => fakePaper(i * (perPage - 2) + k));
    const file = join(dir, `person-${i}.txt`);
    writeFileSync(file, renderProfile(fakeProfile(`Person ${i}`, papers)));
    files.push(file);
  }
  return files;
}
