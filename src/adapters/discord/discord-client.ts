import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  type MessageReaction,
  type PartialMessageReaction,
  Partials,
  type PartialUser,
  Status,
  type StringSelectMenuInteraction,
  type User,
} from 'discord.js';
import { decodeAction } from '../../core/commands/action-codec.ts';
import type { Chat } from '../../core/commands/chat.ts';
import type { Reply } from '../../core/commands/reply.ts';
import { protectQuery } from '../../core/commands/subscribe-grammar.ts';
import { discordVote, singlePaperOf } from '../../core/foryou/reactions.ts';
import { recogniseLinks } from '../../core/links/recognise-links.ts';
import type { Logger } from '../../core/logger.ts';
import { isPersonalAction, isPersonalText } from '../../core/reading/reading-commands.ts';
import { forRequest } from '../logger.ts';
import { FIND_PAPER } from './commands.ts';
import { CARD_MENU_ID, plainDiscord, renderDiscord, TASTE_MENU_ID } from './render.ts';

export interface DiscordSettings {
  token: string;
  /** REST base, `https://discord.com/api` unless a proxy or a test moves it. */
  apiUrl: string;
  /** The shards this instance runs, of how many in all (unset: discord.js's default, one shard). */
  shards?: { ids: number[]; count: number };
}

export interface DiscordAdapter {
  /** The gateway session is up (discord.js reconnects by itself; this is false meanwhile). */
  connected(): boolean;
  stop(): Promise<void>;
}

const MENTION = /<@!?\d+>/g;
/** Discord waits 3 s for an autocomplete answer; past this age one is answered at once from what is ready. */
export const AUTOCOMPLETE_BUDGET_MS = 2500;
// Autocomplete answers kept to answer from while the index lags (typed text -> names).
const READY_ANSWERS = 500;

/** A slash command as the command line the chat core reads. */
function commandLine(interaction: ChatInputCommandInteraction): string {
  const { options } = interaction;
  switch (interaction.commandName) {
    case 'paper':
      return `/paper ${options.getString('query', true)}`;
    case 'author':
      return `/author ${options.getString('name', true)}`;
    case 'follow': {
      const day = options.getString('day');
      const rhythm = options.getString('rhythm');
      const at = options.getString('at');
      const tz = options.getString('tz');
      const rhythmWords = day ? `${rhythm && rhythm !== 'weekly' ? `${rhythm} ` : ''}weekly ${day}` : (rhythm ?? '');
      return ['/follow', options.getString('name', true), rhythmWords, at ? `at ${at}` : '', tz ? `tz ${tz}` : '']
        .filter((part) => part !== '')
        .join(' ');
    }
    case 'unfollow':
      return `/unfollow ${options.getString('name', true)}`;
    case 'digest': {
      const sub = options.getSubcommand();
      const id = options.getInteger('id');
      const at = options.getString('at');
      const tz = options.getString('tz');
      const empty = options.getBoolean('empty') ? 'empty' : '';
      const ranked = options.getBoolean('ranked') ? 'ranked' : '';
      // A day alone means weekly; a day with another rhythm reads as two rhythms, which the grammar refuses.
      const day = options.getString('day');
      const rhythm = options.getString('rhythm');
      const rhythmWords = day ? `${rhythm && rhythm !== 'weekly' ? `${rhythm} ` : ''}weekly ${day}` : (rhythm ?? '');
      // The query option is the query, whole: words in it that read as options stay words.
      const query = protectQuery(options.getString('query') ?? '');
      return ['/digest', sub, query, id ?? '', rhythmWords, at ? `at ${at}` : '', tz ? `tz ${tz}` : '', empty, ranked]
        .filter((part) => part !== '')
        .join(' ');
    }
    case 'save':
      return `/save ${options.getString('paper', true)}`;
    case 'cite':
      return `/cite ${options.getString('papers', true)}`;
    case 'foryou': {
      const page = options.getInteger('page');
      return `/foryou ${options.getBoolean('reset') ? 'reset' : (page ?? '')}`.trim();
    }
    case 'saved': {
      const what = options.getString('action') ?? 'list';
      const page = options.getInteger('page');
      return what === 'export' ? '/saved export' : `/saved ${page ?? ''}`.trim();
    }
    default:
      return '/help';
  }
}

/** Who is asking, and in which server: reading lists are per person and per server (`dm` outside servers). */
const contextOf = (interaction: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction) => ({
  platform: 'discord' as const,
  channel: interaction.channelId,
  user: interaction.user.id,
  space: interaction.guildId ?? 'dm',
});

