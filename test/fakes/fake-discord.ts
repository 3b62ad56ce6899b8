import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createFaults, pause } from './faults.ts';

export interface DiscordCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  at: number;
}

export const BOT_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
export const GUILD_ID = '100000000000000003';
export const CHANNEL_ID = '100000000000000004';
const USER = { id: '100000000000000005', username: 'ada', discriminator: '0', global_name: 'Ada', avatar: null };

let snowflake = 200000000000000000n;
export const nextId = () => String(++snowflake);

/**
 * A local fake of Discord: REST under `/api/v10` (recorded) and a gateway websocket that speaks HELLO,
 * IDENTIFY -> READY (+ one guild with one text channel), heartbeat ACK, then dispatches what a test sends.
 * Scripted failures: `failNext(pathPattern, 429, retryAfterSeconds)`.
 */
export async function startFakeDiscord() {
  const calls: DiscordCall[] = [];
  const failures: { pattern: RegExp; status: number; retryAfter: number; skip: number }[] = [];
  const commands = new Map<string, Record<string, unknown>[]>();
  const messages = new Map<string, ReturnType<typeof message>[]>();
  const sockets = new Set<WebSocket>();
  let seq = 0;
  // Random trouble on channel and DM routes, when a fault-injection test sets a plan.
  const faults = createFaults();

  const readBody = async (req: IncomingMessage) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (!raw) return undefined;
    if ((req.headers['content-type'] ?? '').includes('multipart')) {
      const json = /\{[\s\S]*\}/.exec(raw.split('name="payload_json"')[1] ?? '')?.[0];
      return json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
    }
    return JSON.parse(raw) as Record<string, unknown>;
  };
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const message = (body: Record<string, unknown> | undefined, channelId = CHANNEL_ID) => ({
    id: nextId(),
    channel_id: channelId,
    author: { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null },
    content: body?.content ?? '',
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    type: 0,
    flags: 0,
  });

  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '').replace(/^\/api\/v10/, '');
    const body = await readBody(req);
    calls.push({ method: req.method ?? 'GET', path, body, at: Date.now() });
    const failure = failures.findIndex((f) => f.pattern.test(`${req.method} ${path}`) && f.skip-- <= 0);
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      return send(
        res,
        f?.status ?? 500,
        { message: 'You are being rate limited.', retry_after: f?.retryAfter ?? 1, global: false },
        {
          'retry-after': String(f?.retryAfter ?? 1),
          'x-ratelimit-scope': 'user',
        },
      );
    }
    const fault = /^\/(channels|users\/@me)\//.test(path) ? faults.draw() : undefined;
    const messagePost = req.method === 'POST' && /^\/channels\/\d+\/messages$/.test(path);
    if (fault?.kind === 'rateLimited') {
      const retryAfter = String(faults.retryAfter);
      const limited = { message: 'You are being rate limited.', retry_after: faults.retryAfter, global: false };
      return send(res, 429, limited, { 'retry-after': retryAfter, 'x-ratelimit-scope': 'user' });
    }
    const serverError = { message: '500: Internal Server Error', code: 0 };
    if (fault?.kind === 'failBefore' || (fault?.kind === 'failAfter' && !messagePost))
      return send(res, 500, serverError);
    if (fault?.kind === 'slow' && !messagePost) await pause(fault.delayMs);
    if (req.method === 'GET' && path === '/gateway/bot') {
      return send(res, 200, {
        url: `ws://127.0.0.1:${port()}`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (req.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return send(res, 204);
    if (/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) return send(res, 200, message(body));
    const channelPost = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (req.method === 'POST' && channelPost) {
      const posted = message(body, channelPost[1]);
      messages.set(posted.channel_id, [posted, ...(messages.get(posted.channel_id) ?? [])]);
      // Recorded: a failure now leaves the caller unable to tell that the message went out.
      if (fault?.kind === 'failAfter') return send(res, 500, serverError);
      if (fault?.kind === 'slow') await pause(fault.delayMs);
      return send(res, 200, posted);
    }
    if (req.method === 'GET' && channelPost)
      return send(res, 200, (messages.get(channelPost[1] as string) ?? []).slice(0, 50));
    if (req.method === 'POST' && /^\/channels\/\d+\/messages\/\d+\/threads$/.test(path)) {
      // A thread started from a message has the message's id.
      return send(res, 201, { id: path.split('/')[4], type: 11, name: body?.name, parent_id: path.split('/')[2] });
    }
    if (req.method === 'POST' && path === '/users/@me/channels') {
      return send(res, 200, {
        id: `9${String(body?.recipient_id).slice(1)}`,
        type: 1,
        recipients: [{ ...USER, id: body?.recipient_id }],
      });
    }
    const commandsPath = /^\/applications\/\d+(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (req.method === 'PUT' && commandsPath) {
      const list = ((body as unknown as Record<string, unknown>[]) ?? []).map((c) => ({
        ...c,
        id: nextId(),
        application_id: APP_ID,
        version: '1',
      }));
      commands.set(commandsPath[1] ?? 'global', list);
      return send(res, 200, list);
    }
    return send(res, 404, { message: `fake discord: no route for ${req.method} ${path}`, code: 0 });
  });

  const wss = new WebSocketServer({ server });
  const dispatch = (socket: WebSocket, t: string, d: unknown) => socket.send(JSON.stringify({ op: 0, t, s: ++seq, d }));
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (packet.op === 2) {
        dispatch(socket, 'READY', {
          v: 10,
          user: { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null },
          guilds: [{ id: GUILD_ID, unavailable: true }],
          session_id: 'session',
          resume_gateway_url: `ws://127.0.0.1:${port()}`,
          shard: [0, 1],
          application: { id: APP_ID, flags: 0 },
        });
        dispatch(socket, 'GUILD_CREATE', {
          id: GUILD_ID,
          name: 'Test server',
          owner_id: USER.id,
          unavailable: false,
          member_count: 2,
          roles: [
            {
              id: GUILD_ID,
              name: '@everyone',
              permissions: '377957124096',
              position: 0,
              color: 0,
              hoist: false,
              managed: false,
              mentionable: false,
            },
          ],
          channels: [
            { id: CHANNEL_ID, type: 0, name: 'papers', guild_id: GUILD_ID, position: 0, permission_overwrites: [] },
          ],
          members: [],
          emojis: [],
          stickers: [],
          threads: [],
          presences: [],
          voice_states: [],
          features: [],
          joined_at: new Date().toISOString(),
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;

  const interaction = (type: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const id = nextId();
    const token = `token-${id}`;
    for (const socket of sockets) {
      dispatch(socket, 'INTERACTION_CREATE', {
        id,
        application_id: APP_ID,
        type,
        data,
        guild_id: GUILD_ID,
        channel_id: CHANNEL_ID,
        channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'papers' },
        member: {
          user: USER,
          roles: [],
          permissions: '2248473465835073',
          joined_at: new Date().toISOString(),
          deaf: false,
          mute: false,
          flags: 0,
        },
        token,
        version: 1,
        app_permissions: '2248473465835073',
        locale: 'en-US',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': GUILD_ID },
        context: 0,
        ...extra,
      });
    }
    return { id, token };
  };

  return {
    apiUrl: `http://127.0.0.1:${port()}/api`,
    calls,
    commands,
    /** Random 429s, 500s (before or after recording) and slow replies on channel routes; `set()` ends them. */
    faults: { set: faults.set, counts: faults.counts },
    /** Messages posted in a channel, newest first. */
    messagesIn: (channel: string) => messages.get(channel) ?? [],
    connected: () => sockets.size,
    /** The next request matching `pattern` (after letting `skip` through) fails with `status`. */
    failNext(pattern: RegExp, status = 429, retryAfter = 1, skip = 0) {
      failures.push({ pattern, status, retryAfter, skip });
    },
    callbacksFor: (id: string) => calls.filter((c) => c.path.startsWith(`/interactions/${id}/`)),
    editsFor: (token: string) => calls.filter((c) => c.path.includes(`/${token}/messages/@original`)),
    command(name: string, options: { name: string; type: number; value: string; focused?: boolean }[]) {
      return interaction(2, { id: nextId(), name, type: 1, options });
    },
    autocomplete(name: string, option: string, value: string) {
      return interaction(4, {
        id: nextId(),
        name,
        type: 1,
        options: [{ name: option, type: 3, value, focused: true }],
      });
    },
    button(customId: string, messageId = nextId()) {
      return interaction(
        3,
        { custom_id: customId, component_type: 2 },
        { message: { ...message(undefined), id: messageId } },
      );
    },
    mention(content: string) {
      const id = nextId();
      for (const socket of sockets) {
        dispatch(socket, 'MESSAGE_CREATE', {
          ...message({ content }),
          id,
          guild_id: GUILD_ID,
          author: USER,
          mentions: [
            { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null },
          ],
          member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
        });
      }
      return id;
    },
    async stop() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
