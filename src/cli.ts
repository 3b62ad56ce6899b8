import { runCli } from './cli/program.ts';
import { isPaperboyError } from './core/errors.ts';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    clock: () => new Date(),
  });
} catch (error) {
  if (isPaperboyError(error)) process.stderr.write(`error: ${error.message}\n`);
  else process.stderr.write(`paperboy failed unexpectedly: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
