import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.ts';
import { waitFor } from './wait-for.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'paperboy.js');

/** Environment of a child Paperboy: this one's (PATH, HOME), with no platform token leaking in from it. */
export const childEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  DISCORD_TOKEN: '',
  SLACK_BOT_TOKEN: '',
  SLACK_APP_TOKEN: '',
  SLACK_SIGNING_SECRET: '',
  PORT: '',
  LOG_FORMAT: 'json',
  ...env,
});

/**
 * `paperboy ARGS` in a process of its own, as a user starts it (the real binary). `ready(pattern)` waits for its
 * log (standard error) to match; `stop()` sends SIGTERM and resolves with the exit code; `kill()` is for cleanup.
 */
export function startPaperboyProcess(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exited = false;
  void exit.then(() => {
    exited = true;
  });
  return {
    log: () => log,
    /** The JSON log lines, parsed (other lines skipped). */
    lines: () =>
      log.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    async ready(pattern: RegExp, ms = 60_000) {
      return waitFor(() => {
        if (exited) throw new Error(`paperboy exited before logging ${pattern}:\n${log}`);
        return pattern.exec(log) ?? undefined;
      }, ms);
    },
    async stop(): Promise<number | null> {
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
      return exit;
    },
  };
}
export type PaperboyProcess = ReturnType<typeof startPaperboyProcess>;
