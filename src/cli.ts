import { runCli } from './cli/program.ts';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
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
