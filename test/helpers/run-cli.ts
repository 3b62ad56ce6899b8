import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';
import { captureStream } from './capture.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with captured streams. */
export async function runPaperboy(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; now?: Date } = {},
): Promise<CliRun> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([options.stdin ?? '']),
    env: options.env ?? {},
    clock: () => options.now ?? new Date(),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