/**
 * Paperboy in Discord: slash commands, author autocomplete, buttons, and mentions of the bot.
 *
 * @param expectSlow - true when the next answer may take over 2 s (the index is far behind the database):
 *   slash commands defer the reply and buttons defer the update before the search runs, then edit, so
 *   Discord's 3-second window is never missed; autocomplete, which cannot be deferred, answers at once from
 *   what is ready (the names it found before for the same text, else an empty list).
 */
export async function startDiscord(
  chat: Chat,
  settings: DiscordSettings,
  logger: Logger,
  expectSlow: () => boolean = () => false,
): Promise<DiscordAdapter> {
  const client = new Client({
    // Mentions of the bot carry their content without the privileged message content intent.
    // Reactions (not privileged): 👍 / 👎 on Paperboy's single-paper messages are taste signals.
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.DirectMessageReactions,
    ],
    // A reaction on a message from before a restart (not cached) arrives as partials; DMs need the channel one.
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel],
    rest: { api: settings.apiUrl },
    // Each shard's IDENTIFY carries [id, count]: Discord sends it only the events of its own servers (and DMs to 0).
    ...(settings.shards ? { shards: settings.shards.ids, shardCount: settings.shards.count } : {}),
    // A title holding @everyone or a role mention must never ping anyone.
    allowedMentions: { parse: [], repliedUser: false },
  });

  const answer = (reply: Reply, log: Logger = logger) => {
    if (reply.kind === 'error') log.warn(`paperboy ${reply.code}: ${reply.message}`);
    return renderDiscord(reply);
  };

  async function onCommand(interaction: ChatInputCommandInteraction, log: Logger) {
    const text = commandLine(interaction);
    const context = contextOf(interaction);
    // `/save`, `/saved` and `/cite` answer the person alone, as do errors.
    const personal = isPersonalText(text);
    // A pasted link the index lacks waits on arXiv: defer first, so Discord's 3 s never run out.
    if (expectSlow() || (await chat.mayWait(text))) {
      await interaction.deferReply(personal ? { flags: MessageFlags.Ephemeral } : {});
      await interaction.editReply(answer(await chat.answer(text, context), log));
      return;
    }
    const reply = await chat.answer(text, context);
    const message = answer(reply, log);
    if (personal || reply.kind === 'error') await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
    else await interaction.reply(message);
  }

  const readyNames = new Map<string, string[]>();
  async function onAutocomplete(interaction: AutocompleteInteraction) {
    const typed = String(interaction.options.getFocused());
    const key = typed.trim().toLowerCase();
    // A lagging index means a big import just landed (the author names may be rebuilding too), and an
    // interaction already this old was held up behind other work: either way there is no time to compute.
    const late = Date.now() - interaction.createdTimestamp > AUTOCOMPLETE_BUDGET_MS;
    let names = readyNames.get(key);
    if (!expectSlow() && !late) {
      names = await chat.suggestAuthors(typed, 25);
      readyNames.delete(key);
      readyNames.set(key, names);
      if (readyNames.size > READY_ANSWERS) readyNames.delete(readyNames.keys().next().value as string);
    }
    await interaction.respond(
      (names ?? [])
        .map((name) => ({ name: plainDiscord(name, 100), value: name.slice(0, 100) }))
        .filter((choice) => choice.name !== ''),
    );
  }

  async function onButton(interaction: ButtonInteraction) {
    const action = decodeAction(interaction.customId);
    if (!action) {
      await interaction.reply({
        content: 'This button is from an older Paperboy; ask again.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (expectSlow()) {
      await interaction.deferUpdate();
      await interaction.editReply(answer(await chat.act(action, contextOf(interaction))));
      return;
    }
    await interaction.update(answer(await chat.act(action, contextOf(interaction))));
  }

  /** A card menu: Save and Cite answer beside the cards, for the chooser only; Remove updates their list. */
  async function onMenu(interaction: StringSelectMenuInteraction) {
    const action =
      interaction.customId === CARD_MENU_ID || interaction.customId === TASTE_MENU_ID
        ? decodeAction(interaction.values[0] ?? '')
        : undefined;
    if (!action || !isPersonalAction(action)) {
      await interaction.reply({
        content: 'This menu is from an older Paperboy; ask again.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const message = answer(await chat.act(action, contextOf(interaction)));
    if (action.type === 'unsave' || action.type === 'saved') await interaction.update(message);
    else await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
  }

  /** "Find paper" on a message: its papers' cards, only to the person who asked. */
  async function onFindPaper(interaction: MessageContextMenuCommandInteraction, log: Logger) {
    const refs = recogniseLinks(interaction.targetMessage.content);
    if (refs.length === 0) {
      await interaction.reply({
        content: 'That message holds no paper link (arXiv, DOI or Hugging Face papers) or arXiv id.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    // Who asks, for the per-person bound on arXiv look-ups.
    const place = { platform: 'discord', user: interaction.user.id, space: interaction.guildId ?? 'dm' };
    if (!(await chat.mayWait(interaction.targetMessage.content, { mention: true }))) {
      await interaction.reply({ ...answer(await chat.answerLinks(refs, place), log), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(answer(await chat.answerLinks(refs, place), log));
  }

  client.on(Events.InteractionCreate, async (interaction) => {
    const command = interaction.isCommand() || interaction.isAutocomplete() ? `/${interaction.commandName}` : 'button';
    const log = forRequest(logger, { platform: 'discord', command, requestId: interaction.id });
    try {
      if (interaction.isMessageContextMenuCommand() && interaction.commandName === FIND_PAPER)
        await onFindPaper(interaction, log);
      else if (interaction.isChatInputCommand()) await onCommand(interaction, log);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction);
      else if (interaction.isStringSelectMenu()) await onMenu(interaction);
      if (!interaction.isAutocomplete()) log.info('paperboy: answered');
    } catch (error) {
      log.error('paperboy discord_failed: interaction', error);
      if (interaction.isRepliable() && !interaction.replied) {
        const content = 'Sorry, something went wrong answering that. Please try again.';
        // A deferred button keeps its message: the apology comes as a note only the presser sees.
        await (interaction.deferred
          ? interaction.isButton()
            ? interaction.followUp({ content, flags: MessageFlags.Ephemeral })
            : interaction.editReply({ content })
          : interaction.reply({ content, flags: MessageFlags.Ephemeral })
        ).catch(() => {});
      }
    }
  });

  client.on(Events.MessageCreate, async (message: Message) => {
    if (message.author.bot || !client.user || !message.mentions.users.has(client.user.id)) return;
    const log = forRequest(logger, { platform: 'discord', command: 'mention', requestId: message.id });
    try {
      const text = message.content.replace(MENTION, ' ').trim();
      // The nonce lets Discord drop a repeat if the library retries the post after a timeout.
      const context = {
        platform: 'discord' as const,
        channel: message.channelId,
        user: message.author.id,
        space: message.guildId ?? 'dm',
      };
      // A reply to a mention is public: a reading list is answered only where the person alone sees it.
      const reply: Reply = isPersonalText(text)
        ? { kind: 'notice', text: 'Use the slash commands /save, /saved and /cite: their answers are for you alone.' }
        : await chat.answer(text, context, { mention: true });
      const sent = await message.reply({ ...answer(reply, log), nonce: message.id.slice(-25), enforceNonce: true });
      log.info('paperboy: answered');
      // A single-card answer: 👍 / 👎 on it are taste signals.
      await chat.rememberPosted(
        { platform: 'discord', space: message.guildId ?? 'dm', channel: sent.channelId, messageId: sent.id },
        singlePaperOf(reply),
      );
    } catch (error) {
      log.error('paperboy discord_failed: mention', error);
    }
  });

  /** 👍 / 👎 added or removed; a bot's is ignored (a removal of one is harmless: it stored nothing). */
  const onReaction =
    (added: boolean) => async (reaction: MessageReaction | PartialMessageReaction, by: User | PartialUser) => {
      const vote = discordVote(reaction.emoji.name);
      if (!vote || by.id === client.user?.id) return;
      try {
        const isBot = async () => {
          if (!added) return false;
          const user = by.partial ? await by.fetch().catch(() => undefined) : by;
          return user?.bot !== false;
        };
        // The space is the posted message's own (the reactor is in the same server or DM).
        const { channelId, id } = reaction.message;
        await chat.react({ platform: 'discord', channel: channelId, messageId: id, user: by.id, vote }, added, isBot);
      } catch (error) {
        logger.error('paperboy discord_failed: reaction', error);
      }
    };
  client.on(Events.MessageReactionAdd, onReaction(true));
  client.on(Events.MessageReactionRemove, onReaction(false));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(settings.token);
  await ready;
  const sharding = settings.shards ? ` (shards ${settings.shards.ids.join(',')} of ${settings.shards.count})` : '';
  logger.info(`paperboy: Discord connected as ${client.user?.tag ?? 'unknown'}${sharding}`);
  return {
    // The manager stays "ready" through a reconnect; its shards tell whether the gateway is up now.
    connected: () => client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready),
    stop: async () => {
      await client.destroy();
    },
  };
}
