import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { SLACK_MANIFEST_SCOPES } from '../../src/cli/doctor-platforms.ts';
import { createFaults, pause } from './faults.ts';

export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  at: number;
}

/** The bot scopes the fake grants by default: those `manifest.yml` asks for, as doctor checks them. */
export const FAKE_SLACK_SCOPES: readonly string[] = SLACK_MANIFEST_SCOPES;

/**
 * A local fake of Slack: the Web API methods Paperboy uses (recorded), `response_url` targets, and
 * `apps.connections.open` with a Socket Mode websocket. Scripted failures: `failNext(method, status, retryAfter)`.
 * @param options.botToken - when set, `auth.test` refuses any other token (`invalid_auth`), as Slack does
 * @param options.appToken - when set, `apps.connections.open` refuses any other token
 * @param options.scopes - what `auth.test` says the token was granted (`x-oauth-scopes`)
 */
export async function startFakeSlack(options: { botToken?: string; appToken?: string; scopes?: string[] } = {}) {
  const calls: RecordedCall[] = [];
  const failures = new Map<string, { status: number; retryAfter: number; skip: number; error?: string }[]>();
  // Users that are bots, as users.info tells.
  const botUsers = new Set<string>(['UBOT']);
  // When set, chat.postMessage records the message (it is "posted") but never answers: the caller hangs there.
  let holdPosts: (() => void) | undefined;
  // When set, chat.postMessage records the message at once and answers this many milliseconds later.
  let postDelayMs = 0;
  const sockets = new Set<WebSocket>();
  let messageTs = 1000;
  const history = new Map<string, Record<string, unknown>[]>();
  // Random trouble on the calls a digest makes, when a fault-injection test sets a plan.
  const faults = createFaults();
  const FAULTY = new Set(['chat.postMessage', 'conversations.history', 'conversations.replies', 'conversations.open']);

  // Files uploaded through the external upload flow: bytes posted to an upload URL, by file id.
  const uploads = new Map<string, Buffer>();
  let fileIds = 0;
  // Slack shows an uploaded file only once it has processed it: until then, a message whose image block names the
  // file is refused (`invalid_blocks`). Each file is "processing" for this many such messages.
  let processingRefusals = 0;
  const refusalsLeft = new Map<string, number>();
  const namesProcessingFile = (body: Record<string, unknown>) => {
    const blocks = (body.blocks ?? []) as { type?: string; slack_file?: { id?: string } }[];
    return blocks.some((b) => {
      const id = b.type === 'image' ? b.slack_file?.id : undefined;
      if (id === undefined) return false;
      const left = refusalsLeft.get(id) ?? processingRefusals;
      refusalsLeft.set(id, left - 1);
      return left > 0;
    });
  };
  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    // An upload URL takes the file's bytes as they are.
    if ((req.url ?? '').startsWith('/upload/')) return { bytes };
    const raw = bytes.toString('utf8');
    if (!raw) return {};
    if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = Object.fromEntries(new URLSearchParams(raw));
    for (const key of ['blocks', 'metadata', 'files', 'unfurls'])
      if (typeof form[key] === 'string') form[key] = JSON.parse(form[key] as string);
    return form;
  };

  // The Web API client sends the token as a bearer header (or, in old clients, a `token` form field).
  const bearer = (req: IncomingMessage) => /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = await readBody(req);
    calls.push({ method: req.method ?? 'GET', path, body, at: Date.now() });
    const method = path.replace(/^\/api\//, '');
    const pending = failures.get(method)?.[0];
    if (pending && pending.skip > 0) pending.skip--;
    else if (pending) {
      failures.get(method)?.shift();
      const error = pending.error ?? (pending.status === 429 ? 'ratelimited' : 'fatal_error');
      return send(res, pending.status, { ok: false, error }, { 'retry-after': String(pending.retryAfter) });
    }
    const fault = FAULTY.has(method) ? faults.draw() : undefined;
    if (fault?.kind === 'rateLimited')
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(faults.retryAfter) });
    if (fault?.kind === 'failBefore') return send(res, 500, { ok: false, error: 'fatal_error' });
    if (fault && fault.kind !== 'lateRecord' && method !== 'chat.postMessage') {
      if (fault.kind === 'failAfter') return send(res, 500, { ok: false, error: 'fatal_error' });
      await pause(fault.delayMs);
    }
    // Recorded late: after the client's timeout, so the client cannot tell that the message went out.
    if (fault?.kind === 'lateRecord' && method === 'chat.postMessage') await pause(fault.delayMs);
    if (path.startsWith('/respond/')) {
      if (namesProcessingFile(body)) return send(res, 400, { ok: false, error: 'invalid_blocks' });
      return send(res, 200, { ok: true });
    }
    if (path.startsWith('/upload/')) {
      uploads.set(path.slice('/upload/'.length), body.bytes as Buffer);
      return send(res, 200, { ok: true });
    }
    switch (method) {
      case 'auth.test':
        if (options.botToken && bearer(req) !== options.botToken)
          return send(res, 200, { ok: false, error: 'invalid_auth' });
        return send(
          res,
          200,
          { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'paperboy', team: 'Test' },
          { 'x-oauth-scopes': (options.scopes ?? FAKE_SLACK_SCOPES).join(',') },
        );
      case 'chat.postMessage': {
        const ts = `${++messageTs}.000100`;
        const channel = String(body.channel);
        history.set(channel, [{ ...body, ts }, ...(history.get(channel) ?? [])]);
        // Recorded: a failure now leaves the caller unable to tell that the message went out.
        if (fault?.kind === 'failAfter') return send(res, 500, { ok: false, error: 'fatal_error' });
        if (fault?.kind === 'slow') await pause(fault.delayMs);
        if (postDelayMs) await pause(postDelayMs);
        if (holdPosts) {
          holdPosts();
          return;
        }
        return send(res, 200, { ok: true, channel, ts, message: body });
      }
      case 'conversations.replies': {
        const thread = (history.get(String(body.channel)) ?? []).filter(
          (m) => m.ts === body.ts || m.thread_ts === body.ts,
        );
        return send(res, 200, { ok: true, messages: thread.reverse() });
      }
      case 'conversations.history': {
        // Like Slack, the channel's history holds top-level messages; replies live in their threads.
        // Pages of at most 999 (100 by default), newest first, with a cursor to the next page, as Slack pages.
        const top = (history.get(String(body.channel)) ?? []).filter((m) => m.thread_ts === undefined);
        const from = Number(body.cursor ?? 0);
        const to = from + Math.min(999, Number(body.limit ?? 100));
        const more = to < top.length;
        return send(res, 200, {
          ok: true,
          messages: top.slice(from, to),
          has_more: more,
          response_metadata: { next_cursor: more ? String(to) : '' },
        });
      }
      case 'chat.unfurl': {
        // As Slack: a message (channel + ts) or a composer link (unfurl_id + source), and unfurls keyed by URL,
        // each with blocks.
        const target = (body.channel && body.ts) || (body.unfurl_id && body.source);
        const unfurls = body.unfurls as Record<string, { blocks?: unknown }> | undefined;
        const valid =
          typeof unfurls === 'object' &&
          unfurls !== null &&
          Object.entries(unfurls).every(([url, u]) => /^https?:\/\//.test(url) && Array.isArray(u.blocks));
        if (!target) return send(res, 200, { ok: false, error: 'invalid_arguments' });
        if (!valid) return send(res, 200, { ok: false, error: 'invalid_unfurls_format' });
        return send(res, 200, { ok: true });
      }
      // As Slack: is_bot for bot users (Paperboy itself, and those a test adds with `addBot`).
      case 'users.info': {
        const user = String(body.user ?? '');
        if (!user) return send(res, 200, { ok: false, error: 'user_not_found' });
        return send(res, 200, { ok: true, user: { id: user, team_id: 'T1', is_bot: botUsers.has(user) } });
      }
      case 'conversations.open':
        return send(res, 200, { ok: true, channel: { id: `D${String(body.users)}` } });
      // The external upload flow: an upload URL for a file id, then completing shares the uploaded file.
      case 'files.getUploadURLExternal': {
        if (!body.filename || !Number(body.length)) return send(res, 200, { ok: false, error: 'invalid_arguments' });
        const id = `F${++fileIds}`;
        return send(res, 200, { ok: true, upload_url: `http://127.0.0.1:${port()}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const files = (body.files ?? []) as { id: string; title?: string }[];
        if (files.some((f) => !uploads.has(f.id))) return send(res, 200, { ok: false, error: 'file_not_found' });
        return send(res, 200, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) });
      }
      case 'apps.connections.open':
        if (options.appToken && bearer(req) !== options.appToken)
          return send(res, 200, { ok: false, error: 'invalid_auth' });
        return send(res, 200, { ok: true, url: `ws://127.0.0.1:${port()}/socket` });
      default:
        return send(res, 200, { ok: true });
    }
  });
  const wss = new WebSocketServer({ server, path: '/socket' });
  const acks: Record<string, unknown>[] = [];
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('message', (data) => acks.push(JSON.parse(String(data)) as Record<string, unknown>));
    socket.on('close', () => sockets.delete(socket));
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake' },
        connection_info: { app_id: 'A1' },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port()}`,
    apiUrl: `http://127.0.0.1:${port()}/api/`,
    calls,
    acks,
    /** Random 429s, 500s (before or after recording) and slow replies on the digest calls; `set()` ends them. */
    faults: { set: faults.set, counts: faults.counts },
    /**
     * The next `count` calls of `method`, after letting `skip` through, fail with `status` and a Retry-After
     * header (429 as rate limited; a 200 carries `ok: false`, which the Web API client does not retry).
     */
    failNext(method: string, status: number, retryAfter = 1, count = 1, skip = 0, error?: string) {
      failures.set(
        method,
        Array.from({ length: count }, (_, i) => ({
          status,
          retryAfter,
          skip: i === 0 ? skip : 0,
          ...(error ? { error } : {}),
        })),
      );
    },
    /** Resolves when the next post arrives; that post is recorded but gets no answer. */
    holdNextPost(): Promise<void> {
      return new Promise((resolve) => {
        holdPosts = () => {
          holdPosts = undefined;
          resolve();
        };
      });
    },
    /** Every later chat.postMessage is recorded on arrival and answered `ms` later (a slow Slack). */
    slowPosts(ms: number) {
      postDelayMs = ms;
    },
    /** Messages posted in a channel, newest first (what conversations.history answers). */
    history: (channel: string) => history.get(channel) ?? [],
    callsTo: (method: string) => calls.filter((c) => c.path === `/api/${method}`),
    respondsTo: (id: string) => calls.filter((c) => c.path === `/respond/${id}`),
    /** The bytes uploaded for a file id (files.getUploadURLExternal, then the upload URL), as text. */
    uploaded: (fileId: string) => uploads.get(fileId)?.toString('utf8'),
    /** The bytes uploaded for a file id, as they came. */
    uploadedBytes: (fileId: string) => uploads.get(fileId),
    /** Each file uploaded from now on is refused in `n` messages (Slack still processing it) before it shows. */
    processFilesAfter(n: number) {
      processingRefusals = n;
    },
    /** Sends a Socket Mode envelope to every connected client. */
    /**
     * Sends a Socket Mode envelope to every open connection, or, as Slack does with several, to the `connection`th
     * one only (in the order they opened).
     */
    sendEnvelope(envelope: Record<string, unknown>, connection?: number) {
      const targets = connection === undefined ? [...sockets] : [...sockets].slice(connection, connection + 1);
      for (const socket of targets) socket.send(JSON.stringify(envelope));
    },
    connected: () => sockets.size,
    /** Makes `user` a bot, as users.info answers. */
    addBot(user: string) {
      botUsers.add(user);
    },
    async stop() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

/** Signs a request body the way Slack does: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}
