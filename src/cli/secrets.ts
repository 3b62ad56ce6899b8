/** Variables whose values must never be printed or logged. */
export const SECRET_VARIABLES = [
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'OPENALEX_API_KEY',
  'SEMANTIC_SCHOLAR_API_KEY',
] as const;

/** The secret values set, longest first (so one that contains another is replaced whole). */
export const secretValues = (setting: (name: string) => string | undefined): string[] =>
  SECRET_VARIABLES.map((name) => setting(name))
    .filter((v): v is string => v !== undefined && v.length >= 4)
    .sort((a, b) => b.length - a.length);

/** `text` with every secret value replaced by `[redacted]`. */
export const redactSecrets = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);

/** The secret values of a loaded configuration (tokens may come from `.env`, not the environment). */
export const secretsOf = (config: Partial<Record<(typeof SECRET_VARIABLES)[number], string | undefined>>) =>
  SECRET_VARIABLES.map((name) => config[name]);
