import { MONTHS } from './parse-profile.ts';
import type { Profile, ProfilePaper } from './profile-schema.ts';

const thousands = (n: number) => n.toLocaleString('en-US');

/** Renders a profile back to the page layout that {@link parseProfile} reads. */
export function renderProfile(profile: Profile): string {
  const out: string[] = [profile.name, ''];
  if (profile.category !== null) out.push(profile.category);
  if (profile.hIndex !== null) out.push(`h-index${profile.hIndex}`);
  if (profile.paperCount !== null) out.push(`${profile.paperCount}papers`);
  if (profile.citationCount !== null) out.push(`${thousands(profile.citationCount)}citations`);
  if (profile.novelty !== null) out.push(`Novelty${profile.novelty}%`);
  if (profile.aiScore !== null) out.push(`AI Score${profile.aiScore}`);
  out.push('');
  if (profile.listedCount !== null) out.push(`${profile.listedCount} Papers`, '');
  for (const paper of profile.papers) out.push(...renderPaper(paper));
  return out.join('\n');
}

function renderPaper(paper: ProfilePaper): string[] {
  const [year, month, day] = paper.date.split('-').map(Number) as [number, number, number];
  const names = paper.authors.join(', ') + (paper.authorsTruncated ? ' et al.' : '');
  const authorLine = paper.affiliations.length ? `${names} · ${paper.affiliations.join(', ')}` : names;
  const lines = [
    `${paper.category}${MONTHS[month - 1]} ${day}, ${year}${paper.hasCode ? 'Code' : ''}`,
    paper.title,
    '',
  ];
  lines.push(authorLine, '');
  if (paper.abstract !== null) lines.push(paper.abstract, '');
  return lines;
}
