/** What one doctor check found: `ok`, `warn` (works, but look) or `fail` (broken), and how to fix it. */
export interface DoctorCheck {
  /** Fixed: scripts and monitors select checks by id (docs/deploying.md, "Doctor"). */
  id: DoctorCheckId;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  /** One sentence on how to fix it; empty when the check is ok. */
  fix: string;
}

/** Every check's id, in the order doctor runs and prints them. */
export const DOCTOR_CHECK_IDS = [
  'node',
  'config',
  'database',
  'migrations',
  'search_snapshot',
  'subscription_time_zones',
  'profiles',
  'platforms',
  'slack_token',
  'slack_scopes',
  'slack_mode',
  'discord_token',
  'discord_application',
  'discord_commands',
  'arxiv_feed',
  'openalex',
  'semantic_scholar',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECK_IDS)[number];

export const ok = (id: DoctorCheckId, message: string): DoctorCheck => ({ id, status: 'ok', message, fix: '' });
export const warn = (id: DoctorCheckId, message: string, fix: string): DoctorCheck => ({
  id,
  status: 'warn',
  message,
  fix,
});
export const fail = (id: DoctorCheckId, message: string, fix: string): DoctorCheck => ({
  id,
  status: 'fail',
  message,
  fix,
});
