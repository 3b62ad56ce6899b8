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
import { renderDiscord } from './render.ts';

export interface DiscordSettings {
  token: string;
  /** REST base, `https://discord.com/api` unless a proxy or a test moves it. */
  apiUrl: string;
}

export interface DiscordAdapter {
  stop(): Promise<void>;
}

const MENTION = /<@!?\d+>/g;

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
      return ['/digest', sub, options.getString('query') ?? '', id ?? '', at ? `at ${at}` : '', tz ? `tz ${tz}` : '']
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
 *   the reply is deferred first, then edited, so Discord's 3-second window is never missed.
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

  const answer = (reply: Reply) => {
    if (reply.kind === 'error') logger.warn(`paperboy ${reply.code}: ${reply.message}`);
    return renderDiscord(reply);
  };

  async function onCommand(interaction: ChatInputCommandInteraction) {
    const text = commandLine(interaction);
    const context = { platform: 'discord' as const, channel: interaction.channelId, user: interaction.user.id };
    if (expectSlow()) {
      await interaction.deferReply();
      await interaction.editReply(answer(chat.handle(text, context)));
      return;
    }
    const reply = chat.handle(text, context);
    const message = answer(reply);
    if (reply.kind === 'error') await interaction.reply({ ...message, flags: MessageFlags.Ephemeral });
    else await interaction.reply(message);
  }

  async function onAutocomplete(interaction: AutocompleteInteraction) {
    const typed = String(interaction.options.getFocused());
    const names = chat.suggestAuthors(typed, 25);
    await interaction.respond(names.map((name) => ({ name: name.slice(0, 100), value: name.slice(0, 100) })));
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
    await interaction.update(answer(chat.act(action)));
  }

  client.on(Events.InteractionCreate, async (interaction) => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction);
    } catch (error) {
      logger.error('paperboy discord_failed: interaction', error);
      if (interaction.isRepliable() && !interaction.replied) {
        const content = 'Sorry, something went wrong answering that. Please try again.';
        await (interaction.deferred
          ? interaction.editReply({ content })
          : interaction.reply({ content, flags: MessageFlags.Ephemeral })
        ).catch(() => {});
      }
    }
  });

  client.on(Events.MessageCreate, async (message: Message) => {
    if (message.author.bot || !client.user || !message.mentions.users.has(client.user.id)) return;
    try {
      const text = message.content.replace(MENTION, ' ').trim();
      // The nonce lets Discord drop a repeat if the library retries the post after a timeout.
      const context = { platform: 'discord' as const, channel: message.channelId, user: message.author.id };
      await message.reply({ ...answer(chat.handle(text, context)), nonce: message.id.slice(-25), enforceNonce: true });
    } catch (error) {
      logger.error('paperboy discord_failed: mention', error);
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
