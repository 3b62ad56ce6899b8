import { runCli } from './cli/program.ts';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    signal: stop.signal,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    clock: () => new Date(),
  });
} catch (error) {
  process.stderr.write(`paperboy failed unexpectedly: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
