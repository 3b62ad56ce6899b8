import { PaperboyError } from '../errors.ts';

/** What one file of records may hold (docs/limits.md). */
export const RECORD_FILE_LIMITS = {
  /**
   * Bytes of one line of a `.jsonl` file. The longest record of the large corpus is 53 KB; a longer line is not
   * a paper record, and a line with no end (a gzip bomb of zeros) would otherwise grow one string until the
   * process dies.
   */
  lineBytes: 1024 * 1024,
  /** Bytes a file yields once decompressed: 12 times the large corpus (320 MB); a gzip bomb stops here. */
  fileBytes: 4 * 1024 ** 3,
} as const;

export type RecordFileLimits = { lineBytes: number; fileBytes: number };

const NEWLINE = 0x0a;
const CR = 0x0d;

const mebibytes = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${Math.round((bytes / 1024 ** 2) * 100) / 100} MiB`;

/**
 * The lines of a byte stream (UTF-8, `\n` or `\r\n`), never holding more than one line of at most
 * `limits.lineBytes` bytes in memory and never reading more than `limits.fileBytes` bytes. Splitting on the
 * newline byte is safe in UTF-8: no multi-byte character contains it.
 *
 * @param name - the file, for the message
 * @throws PaperboyError `file_unreadable` naming the file, the line and the bound that was passed
 */
export async function* boundedLines(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
  limits: RecordFileLimits = RECORD_FILE_LIMITS,
): AsyncGenerator<string> {
  let pieces: Buffer[] = [];
  let lineLength = 0;
  let total = 0;
  let lineNumber = 1;
  const tooLong = () =>
    new PaperboyError(
      'file_unreadable',
      `${name} line ${lineNumber} is longer than ${mebibytes(limits.lineBytes)}: not a paper record (one JSON record a line). The file was not loaded; fix or remove that line.`,
    );
  const take = (): string => {
    let line = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, lineLength);
    if (line.length && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    pieces = [];
    lineLength = 0;
    lineNumber++;
    return line.toString('utf8');
  };
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    total += chunk.length;
    if (total > limits.fileBytes)
      throw new PaperboyError(
        'file_unreadable',
        `${name} holds more than ${mebibytes(limits.fileBytes)} once decompressed (a gzip bomb?): the file was not loaded. Split it into smaller files.`,
      );
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      lineLength += at - start;
      if (lineLength > limits.lineBytes) throw tooLong();
      pieces.push(chunk.subarray(start, at));
      yield take();
      start = at + 1;
    }
    if (start < chunk.length) {
      lineLength += chunk.length - start;
      if (lineLength > limits.lineBytes) throw tooLong();
      // A copy: the stream may reuse its buffer for the next chunk.
      pieces.push(Buffer.from(chunk.subarray(start)));
    }
  }
  if (lineLength > 0) yield take();
}
