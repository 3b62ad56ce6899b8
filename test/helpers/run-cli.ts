import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';

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
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: options.env ?? {},
    clock: () => options.now ?? new Date(),
  });
  return { code, stdout: out, stderr: err };
}
