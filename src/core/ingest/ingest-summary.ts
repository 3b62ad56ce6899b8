import type { ParseMessage } from '../profile/profile-schema.ts';
import type { SaveOutcome } from '../store/paper-store.ts';

export type FileStatus = 'ok' | 'warning' | 'error';

/** What happened to one file, in the shape `paperboy ingest --json` prints. */
export interface FileReport {
  path: string;
  status: FileStatus;
  profile?: string;
  /** How many papers the file held that were stored. */
  papers: number;
  messages: ParseMessage[];
}

export interface IngestTotals {
  profiles: number;
  /** Distinct papers in the files of this run. */
  papers: number;
  /** Papers the database did not have before this run. */
  newPapers: number;
  updatedPapers: number;
  unchangedPapers: number;
  /** Records read and stored: corpus lines, and the paper blocks of profile pages. */
  records: number;
  /** Records that went into a paper the index had already (before this run, or from an earlier record). */
  merged: number;
  /** Papers new to the index that reach digests: profile pages' and recent records' (docs/digests.md). */
  announced: number;
}

export interface IngestSummary {
  files: FileReport[];
  totals: IngestTotals;
}

/** Collects per-file outcomes into run totals; a paper counts once however many files list it. */
export function createSummaryBuilder() {
  const files: FileReport[] = [];
  const profiles = new Set<string>();
  const outcomes = new Map<number, SaveOutcome>();
  let records = 0;
  let announced = 0;
  return {
    addFile(
      report: FileReport,
      papers?: Map<number, SaveOutcome>,
      counts: { records?: number | undefined; announced?: number | undefined } = {},
    ) {
      files.push(report);
      records += counts.records ?? 0;
      announced += counts.announced ?? 0;
      if (report.profile !== undefined) profiles.add(report.profile);
      for (const [id, outcome] of papers ?? []) {
        const seen = outcomes.get(id);
        // The first outcome in a run wins: a paper new in one file stays new when a later file lists it.
        if (seen === undefined || (seen === 'unchanged' && outcome === 'updated')) outcomes.set(id, outcome);
      }
    },
    build(): IngestSummary {
      const count = (o: SaveOutcome) => [...outcomes.values()].filter((v) => v === o).length;
      const newPapers = count('new');
      return {
        files,
        totals: {
          profiles: profiles.size,
          papers: outcomes.size,
          newPapers,
          updatedPapers: count('updated'),
          unchangedPapers: count('unchanged'),
          records,
          merged: Math.max(0, records - newPapers),
          announced,
        },
      };
    },
  };
}

export const statusOf = (messages: ParseMessage[]): FileStatus =>
  messages.some((m) => m.severity === 'error') ? 'error' : messages.length ? 'warning' : 'ok';
