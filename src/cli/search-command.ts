import { createInterface } from 'node:readline';
import { relaxedLine } from '../core/commands/reply.ts';
import { isPaperboyError } from '../core/errors.ts';
import type { Search, SearchPage } from '../core/search/search.ts';
import { toSearchJson } from '../core/search/search-json.ts';
import { toPrintable } from '../core/text.ts';
import { type CliIo, EXIT, writeJson } from './io.ts';

export interface SearchFlags {
  limit: number;
  page: number;
  json: boolean;
}

function formatPage(page: SearchPage): string {
  if (page.total === 0) {
    return `No papers match "${page.query}".${page.didYouMean ? ` Did you mean "${page.didYouMean}"?` : ''}\n`;
  }
  const first = (page.page - 1) * page.pageSize;
  const relaxed = page.relaxed ? `${relaxedLine(page.wordsLeftOut)}\n` : '';
  const lines = page.results.map(({ paper }, i) => {
    const authors = paper.authors.join(', ') + (paper.authorsTruncated ? ' et al.' : '');
    const code = paper.hasCode ? ' · code' : '';
    return `${first + i + 1}. ${paper.title}\n   ${authors}\n   ${paper.date} · ${paper.category ?? '—'}${code} · id ${paper.id}`;
  });
  const last = first + page.results.length;
  return `${relaxed}${lines.join('\n')}\n${first + 1}–${last} of ${page.total}\n`;
}

/** A page of results as terminal text: titles, names and the query echo come from records and people, so escape
 * sequences in them are stripped (`toPrintable`). */
const formatPrintable = (page: SearchPage): string => toPrintable(formatPage(page));

/** `paperboy search QUERY`: one query, or with QUERY `-` one per line of standard input (JSON lines). */
export async function runSearch(text: string, search: Search, io: CliIo, flags: SearchFlags): Promise<number> {
  const request = { pageSize: flags.limit, page: flags.page };
  if (text === '-') {
    const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        io.stdout.write(`${JSON.stringify(toSearchJson(await search.search(line, request)))}\n`);
      } catch (error) {
        if (!isPaperboyError(error, 'invalid_query')) throw error;
        io.stdout.write(`${JSON.stringify({ query: line, error: error.message, code: error.code, results: [] })}\n`);
      }
    }
    return EXIT.ok;
  }
  if (text.trim() === '') {
    io.stderr.write(
      'error: the query is empty. Give words or filters, like: paperboy search "reward hacking since:2023"\n',
    );
    return EXIT.usage;
  }
  try {
    const page = await search.search(text, request);
    if (flags.json) writeJson(io, toSearchJson(page));
    else io.stdout.write(formatPrintable(page));
    return EXIT.ok;
  } catch (error) {
    if (!isPaperboyError(error, 'invalid_query')) throw error;
    io.stderr.write(toPrintable(`error: ${error.message}\n`));
    return EXIT.failed;
  }
}
