import { z } from 'zod';

/** ISO calendar date, `YYYY-MM-DD`. */
export const IsoDateSchema = z.iso.date();

/** One paper as a profile page lists it. */
export const ProfilePaperSchema = z.object({
  /** Short category as on the page (`CL`, `CV`, `HEP-TH`). */
  category: z.string().min(1),
  date: IsoDateSchema,
  hasCode: z.boolean(),
  title: z.string().min(1),
  /** The authors the page names; the page shows at most a few, then "et al.". */
  authors: z.array(z.string().min(1)),
  /** True when the page cut the author list short with "et al.". */
  authorsTruncated: z.boolean(),
  affiliations: z.array(z.string().min(1)),
  abstract: z.string().min(1).nullable(),
});
export type ProfilePaper = z.infer<typeof ProfilePaperSchema>;

const metric = z.number().int().nonnegative().nullable();
const score = z.number().nonnegative().nullable();

/** A researcher's profile page, parsed. A metric the page does not show is `null`. */
export const ProfileSchema = z.object({
  name: z.string().min(1),
  category: z.string().min(1).nullable(),
  hIndex: metric,
  paperCount: metric,
  citationCount: metric,
  novelty: score,
  aiScore: score,
  /** The "N Papers" count printed above the list, which may disagree with the papers present. */
  listedCount: metric,
  papers: z.array(ProfilePaperSchema),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** A warning or error about a place in an input file. */
export const ParseMessageSchema = z.object({
  line: z.number().int().positive().optional(),
  severity: z.enum(['warning', 'error']),
  message: z.string(),
});
export type ParseMessage = z.infer<typeof ParseMessageSchema>;
