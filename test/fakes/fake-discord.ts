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

/** An option of a slash command as Discord sends it; a subcommand (type 1) holds its own options. */
export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: CommandOption[];
}

export const BOT_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
export const GUILD_ID = '100000000000000003';
export const CHANNEL_ID = '100000000000000004';
export const USER = { id: '100000000000000005', username: 'ada', discriminator: '0', global_name: 'Ada', avatar: null };
const BOT = { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null };

// Ids are snowflakes as Discord makes them (milliseconds since 2015 in the high bits), so discord.js reads an
// interaction's creation time from its id; they only ever grow.
const DISCORD_EPOCH = 1420070400000n;
/** How long Discord remembers a nonce for `enforce_nonce` ("the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;
let last = 0n;
let sequence = 0n;
/** A fresh id; with `ageMs`, one made that long ago (an interaction held up on its way). */
export const nextId = (ageMs = 0) => {
  const id = ((BigInt(Date.now() - ageMs) - DISCORD_EPOCH) << 22n) | (sequence++ & 4095n);
  if (ageMs > 0) return String(id);
  last = id > last ? id : last + 1n;
  return String(last);
};

/** The shard that receives a server's events, as Discord computes it: `(guild_id >> 22) % count`; DMs go to 0. */
export const shardOfGuild = (guildId: string | undefined, count: number): number =>
  guildId === undefined ? 0 : Number((BigInt(guildId) >> 22n) % BigInt(count));
/** A server id (the `n`th) whose events go to `shard` of `count`. */
export const guildOnShard = (shard: number, count: number, n = 0): string =>
  String(((BigInt(n) * BigInt(count) + BigInt(shard) + 1000n * BigInt(count)) << 22n) | 7n);
/** The text channel the fake gives each server: `CHANNEL_ID` in `GUILD_ID`. */
export const channelOfGuild = (guildId: string): string =>
  guildId === GUILD_ID ? CHANNEL_ID : String(BigInt(guildId) + 1n);

/**
 * A local fake of Discord: REST under `/api/v10` (recorded) and a gateway websocket that speaks HELLO,
 * IDENTIFY -> READY (+ one guild with one text channel), heartbeat ACK, then dispatches what a test sends.
 * Shards as Discord has them: `GET /gateway/bot` recommends `shardCount`; each connection's IDENTIFY names its
 * `shard: [id, count]`; READY lists, and events go to, only the servers of that shard (DMs to shard 0).
 * Channels answer as Discord's do: a channel or thread that was never made is 404 Unknown Channel (10003); a
 * thread started from a message has the message's id and opens with a THREAD_STARTER_MESSAGE (type 21);
 * history pages with `limit`, `before` and `after`, newest first.
 * Scripted failures: `failNext(pathPattern, 429, retryAfterSeconds)`.
 */
/**
 * @param options.channels - text channels the server has besides `CHANNEL_ID` (others answer 404).
 * @param options.token - when set, REST calls with another bot token answer 401, as Discord does.
 * @param options.shardCount - the shard count `GET /gateway/bot` recommends (1).
 * @param options.guilds - servers the bot is in besides `GUILD_ID`, each with one text channel (`channelOfGuild`).
 * @param options.maxConcurrency - how many shards may IDENTIFY at once (1, as for most bots: discord.js then waits
 *   5 s between the shards of one process).
 */
