/**
 * Paperboy's logger: what the CLI, the posters and the platform adapters log through. The one `createLogger`
 * (src/adapters/logger.ts) makes is also the shape Bolt and discord.js take, so one logger serves them all.
 */
export interface Logger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}
