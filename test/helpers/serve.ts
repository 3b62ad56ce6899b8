import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.ts';
import { captureStream } from './capture.ts';

/**
 * Starts `paperboy start` in-process (the real code path) with its own environment, and waits until its
 * log says `ready`. `stop()` sends what SIGINT would and resolves with the exit code.
 */
export async function servePaperboy(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const stdout = captureStream();
  let onLog = (_log: string) => {};
  const stderr = captureStream((log) => onLog(log));
  const controller = new AbortController();
  const readyMatch = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`paperboy did not log ${ready} in 15 s:\n${stderr.text()}`)),
      15_000,
    );
    onLog = (log) => {
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
  });
  const exit = runCli(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(['']),
    env,
    clock: () => new Date(),
    signal: controller.signal,
  });
  const match = await Promise.race([
    readyMatch,
    exit.then((code) => Promise.reject(new Error(`paperboy exited ${code}:\n${stderr.text()}`))),
  ]);
  return {
    match,
    log: stderr.text,
    stdout: stdout.text,
    async stop() {
      controller.abort();
      return exit;
    },
  };
}
