import { runCli } from './cli/program.ts';
import { GRACE_MS, interruptedExit } from './cli/shutdown.ts';

// SIGINT/SIGTERM: commands stop taking work and finish what is in flight, within GRACE_MS; a second signal,
// or the grace running out, exits at once (SQLite rolls back what was not committed).
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(interruptedExit(stop.signal));
    stop.abort(signal);
    setTimeout(() => {
      process.stderr.write(`paperboy: still busy ${GRACE_MS / 1000} s after ${signal}; exiting without finishing\n`);
      process.exit(interruptedExit(stop.signal));
    }, GRACE_MS).unref();
  });
}

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
// Stopped by a signal, the command has finished what it would finish and chosen its exit code: what is left on
// the event loop is abandoned work (a platform still retrying its first request), not worth the grace period.
if (stop.signal.aborted) process.exit();
