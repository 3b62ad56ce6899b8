import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';

const DOCS = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] as string)
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = counts.get(slug) ?? 0;
    counts.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Every `[text](target)` outside code: the target as written. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]\n]*\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
}

describe('R10: the README and docs/ link only to what exists', () => {
  it('R10: the README is a front page a newcomer reads in minutes, pointing into docs/', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(160);
    for (const doc of ['platforms', 'deploying', 'configuration', 'arxiv', 'limits', 'instances'])
      expect(readme).toContain(`](docs/${doc}.md)`);
  });

  it.each(DOCS)('R10: every relative link and anchor of %s resolves', (doc) => {
    const text = readFileSync(join(PROJECT_ROOT, doc), 'utf8');
    const broken: string[] = [];
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // https:, mailto:
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(PROJECT_ROOT, doc) : join(PROJECT_ROOT, dirname(doc), path);
      if (!existsSync(target)) {
        broken.push(`${link}: no file ${relative(PROJECT_ROOT, target)}`);
        continue;
      }
      if (anchor !== undefined && statSync(target).isFile() && !anchorsOf(readFileSync(target, 'utf8')).has(anchor))
        broken.push(`${link}: no heading #${anchor} in ${relative(PROJECT_ROOT, target)}`);
    }
    expect(broken).toEqual([]);
  });
});
