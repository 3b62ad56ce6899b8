// A second Paperboy process for tests: takes the instance lock NAME on the PostgreSQL database URL, says "held"
// (or "busy") on standard output, and keeps it until it is killed.
// Usage: node --import tsx test/helpers/hold-instance-lock.ts URL NAME
import { createPgInstanceLocks } from '../../src/adapters/postgres/pg-instance-locks.ts';
import { createPgSession } from '../../src/adapters/postgres/pg-session.ts';

const [url, name] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: hold-instance-lock.ts URL NAME');
const session = createPgSession(url, { max: 1 });
const locks = createPgInstanceLocks(session.pool);
process.stdout.write((await locks.tryHold(name)) ? 'held\n' : 'busy\n');
setInterval(() => {}, 60_000);
