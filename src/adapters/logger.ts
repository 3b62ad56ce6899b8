import { type Logger, LogLevel } from '@slack/bolt';

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/** A plain logger on a stream (standard error), in the shape Bolt expects; discord.js gets the same one. */
export function createLogger(stream: NodeJS.WritableStream, level: LogLevel = LogLevel.INFO): Logger {
  let current = level;
  let name = 'paperboy';
  const write =
    (at: LogLevel) =>
    (...message: unknown[]) => {
      if (ORDER.indexOf(at) < ORDER.indexOf(current)) return;
      const text = message
        .map((m) => (m instanceof Error ? (m.stack ?? m.message) : typeof m === 'string' ? m : JSON.stringify(m)))
        .join(' ');
      stream.write(`${new Date().toISOString()} ${at} [${name}] ${text}\n`);
    };
  return {
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n) => {
      name = n;
    },
  };
}
