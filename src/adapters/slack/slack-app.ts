import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Logger, LogLevel, SocketModeReceiver, type webApi } from '@slack/bolt';
import { decodeAction } from '../../core/commands/action-codec.ts';
import type { Chat } from '../../core/commands/chat.ts';
import type { ChatContext } from '../../core/commands/digest-commands.ts';
import type { Reply } from '../../core/commands/reply.ts';
import { PaperboyError } from '../../core/errors.ts';
import { singlePaperOf, slackVote } from '../../core/foryou/reactions.ts';
import { isPersonalAction, isPersonalText, type ReaderPlace } from '../../core/reading/reading-commands.ts';
import type { EventLedger } from '../../core/store/event-ledger.ts';
import { forRequest } from '../logger.ts';
import { sendWithChart } from './author-chart.ts';
import { createEventDedupe, createMemoryEventLedger } from './event-dedupe.ts';
import { handleLinkShared } from './link-unfurls.ts';
import { renderSlack, SHARE_ACTION_ID } from './render.ts';
import { uploadToDirectMessage } from './upload-file.ts';

export interface SlackSettings {
  botToken: string;
  signingSecret?: string;
  /** App-level token (`xapp-`): Socket Mode, which wins when both modes are configured. */
  appToken?: string;
  /** Web API base, ending with `/` (tests and proxies). */
  apiUrl?: string;
  port: number;
  /** HTTP mode: answers `GET /readyz` on the same port (`/healthz` is always there). */
  readyz?: () => { status: number; body: string };
  /** HTTP mode: called just before Bolt listens on `port` (whoever answered health probes there lets go). */
  beforeListen?: () => Promise<void>;
  /** Events already taken, shared by every instance on the store (default: this process's memory). */
  events?: EventLedger;
}

export interface SlackAdapter {
  mode: 'http' | 'socket';
  /** The HTTP port in HTTP mode (useful when asked for port 0). */
  port?: number;
  /** Socket Mode: the websocket is open; HTTP mode: the server is listening. */
  connected(): boolean;
  stop(): Promise<void>;
}

/** Slash commands Paperboy answers; `manifest.yml` declares the same list (a test checks). */
export const SLACK_COMMANDS = [
  '/paper',
  '/author',
  '/follow',
  '/unfollow',
  '/digest',
  '/save',
  '/saved',
  '/cite',
  '/foryou',
] as const;
/** Events Paperboy subscribes to. */
export const SLACK_EVENTS = ['app_mention', 'link_shared', 'reaction_added', 'reaction_removed'] as const;

const MENTION = /<@[A-Z0-9]+(?:\|[^>]*)?>/g;

/**
 * Paperboy in Slack with Bolt: slash commands answered through `respond` (acknowledged first, always
 * within 3 s), mentions answered in a thread, buttons that page, find more like a paper and share.
 */
