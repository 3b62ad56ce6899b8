import { PaperboyError } from '../core/errors.ts';
import { ownerKey, parseChannelKey, parseUserKey, TERMINAL_READER, userOwner } from '../core/foryou/owner-key.ts';
import { addDays, type Recommendation, recommend } from '../core/foryou/recommend.ts';
import { MIN_POSITIVES } from '../core/foryou/taste-model.ts';
import type { TasteStore } from '../core/foryou/taste-store.ts';
import { toPaperJson } from '../core/search/search-json.ts';
import type { PaperStore } from '../core/store/paper-store.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

export interface RecommendFlags {
  user?: string;
  channel?: string;
  since?: string;
  until?: string;
  limit: number;
  json?: boolean;
}

/** A window date: `YYYY-MM-DD` (a real UTC day), or a year alone meaning its first of January. */
export function parseDay(text: string, option: string): string {
  const day = /^\d{4}$/.test(text) ? `${text}-01-01` : text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && addDays(day, 0) === day)
    return day;
  throw new PaperboyError(
    'usage',
    `${option} "${text.slice(0, 40)}" is not a date. Use YYYY-MM-DD (UTC), like 2025-03-01, or a year (2025).`,
  );
}

/** Checks the flags before any store opens: a usage error exits 2 with nothing read. */
export function checkRecommendFlags(flags: RecommendFlags) {
  if (flags.user !== undefined && flags.channel !== undefined)
    throw new PaperboyError(
      'usage',
      'give --user or --channel, not both: a person and a channel have separate tastes.',
    );
  if (!Number.isInteger(flags.limit) || flags.limit < 1 || flags.limit > 100)
    throw new PaperboyError('usage', `--limit must be a whole number from 1 to 100, got "${flags.limit}".`);
  const since = flags.since === undefined ? undefined : parseDay(flags.since, '--since');
  const until = flags.until === undefined ? undefined : parseDay(flags.until, '--until');
  if (since !== undefined && until !== undefined && since >= until)
    throw new PaperboyError('usage', `--since ${since} is not before --until ${until} (until is exclusive).`);
  const owner =
    flags.channel !== undefined
      ? parseChannelKey(flags.channel)
      : userOwner(flags.user !== undefined ? parseUserKey(flags.user) : TERMINAL_READER);
  return { owner, since, until };
}

export const recommendationJson = (forKey: { user: string | null; channel: string | null }, r: Recommendation) => ({
  for: forKey,
  since: r.since,
  until: r.until,
  candidates: r.candidates,
  trained: r.trained,
  results: r.results.map(({ paper, score, why }) => ({
    ...toPaperJson({ paper, score: score ?? 0, matchedTerms: [], profiles: [] }),
    score: score === null ? null : Math.round(score * 1000) / 1000,
    why,
  })),
});

/** How to teach an untrained taste, for a person or a channel. */
export function teachText(positives: number, channel: boolean): string {
  const need = `${positives} of ${MIN_POSITIVES} liked papers so far, so these are the newest, not ranked.`;
  return channel
    ? `${need} Press Like or Not interested on cards in this channel, or react 👍 / 👎 to Paperboy's single-paper messages.`
    : `${need} Teach it: paperboy saved import LIBRARY.bib (a Zotero or BibTeX export), /save papers, or press Like and Not interested on cards.`;
}

/** `paperboy recommend`: the window's papers ranked by a person's or a channel's taste. */
export async function runRecommend(
  flags: RecommendFlags,
  deps: { store: PaperStore; taste: TasteStore },
  io: CliIo,
): Promise<number> {
  const { owner, since, until } = checkRecommendFlags(flags);
  const result = await recommend(deps, {
    owner,
    limit: flags.limit,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  });
  const forKey = {
    user: owner.kind === 'user' ? ownerKey(owner) : null,
    channel: owner.kind === 'channel' ? ownerKey(owner) : null,
  };
  if (flags.json) {
    writeJson(io, recommendationJson(forKey, result));
    return EXIT.ok;
  }
  const lines = [
    `For ${forKey.user ?? forKey.channel}: papers dated ${result.since} to ${addDays(result.until, -1)}, ${result.candidates} not yet saved or dismissed.`,
  ];
  if (!result.trained) lines.push(teachText(result.positives, owner.kind === 'channel'));
  result.results.forEach(({ paper, score, why }, i) => {
    lines.push(`${i + 1}. ${paper.title}`);
    lines.push(
      `   ${paper.date} · ${paper.category ?? '—'} · id ${paper.id}${score === null ? '' : ` · score ${score.toFixed(3)}`}`,
    );
    if (why.length) lines.push(`   why: ${why.join(', ')}`);
  });
  if (result.results.length === 0) lines.push('No papers in this window.');
  io.stdout.write(toPrintable(`${lines.join('\n')}\n`));
  return EXIT.ok;
}
