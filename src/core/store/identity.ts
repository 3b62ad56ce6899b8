import { toMatchKey } from '../text.ts';

/** The identity of a profile: its researcher's name, case and spacing folded. */
export const toProfileKey = (name: string): string => name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

/** The identity of a paper: its title with case, accents, punctuation and spacing folded (see docs/storage.md). */
export const toPaperKey = (title: string): string => toMatchKey(title);
