/**
 * PostgreSQL tables of subscriptions, the digest ledger, arXiv feeds and backfills, leases and seen platform
 * events: part of migration 1 (pg-migrations.ts). Mirrors SQLite's schema (src/core/store/migrations.ts).
 */
export const COORDINATION_SCHEMA = `
`;
