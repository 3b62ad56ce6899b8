import type { HelpEntry, Reply } from './reply.ts';

export const COMMANDS: HelpEntry[] = [
  {
    usage: '/paper QUERY',
    description:
      'Search papers. Words, "exact phrase", -excluded, author:"Name" (or by:), cat:CL, aff:anthropic, year:2023, since:2024-01-01, before:2025, has:code, sort:date.',
    examples: [
      '/paper sycophancy',
      '/paper moral self-correction by:"Deep Ganguli" since:2023',
      '/paper "language models" has:code',
    ],
  },
  {
    usage: '/paper LINK_OR_ID',
    description:
      'The cards of the papers behind arXiv links or ids (abs, pdf, html, arXiv:ID, old ids like hep-th/9901001), DOIs and huggingface.co/papers links. A line with other words is a search; /search always searches.',
    examples: ['/paper https://arxiv.org/abs/2310.13548', '/paper arXiv:2310.13548 doi:10.48550/arXiv.2212.08073'],
  },
  {
    usage: '/author NAME',
    description: 'An author\'s metrics and what the index knows of them. Use "vs" to compare two authors.',
    examples: ['/author Zac Hatfield-Dodds', '/author Amanda Askell vs Deep Ganguli'],
  },
  {
    usage: '/follow NAME [daily|weekdays|weekly DAY] [at HH:MM] [tz Area/City]',
    description:
      'Follow an author: a direct message when new papers list them (every 15 minutes, or in the rhythm given). Listed by /digest list; /unfollow NAME or /digest unsubscribe ID ends it.',
    examples: ['/follow Deep Ganguli', '/follow Amanda Askell weekly mon at 09:00', '/unfollow Deep Ganguli'],
  },
  {
    usage: '/more PAPER-ID',
    description: 'Papers like the given one (the id is on every card).',
    examples: ['/more 3'],
  },
  {
    usage: '/digest subscribe [QUERY] [daily|weekdays|weekly DAY] [at HH:MM] [tz Area/City] [empty] [ranked]',
    description:
      'A digest of papers new to the index in this channel (all, or those matching QUERY): daily (the default), on weekdays (Monday to Friday) or weekly on a day (mon … sun, or the full name); a weekly digest holds every new paper since the last one. Options come last, after the query, in any order; the words before them are the query, and a "quoted" word always stays in it. "empty" also posts days with no new papers; "ranked" puts the papers best first for the taste of this channel (its Likes), each with a "why" line (a watch: by your taste). Also: /digest list, preview ID, pause ID, resume ID, unsubscribe ID, and /digest watch QUERY for direct messages as papers arrive (every 15 minutes, no "empty", no time), or with a rhythm (/digest watch QUERY weekly mon at 09:00).',
    examples: [
      '/digest subscribe sycophancy at 09:00 tz Europe/Berlin',
      '/digest subscribe look at transformers',
      '/digest subscribe robots weekly mon at 09:00 tz Europe/Berlin',
      '/digest subscribe "empty" results empty',
      '/digest subscribe diffusion ranked',
      '/digest watch reward hacking',
      '/digest watch reward hacking weekdays at 08:00',
      '/digest list',
    ],
  },
  {
    usage: '/save PAPER-ID',
    description:
      'Save a paper to your reading list (only you see it; at most 1,000 papers). PAPER-ID is the id on a card, an arXiv id, an arXiv link or a DOI. Every card also has Save and Cite.',
    examples: ['/save 3', '/save 2310.13548', '/save https://arxiv.org/abs/2310.13548'],
  },
  {
    usage: '/saved [export | remove PAPER-ID | PAGE]',
    description:
      'Your reading list, newest saved first, each paper with Remove; "export" gives the whole list as a BibTeX file; in the terminal, "import FILE" adds the papers of a BibTeX file (a reference manager\'s export).',
    examples: ['/saved', '/saved export', '/saved remove 3', '/saved import data/sample-library.bib'],
  },
  {
    usage: '/cite PAPER-ID…',
    description: 'BibTeX for one or more papers (arXiv papers as @misc with eprint, venue papers as @inproceedings).',
    examples: ['/cite 3', '/cite 3 7 2310.13548'],
  },
  {
    usage: '/foryou [PAGE | reset]',
    description:
      'This week\'s papers ranked by what you saved, liked and dismissed (Like and Not interested are on every card); only you see it. "reset" forgets your signals, not your reading list.',
    examples: ['/foryou', '/foryou 2', '/foryou reset'],
  },
  {
    usage: '/like PAPER-ID, /dismiss PAPER-ID',
    description: 'Like a paper, or say you are not interested (the terminal’s Like and Not interested buttons).',
    examples: ['/like 3', '/dismiss 7'],
  },
  {
    usage: '/help',
    description: 'This list. You can also mention Paperboy in plain words.',
    examples: [
      '@paperboy papers on moral self-correction by Deep Ganguli since 2023',
      '@paperboy who is Amanda Askell',
    ],
  },
];

/** The help reply; with a topic, only that command's entry. */
export function helpReply(
  topic?: string,
  intro = 'Paperboy finds research papers and tells you about their authors.',
): Reply {
  const wanted = topic ? COMMANDS.filter((c) => c.usage.slice(1).startsWith(topic.toLowerCase())) : [];
  return { kind: 'help', intro, commands: wanted.length ? wanted : COMMANDS };
}
