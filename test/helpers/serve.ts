import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';

/**
 * Starts `paperboy start` in-process (the real code path) with its own environment, and waits until its
 * log says `ready`. `stop()` sends what SIGINT would and resolves with the exit code.
 */
export async function servePaperboy(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  let log = '';
  let out = '';
  stdout.on('data', (c) => {
    out += c;
  });
  const controller = new AbortController();
  const readyMatch = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paperboy did not log ${ready} in 15 s:\n${log}`)), 15_000);
    stderr.on('data', (chunk) => {
      log += chunk;
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
  const exit = runCli(argv, {
    stdout,
    stderr,
    stdin: Readable.from(['']),
    env,
    clock: () => new Date(),
    signal: controller.signal,
  });
  const match = await Promise.race([
    readyMatch,
    exit.then((code) => Promise.reject(new Error(`paperboy exited ${code}:\n${log}`))),
  ]);
  return {
    match,
    log: () => log,
    stdout: () => out,
    async stop() {
      controller.abort();
      return exit;
    },
  };
}
