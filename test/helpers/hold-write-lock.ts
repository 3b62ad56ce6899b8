// A second process for tests: opens DB, takes SQLite's write lock (BEGIN IMMEDIATE), says "locked" on
// standard output, holds the lock for MS milliseconds, commits and exits. With --migrate it applies every
// migration inside that transaction first, as a Paperboy that is migrating a fresh database does.
// Usage: node --import tsx test/helpers/hold-write-lock.ts DB MS [--migrate]
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/adapters/sqlite/sqlite-migrations.ts';
import { registerMigrationFunctions } from '../../src/adapters/sqlite/sqlite-store.ts';

const [file, ms, flag] = process.argv.slice(2);
if (!file || !ms) throw new Error('usage: hold-write-lock.ts DB MS [--migrate]');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.exec('BEGIN IMMEDIATE');
if (flag === '--migrate') {
  registerMigrationFunctions(db);
  MIGRATIONS.forEach((sql, v) => {
    db.exec(sql);
    db.pragma(`user_version = ${v + 1}`);
  });
}
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
}, Number(ms));