export async function startFakeDiscord(
  options: {
    channels?: string[];
    token?: string;
    shardCount?: number;
    guilds?: string[];
    maxConcurrency?: number;
  } = {},
) {
  const guilds = [GUILD_ID, ...(options.guilds ?? [])];
  const calls: DiscordCall[] = [];
  const failures: { pattern: RegExp; status: number; retryAfter: number; skip: number }[] = [];
  const commands = new Map<string, Record<string, unknown>[]>();
  const messages = new Map<string, ReturnType<typeof message>[]>(
    [...guilds.map(channelOfGuild), ...(options.channels ?? [])].map((id) => [id, []]),
  );
  const sockets = new Set<WebSocket>();
  // Each connection's [shard id, shard count], from its IDENTIFY; a connection that named none is shard [0, 1].
  const shardOf = new Map<WebSocket, [number, number]>();
  const owns = (socket: WebSocket, guildId: string | undefined) => {
    const [id, count] = shardOf.get(socket) ?? [0, 1];
    return shardOfGuild(guildId, count) === id;
  };
  /** The interactions and mentions dispatched, with the shard of the connection each went to. */
  const dispatched: { id: string; guildId: string | undefined; shard: [number, number] }[] = [];
  let seq = 0;
  // Random trouble on channel and DM routes, when a fault-injection test sets a plan.
  const faults = createFaults();

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const buffer = Buffer.concat(chunks);
    const raw = buffer.toString('utf8');
    if (!raw) return undefined;
    if ((req.headers['content-type'] ?? '').includes('multipart')) {
      const json = /\{[\s\S]*\}/.exec(raw.split('name="payload_json"')[1] ?? '')?.[0];
      const payload = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
      // Attached files, recorded beside the payload as `uploads`: [{ name, content, bytes }] (content as text). Parts
      // are found in a one-byte-per-character reading of the body, so their bytes come out as they were sent.
      const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
      const latin1 = buffer.toString('latin1');
      const uploads: { name: string; content: string; bytes: Buffer }[] = [];
      if (boundary) {
        let start = latin1.indexOf(`--${boundary}`);
        while (start >= 0) {
          const end = latin1.indexOf(`--${boundary}`, start + boundary.length + 2);
          if (end < 0) break;
          const part = latin1.slice(start, end);
          const name = /filename="([^"]*)"/.exec(part)?.[1];
          const at = part.indexOf('\r\n\r\n');
          if (name !== undefined && at >= 0) {
            const bytes = buffer.subarray(start + at + 4, end - 2);
            uploads.push({ name, content: bytes.toString('utf8'), bytes });
          }
          start = end;
        }
      }
      return payload ? { ...payload, ...(uploads.length ? { uploads } : {}) } : undefined;
    }
    return JSON.parse(raw) as Record<string, unknown>;
  };
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const message = (
    body: Record<string, unknown> | undefined,
    channelId = CHANNEL_ID,
    author: Record<string, unknown> = BOT,
    type = 0,
  ) => ({
    id: nextId(),
    channel_id: channelId,
    author,
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
    type,
    flags: 0,
    message_reference: undefined as Record<string, unknown> | undefined,
  });
  const unknown = (res: ServerResponse, what: 'Channel' | 'Message') =>
    send(res, 404, { message: `Unknown ${what}`, code: what === 'Channel' ? 10003 : 10008 });
  const post = (channelId: string, posted: ReturnType<typeof message>) => {
    messages.set(channelId, [posted, ...(messages.get(channelId) ?? [])]);
    return posted;
  };
  // As Discord: a message posted with `enforce_nonce` and a nonce the same author used in the last few minutes
  // is not created again; the first one is returned.
  const nonces = new Map<string, { message: ReturnType<typeof message>; at: number }>();
  const postOnce = (channelId: string, body: Record<string, unknown> | undefined) => {
    const nonce = body?.enforce_nonce === true && typeof body.nonce === 'string' ? `${channelId}:${body.nonce}` : '';
    const seen = nonce ? nonces.get(nonce) : undefined;
    if (seen && Date.now() - seen.at < NONCE_WINDOW_MS) return seen.message;
    const posted = post(channelId, message(body, channelId));
    if (nonce) nonces.set(nonce, { message: posted, at: Date.now() });
    return posted;
  };
  /** A page of history as Discord gives it: newest first, `limit` messages before or after an id. */
  const history = (channelId: string, query: URLSearchParams) => {
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const all = messages.get(channelId) ?? [];
    const after = query.get('after');
    const before = query.get('before');
    if (after) return all.filter((m) => BigInt(m.id) > BigInt(after)).slice(-limit);
    return all.filter((m) => before === null || BigInt(m.id) < BigInt(before)).slice(0, limit);
  };

  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '').replace(/^\/api\/v10/, '');
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const body = await readBody(req);
    calls.push({ method: req.method ?? 'GET', path, body, at: Date.now() });
    if (options.token && req.headers.authorization !== `Bot ${options.token}`)
      return send(res, 401, { message: '401: Unauthorized', code: 0 });
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
        shards: options.shardCount ?? 1,
        session_start_limit: {
          total: 1000,
          remaining: 1000,
          reset_after: 0,
          max_concurrency: options.maxConcurrency ?? 1,
        },
      });
    }
    if (req.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return send(res, 204);
    if (/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) return send(res, 200, message(body));
    if (req.method === 'GET' && path === '/users/@me') return send(res, 200, BOT);
    if (req.method === 'GET' && path === '/applications/@me')
      return send(res, 200, { id: APP_ID, name: 'Paperboy', bot_public: true, bot: BOT });
    const channelPath = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (channelPath) {
      const channelId = channelPath[1] as string;
      if (!messages.has(channelId)) return unknown(res, 'Channel');
      if (req.method === 'POST') {
        // Recorded late: after the client's timeout, so the client cannot tell that the message went out.
        if (fault?.kind === 'lateRecord') await pause(fault.delayMs);
        const posted = postOnce(channelId, body);
        // Recorded: a failure now leaves the caller unable to tell that the message went out.
        if (fault?.kind === 'failAfter') return send(res, 500, serverError);
        if (fault?.kind === 'slow') await pause(fault.delayMs);
        return send(res, 200, posted);
      }
      if (req.method === 'GET') return send(res, 200, history(channelId, query));
    }
    const threadPath = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (req.method === 'POST' && threadPath) {
      const [, parent = '', starter = ''] = threadPath;
      if (!messages.has(parent)) return unknown(res, 'Channel');
      if (!messages.get(parent)?.some((m) => m.id === starter)) return unknown(res, 'Message');
      if (messages.has(starter))
        return send(res, 400, { message: 'A thread has already been created for this message', code: 160004 });
      // A thread started from a message has the message's id, and its history opens with a starter message.
      messages.set(starter, []);
      post(starter, {
        ...message(undefined, starter, BOT, 21),
        message_reference: { type: 0, message_id: starter, channel_id: parent, guild_id: GUILD_ID },
      });
      return send(res, 201, { id: starter, type: 11, name: body?.name, parent_id: parent, guild_id: GUILD_ID });
    }
    if (req.method === 'POST' && path === '/users/@me/channels') {
      const id = `9${String(body?.recipient_id).slice(1)}`;
      if (!messages.has(id)) messages.set(id, []);
      return send(res, 200, { id, type: 1, recipients: [{ ...USER, id: body?.recipient_id }] });
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
    if (req.method === 'GET' && commandsPath) return send(res, 200, commands.get(commandsPath[1] ?? 'global') ?? []);
    return send(res, 404, { message: `fake discord: no route for ${req.method} ${path}`, code: 0 });
  });

  const wss = new WebSocketServer({ server });
  const dispatch = (socket: WebSocket, t: string, d: unknown) => socket.send(JSON.stringify({ op: 0, t, s: ++seq, d }));
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d?: { shard?: [number, number] } };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (packet.op === 2) {
        const shard = packet.d?.shard ?? [0, 1];
        shardOf.set(socket, shard);
        const mine = guilds.filter((guildId) => owns(socket, guildId));
        dispatch(socket, 'READY', {
          v: 10,
          user: { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null },
          guilds: mine.map((id) => ({ id, unavailable: true })),
          session_id: `session-${shard[0]}`,
          resume_gateway_url: `ws://127.0.0.1:${port()}`,
          shard,
          application: { id: APP_ID, flags: 0 },
        });
        for (const guildId of mine) guildCreate(socket, guildId);
      }
    });
  });
  const guildCreate = (socket: WebSocket, guildId: string) =>
    dispatch(socket, 'GUILD_CREATE', {
      id: guildId,
      name: 'Test server',
      owner_id: USER.id,
      unavailable: false,
      member_count: 2,
      roles: [
        {
          id: guildId,
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
        {
          id: channelOfGuild(guildId),
          type: 0,
          name: 'papers',
          guild_id: guildId,
          position: 0,
          permission_overwrites: [],
        },
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;

  /** Where an interaction happens: a server (`GUILD_ID` unless named), or `null` for a direct message. */
  const placeOf = (guild: string | null) => {
    if (guild === null) {
      const channel = `9${USER.id.slice(1)}`;
      return { channel_id: channel, channel: { id: channel, type: 1 }, user: USER };
    }
    const channel = channelOfGuild(guild);
    return {
      guild_id: guild,
      channel_id: channel,
      channel: { id: channel, type: 0, guild_id: guild, name: 'papers' },
      member: {
        user: USER,
        roles: [],
        permissions: '2248473465835073',
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
      },
    };
  };
  /** Sends an event to the connections of the shard that owns `guild` (every connection without sharding). */
  const toShard = (id: string, guild: string | undefined, t: string, d: unknown) => {
    for (const socket of sockets) {
      if (!owns(socket, guild)) continue;
      dispatched.push({ id, guildId: guild, shard: shardOf.get(socket) ?? [0, 1] });
      dispatch(socket, t, d);
    }
  };

  const interaction = (
    type: number,
    data: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    ageMs = 0,
    guild: string | null = GUILD_ID,
  ) => {
    const id = nextId(ageMs);
    const token = `token-${id}`;
    toShard(id, guild ?? undefined, 'INTERACTION_CREATE', {
      id,
      application_id: APP_ID,
      type,
      data,
      ...placeOf(guild),
      token,
      version: 1,
      app_permissions: '2248473465835073',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: guild === null ? { '1': USER.id } : { '0': guild },
      context: guild === null ? 1 : 0,
      ...extra,
    });
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
    /** A message someone else posts in a channel or thread (a person by default, or another bot). */
    postAs(channel: string, content: string, author: Record<string, unknown> = USER, embeds: unknown[] = []) {
      return post(channel, message({ content, embeds }, channel, author)).id;
    },
    connected: () => sockets.size,
    /** The shards the connections identified as, `[id, count]` each. */
    shards: () => [...shardOf.values()],
    /** Each interaction or mention dispatched, with the shard it went to. */
    dispatched,
    /** The next request matching `pattern` (after letting `skip` through) fails with `status`. */
    failNext(pattern: RegExp, status = 429, retryAfter = 1, skip = 0) {
      failures.push({ pattern, status, retryAfter, skip });
    },
    callbacksFor: (id: string) => calls.filter((c) => c.path.startsWith(`/interactions/${id}/`)),
    editsFor: (token: string) => calls.filter((c) => c.path.includes(`/${token}/messages/@original`)),
    /** A slash command, in `GUILD_ID`, in another server (`guild`), or in a direct message (`guild: null`). */
    command(name: string, options: CommandOption[], guild: string | null = GUILD_ID) {
      return interaction(2, { id: nextId(), name, type: 1, options }, {}, 0, guild);
    },
    /** An autocomplete request; `ageMs` makes it one that reached the bot that long after it was made. */
    autocomplete(name: string, option: string, value: string, ageMs = 0) {
      return interaction(
        4,
        { id: nextId(), name, type: 1, options: [{ name: option, type: 3, value, focused: true }] },
        {},
        ageMs,
      );
    },
    button(customId: string, messageId = nextId()) {
      return interaction(
        3,
        { custom_id: customId, component_type: 2 },
        { message: { ...message(undefined), id: messageId } },
      );
    },
    /** A choice in a string select menu (component type 3) of a message. */
    select(customId: string, values: string[], messageId = nextId()) {
      return interaction(
        3,
        { custom_id: customId, component_type: 3, values },
        { message: { ...message(undefined), id: messageId } },
      );
    },
    /**
     * A message command (application command type 3, "Apps" on a message) run on a message holding `content`:
     * Discord sends the target message itself in `resolved.messages`, so no Message Content intent is needed.
     */
    messageCommand(name: string, content: string) {
      const target = { ...message({ content }, CHANNEL_ID, USER), id: nextId() };
      return interaction(2, {
        id: nextId(),
        name,
        type: 3,
        target_id: target.id,
        resolved: { messages: { [target.id]: target } },
      });
    },
    /** The commands registered last, globally or in a server. */
    registered: (guildId?: string) => commands.get(guildId ?? 'global') ?? [],
    mention(content: string, guild = GUILD_ID) {
      const id = nextId();
      toShard(id, guild, 'MESSAGE_CREATE', {
        ...message({ content }, channelOfGuild(guild)),
        id,
        guild_id: guild,
        author: USER,
        mentions: [
          { id: BOT_ID, username: 'paperboy', discriminator: '0', bot: true, avatar: null, global_name: null },
        ],
        member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      });
      return id;
    },
    /**
     * A reaction added to or removed from a message in a server's channel, as the gateway sends it (an add carries
     * the member, so its user, bot flag and all; a remove only the user's id).
     */
    reaction(
      type: 'add' | 'remove',
      messageId: string,
      emoji: string,
      user: Record<string, unknown> & { id: string } = USER,
      guild = GUILD_ID,
    ) {
      const id = nextId();
      const member = { user, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
      toShard(id, guild, type === 'add' ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', {
        user_id: user.id,
        channel_id: channelOfGuild(guild),
        message_id: messageId,
        guild_id: guild,
        emoji: { id: null, name: emoji },
        ...(type === 'add' ? { member, type: 0, burst: false, message_author_id: BOT_ID } : { type: 0, burst: false }),
      });
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
