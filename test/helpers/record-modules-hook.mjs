// The resolve hook of record-modules.mjs (module hooks run on their own thread).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.PAPERBOY_RECORD_MODULES) appendFileSync(process.env.PAPERBOY_RECORD_MODULES, `${resolved.url}\n`);
  return resolved;
}
