import type { Logger } from '@slack/bolt';
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Message,
  MessageFlags,
} from 'discord.js';
import { decodeAction } from '../../core/commands/action-codec.ts';
import type { Chat } from '../../core/commands/chat.ts';
import type { Reply } from '../../core/commands/reply.ts';
import { protectQuery } from '../../core/commands/subscribe-grammar.ts';
import { forRequest } from '../logger.ts';
import { plainDiscord, renderDiscord } from './render.ts';

export interface DiscordSettings {
  token: string;
  /** REST base, `https://discord.com/api` unless a proxy or a test moves it. */
  apiUrl: string;
}

export interface DiscordAdapter {
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
    case 'digest': {
      const sub = options.getSubcommand();
      const id = options.getInteger('id');
      const at = options.getString('at');
      const tz = options.getString('tz');
      const empty = options.getBoolean('empty') ? 'empty' : '';
      // The query option is the query, whole: words in it that read as options stay words.
      const query = protectQuery(options.getString('query') ?? '');
      return ['/digest', sub, query, id ?? '', at ? `at ${at}` : '', tz ? `tz ${tz}` : '', empty]
        .filter((part) => part !== '')
        .join(' ');
    }
    default:
      return '/help';
  }
}

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
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: { api: settings.apiUrl },
    // A title holding @everyone or a role mention must never ping anyone.
    allowedMentions: { parse: [], repliedUser: false },
  });

  const answer = (reply: Reply, log: Logger = logger) => {
    if (reply.kind === 'error') log.warn(`paperboy ${reply.code}: ${reply.message}`);
    return renderDiscord(reply);
  };

  async function onCommand(interaction: ChatInputCommandInteraction, log: Logger) {
    const text = commandLine(interaction);
    const context = { platform: 'discord' as const, channel: interaction.channelId, user: interaction.user.id };
    if (expectSlow()) {
      await interaction.deferReply();
      await interaction.editReply(answer(chat.handle(text, context), log));
      return;
    }
    const reply = chat.handle(text, context);
    const message = answer(reply, log);
    if (reply.kind === 'error') await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
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
      names = chat.suggestAuthors(typed, 25);
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
      await interaction.editReply(answer(chat.act(action)));
      return;
    }
    await interaction.update(answer(chat.act(action)));
  }

  client.on(Events.InteractionCreate, async (interaction) => {
    const command = interaction.isCommand() || interaction.isAutocomplete() ? `/${interaction.commandName}` : 'button';
    const log = forRequest(logger, { platform: 'discord', command, requestId: interaction.id });
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction, log);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction);
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
      const context = { platform: 'discord' as const, channel: message.channelId, user: message.author.id };
      await message.reply({
        ...answer(chat.handle(text, context), log),
        nonce: message.id.slice(-25),
        enforceNonce: true,
      });
      log.info('paperboy: answered');
    } catch (error) {
      log.error('paperboy discord_failed: mention', error);
    }
  });

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(settings.token);
  await ready;
  logger.info(`paperboy: Discord connected as ${client.user?.tag ?? 'unknown'}`);
  return {
    stop: async () => {
      await client.destroy();
    },
  };
}
