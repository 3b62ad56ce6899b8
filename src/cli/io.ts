/** What a CLI command reads and writes: the process's streams in production, buffers in tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  /** Aborted on SIGINT/SIGTERM: long-running commands (`start` serving platforms) stop cleanly. */
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const writeJson = (io: CliIo, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
