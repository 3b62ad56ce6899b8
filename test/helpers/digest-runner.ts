/**
 * A digest runner process for the fault-injection test. For every line on standard input, a JSON object
 * `{ now, env }`, it runs the real `paperboy digest run --now NOW --db $FAULT_DB --json` with that environment
 * (in this process, so that one start serves a whole simulated month) and answers one JSON line: the exit
 * code, the digests' outcomes and the log.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';
import { captureStream } from './capture.ts';

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { now, env } = JSON.parse(line) as { now: string; env: NodeJS.ProcessEnv };
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(['digest', 'run', '--now', now, '--db', env.FAULT_DB as string, '--json'], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(['']),
    env: { ...process.env, ...env },
    clock: () => new Date(),
  });
  // Exit 1 (a digest failed, as injected faults make some) still prints the outcomes.
  const digests = stdout.text() ? (JSON.parse(stdout.text()) as { digests: unknown[] }).digests : [];
  process.stdout.write(`${JSON.stringify({ code, digests, stderr: stderr.text() })}\n`);
}
