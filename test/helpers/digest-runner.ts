/**
 * A digest runner process for the fault-injection test. For every line on standard input, a JSON object
 * `{ now, env }`, it runs the real `paperboy digest run --now NOW --db $FAULT_DB --json` (without `--db` when
 * FAULT_DB is empty: PostgreSQL through DATABASE_URL) with that environment (in this process, so that one start
 * serves a whole simulated month) and answers one JSON line: the exit code, the digests' outcomes and the log.
 * FAULT_CLOCK_SKEW_MS puts this runner's clock that far off the machine's (the database's clock stays true).
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';
import { captureStream } from './capture.ts';

// The modules a run loads lazily are loaded before `ready`: a first run slowed by loading them (seconds on a loaded
// machine) would be killed by the test again and again.
await Promise.all([
  import('../../src/cli/digest-command.ts'),
  import('../../src/cli/open-stores.ts'),
  import('../../src/adapters/sqlite/sqlite-engine.ts'),
  import('../../src/adapters/postgres/pg-engine.ts'),
  import('../../src/cli/search-cache-lock.ts'),
]);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { now, env } = JSON.parse(line) as { now: string; env: NodeJS.ProcessEnv };
  const stdout = captureStream();
  const stderr = captureStream();
  const db = env.FAULT_DB ? ['--db', env.FAULT_DB] : [];
  const skew = Number(env.FAULT_CLOCK_SKEW_MS ?? 0);
  const code = await runCli(['digest', 'run', '--now', now, ...db, '--json'], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(['']),
    env: { ...process.env, ...env },
    clock: () => new Date(Date.now() + skew),
  });
  // Exit 1 (a digest failed, as injected faults make some) still prints the outcomes.
  const digests = stdout.text() ? (JSON.parse(stdout.text()) as { digests: unknown[] }).digests : [];
  process.stdout.write(`${JSON.stringify({ code, digests, stderr: stderr.text() })}\n`);
}
