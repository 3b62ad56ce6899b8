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
  return {
    addFile(report: FileReport, papers?: Map<number, SaveOutcome>) {
      files.push(report);
      if (report.profile !== undefined) profiles.add(report.profile);
      for (const [id, outcome] of papers ?? []) {
        const seen = outcomes.get(id);
        // The first outcome in a run wins: a paper new in one file stays new when a later file lists it.
        if (seen === undefined || (seen === 'unchanged' && outcome === 'updated')) outcomes.set(id, outcome);
      }
    },
    build(): IngestSummary {
      const count = (o: SaveOutcome) => [...outcomes.values()].filter((v) => v === o).length;
      return {
        files,
        totals: {
          profiles: profiles.size,
          papers: outcomes.size,
          newPapers: count('new'),
          updatedPapers: count('updated'),
          unchangedPapers: count('unchanged'),
        },
      };
    },
  };
}

export const statusOf = (messages: ParseMessage[]): FileStatus =>
  messages.some((m) => m.severity === 'error') ? 'error' : messages.length ? 'warning' : 'ok';