export async function startSlack(chat: Chat, settings: SlackSettings, logger: Logger): Promise<SlackAdapter> {
  const clientOptions = settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {};
  const socket = settings.appToken !== undefined;
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: settings.appToken as string,
        installerOptions: { clientOptions },
        logger,
        logLevel: LogLevel.WARN,
      })
    : undefined;
  const app = receiver
    ? new App({
        token: settings.botToken,
        socketMode: true,
        appToken: settings.appToken as string,
        clientOptions,
        // auth.test runs in init() below, awaited: a refused token stops start with an error instead of an
        // unhandled rejection once it already said it is serving.
        deferInitialization: true,
        logger,
        receiver,
      })
    : new App({
        token: settings.botToken,
        signingSecret: settings.signingSecret as string,
        clientOptions,
        // auth.test runs in init() below, awaited: a refused token stops start with an error instead of an
        // unhandled rejection once it already said it is serving.
        deferInitialization: true,
        logger,
        customRoutes: [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(200, { 'content-type': 'text/plain' });
              res.end('ok');
            },
          },
          ...(settings.readyz
            ? [
                {
                  path: '/readyz',
                  method: ['GET'],
                  handler: (_req: unknown, res: ServerResponse) => {
                    const answer = settings.readyz?.() ?? { status: 200, body: '{"ready":true}' };
                    res.writeHead(answer.status, { 'content-type': 'application/json' });
                    res.end(answer.body);
                  },
                },
              ]
            : []),
        ],
      });

  // Pasted links the index lacks may wait on arXiv: every answer is awaited (after the ack).
  const answer = async (
    text: string,
    context: ChatContext & ReaderPlace,
    log: Logger,
    mention = false,
  ): Promise<Reply> => {
    const reply = await chat.answer(text, context, { mention });
    if (reply.kind === 'error') log.warn(`paperboy ${reply.code}: ${reply.message}`);
    return reply;
  };

  /** A file answer (`/saved export`) goes to the person's direct messages; the ephemeral reply says so. */
  const deliver = async (reply: Reply, client: webApi.WebClient, user: string): Promise<Reply> => {
    if (reply.kind !== 'bibtex' || !reply.filename) return reply;
    try {
      await uploadToDirectMessage(client, user, { filename: reply.filename, content: reply.bibtex, title: reply.text });
      return {
        kind: 'notice',
        text: `${reply.text} The file ${reply.filename} is in your direct messages with Paperboy.`,
      };
    } catch (error) {
      logger.error(`paperboy slack_upload_failed: ${(error as Error).message}`);
      return { kind: 'notice', text: 'Sorry, the file could not be sent to your direct messages. Please try again.' };
    }
  };

  // Slack redelivers an event it thinks was not acknowledged, maybe to another instance behind the load balancer;
  // and a signed request replayed within Slack's 5 minutes passes the signature check. Event ids and the
  // trigger ids of slash commands and buttons (one per invocation) are taken once, across instances.
  const firstTime = createEventDedupe(settings.events ?? createMemoryEventLedger(), logger);

  for (const command of SLACK_COMMANDS) {
    app.command(command, async ({ command: body, ack, respond, client }) => {
      await ack();
      const log = forRequest(logger, { platform: 'slack', command, requestId: body.trigger_id });
      if (body.trigger_id && !(await firstTime(`slack-trigger:${body.trigger_id}`))) {
        log.warn(`paperboy: ${command} with trigger ${body.trigger_id} received again (a replay); not run twice`);
        return;
      }
      const context = { platform: 'slack' as const, channel: body.channel_id, user: body.user_id, space: body.team_id };
      const reply = await deliver(await answer(`${command} ${body.text}`, context, log), client, body.user_id);
      // A reading list is nobody else's business: no Share button on its answers.
      const shareable = !isPersonalText(`${command} ${body.text}`);
      await sendWithChart(reply, client, (message) => respond({ response_type: 'ephemeral', ...message }), log, {
        shareable,
      });
      log.info('paperboy: answered');
    });
  }

  app.event('app_mention', async ({ event, body, say, client }) => {
    const log = forRequest(logger, { platform: 'slack', command: 'mention', requestId: body.event_id });
    if (!(await firstTime(`slack:${body.event_id}`))) {
      log.info(`paperboy: event ${body.event_id} delivered again; answered once already`);
      return;
    }
    const user = event.user ?? '';
    const context = { platform: 'slack' as const, channel: event.channel, user, space: body.team_id };
    const text = event.text.replace(MENTION, ' ').trim();
    const thread_ts = event.thread_ts ?? event.ts;
    if (isPersonalText(text) && user) {
      // `@paperboy /save 3` in a channel: the answer is for the person who asked, not the thread.
      const reply = await deliver(await answer(text, context, log, true), client, user);
      await client.chat.postEphemeral({ channel: event.channel, user, thread_ts, ...renderSlack(reply) });
      log.info('paperboy: answered');
      return;
    }
    const reply = await answer(text, context, log, true);
    let postedTs: string | undefined;
    await sendWithChart(
      reply,
      client,
      async (message) => {
        const sent = await say({ ...message, thread_ts });
        postedTs = sent.ts;
        return sent;
      },
      log,
    );
    log.info('paperboy: answered');
    // A single-card answer: 👍 / 👎 on it are taste signals.
    if (postedTs)
      await chat
        .rememberPosted(
          { platform: 'slack', space: body.team_id, channel: event.channel, messageId: postedTs },
          singlePaperOf(reply),
        )
        .catch((error) => log.warn(`paperboy: could not remember the posted message: ${(error as Error).message}`));
  });

  // Whether a Slack user is a bot, asked once per user (users.info): a bot's reactions are no signal.
  const bots = new Map<string, Promise<boolean>>();
  const isBot = (client: webApi.WebClient, user: string) => async () => {
    let known = bots.get(user);
    if (!known) {
      known = client.users
        .info({ user })
        .then((answer) => answer.user?.is_bot === true || answer.user?.id === 'USLACKBOT')
        .catch(() => false);
      bots.set(user, known);
      if (bots.size > 10_000) bots.delete(bots.keys().next().value as string);
    }
    return known;
  };
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ event, body, client, context }) => {
      const vote = slackVote(event.reaction);
      if (!vote || event.item.type !== 'message' || event.user === context.botUserId) return;
      if (!(await firstTime(`slack:${body.event_id}`))) return;
      const reaction = {
        platform: 'slack' as const,
        space: body.team_id,
        channel: event.item.channel,
        messageId: event.item.ts,
        user: event.user,
        vote,
      };
      try {
        await chat.react(reaction, type === 'reaction_added', isBot(client, event.user));
      } catch (error) {
        logger.error(`paperboy slack_failed: ${type}: ${(error as Error).message}`);
      }
    });
  }

  handleLinkShared(app, chat, logger, firstTime);

  app.action(/^pb_/, async ({ ack, action, body, respond, client }) => {
    await ack();
    // A replayed Share to channel would post the answer in the channel again.
    const trigger = 'trigger_id' in body ? body.trigger_id : undefined;
    if (trigger && !(await firstTime(`slack-trigger:${trigger}`))) {
      logger.warn(`paperboy: a button press with trigger ${trigger} received again (a replay); not run twice`);
      return;
    }
    // Buttons carry their action in `value`; a card's overflow menu in the chosen option's value.
    const value =
      action.type === 'button' ? action.value : action.type === 'overflow' ? action.selected_option.value : undefined;
    if (!value) return;
    const target = decodeAction(value);
    if (!target) return;
    const user = body.user.id;
    const context = {
      platform: 'slack' as const,
      channel: body.channel?.id ?? '',
      user,
      space: body.team?.id ?? body.user.team_id ?? '',
    };
    if (isPersonalAction(target)) {
      const reply = await chat.act(target, context);
      // Save and Cite answer beside the card (which may be a digest everyone sees); paging or removing in a
      // reading list replaces that list, which only this person sees.
      const replaceList = target.type === 'unsave' || target.type === 'saved' || target.type === 'foryou';
      await respond({
        response_type: 'ephemeral',
        replace_original: replaceList,
        ...renderSlack(await deliver(reply, client, user)),
      });
      return;
    }
    const reply = await chat.act(target, context);
    if ('action_id' in action && action.action_id === SHARE_ACTION_ID) {
      await respond({ response_type: 'in_channel', replace_original: false, ...renderSlack(reply) });
      await respond({ delete_original: true });
      return;
    }
    await sendWithChart(reply, client, (message) => respond({ replace_original: true, ...message }), logger, {
      shareable: true,
    });
  });

  app.error(async (error) => {
    logger.error(`paperboy slack_failed: ${error.code ?? ''} ${error.message}`, error.original ?? '');
  });

  try {
    await app.init();
  } catch (error) {
    throw new PaperboyError(
      'invalid_config',
      `Slack did not accept SLACK_BOT_TOKEN (auth.test: ${(error as Error).message}). Check it with "paperboy doctor".`,
    );
  }
  let stopped = false;
  if (receiver) {
    await app.start();
    logger.info('paperboy: Slack in Socket Mode (SLACK_APP_TOKEN is set)');
    return {
      mode: 'socket',
      connected: () => !stopped && receiver.client.websocket?.isActive() === true,
      stop: async () => {
        stopped = true;
        await app.stop();
      },
    };
  }
  await settings.beforeListen?.();
  const server = (await app.start(settings.port)) as { address(): AddressInfo | string | null };
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  logger.info(`paperboy: Slack in HTTP mode on port ${port} (/slack/events, /healthz, /readyz)`);
  return {
    mode: 'http',
    port,
    connected: () => !stopped,
    stop: async () => {
      stopped = true;
      await app.stop();
    },
  };
}
