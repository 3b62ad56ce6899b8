import type { Action } from './reply.ts';

/**
 * Actions travel in button ids (Discord `custom_id`, Slack `action_id`/`value`), so a button still works after
 * a restart. The form is short and readable: `pg:2:QUERY`, `mo:17:1`, `au:NAME`; a query too long for the
 * platform's limit travels as a reference to its saved copy, `pr:2:REF`.
 */
export function encodeAction(action: Action, maxLength = Number.POSITIVE_INFINITY): string {
  switch (action.type) {
    case 'page': {
      const plain = `pg:${action.page}:${action.query}`;
      return plain.length > maxLength && action.ref ? `pr:${action.page}:${action.ref}` : plain;
    }
    case 'more':
      return `mo:${action.paperId}:${action.page}`;
    case 'author':
      return `au:${action.name}`;
    case 'save':
      return `sv:${action.paperId}`;
    case 'cite':
      return `ci:${action.paperId}`;
    case 'unsave':
      return `rm:${action.paperId}:${action.page}`;
    case 'saved':
      return `sl:${action.page}`;
    case 'like':
      return `lk:${action.paperId}`;
    case 'dismiss':
      return `ni:${action.paperId}`;
    case 'foryou':
      return `fy:${action.page}`;
  }
}

/** The action behind an id made by {@link encodeAction}, or undefined for anything else. */
export function decodeAction(id: string): Action | undefined {
  const page = /^pg:(\d+):(.*)$/s.exec(id);
  if (page) return { type: 'page', page: Number(page[1]), query: page[2] ?? '' };
  const saved = /^pr:(\d+):([\w-]+)$/.exec(id);
  if (saved) return { type: 'page', page: Number(saved[1]), query: '', ref: saved[2] ?? '' };
  const more = /^mo:(\d+):(\d+)$/.exec(id);
  if (more) return { type: 'more', paperId: Number(more[1]), page: Number(more[2]) };
  const reading = /^(sv|ci|rm|sl):(\d+)(?::(\d+))?$/.exec(id);
  if (reading) {
    const [, kind, first, second] = reading;
    const n = Number(first);
    if (kind === 'sv' && second === undefined) return { type: 'save', paperId: n };
    if (kind === 'ci' && second === undefined) return { type: 'cite', paperId: n };
    if (kind === 'sl' && second === undefined) return { type: 'saved', page: n };
    if (kind === 'rm' && second !== undefined) return { type: 'unsave', paperId: n, page: Number(second) };
    return undefined;
  }
  const taste = /^(lk|ni|fy):(\d+)$/.exec(id);
  if (taste) {
    const n = Number(taste[2]);
    if (taste[1] === 'lk') return { type: 'like', paperId: n };
    if (taste[1] === 'ni') return { type: 'dismiss', paperId: n };
    return { type: 'foryou', page: n };
  }
  const author = /^au:(.+)$/s.exec(id);
  if (author) return { type: 'author', name: author[1] ?? '' };
  return undefined;
}
