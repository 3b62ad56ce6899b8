import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  REST,
  Routes,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import { RHYTHMS, WEEKDAY_NAMES } from '../../core/digest/schedule.ts';
import { INPUT_LIMITS } from '../../core/input-limits.ts';

// Discord refuses longer option values itself, before Paperboy sees them; core refuses them too (docs/limits.md).
const AT_LENGTH = 5;
const TZ_LENGTH = 64;
// An arXiv link with a version and a query string is well under this.
const PAPER_REF_LENGTH = 200;

/** The rhythm and day options of `/digest subscribe` and `watch`, read by the same grammar as typed options. */
const withRhythm = (c: SlashCommandSubcommandBuilder, fallback: string) =>
  c
    .addStringOption((o) =>
      o
        .setName('rhythm')
        .setDescription(`How often (default ${fallback})`)
        .setMaxLength(Math.max(...RHYTHMS.map((r) => r.length)))
        .addChoices(RHYTHMS.map((r) => ({ name: r === 'weekly' ? 'weekly (give a day)' : r, value: r }))),
    )
    .addStringOption((o) =>
      o
        .setName('day')
        .setDescription('Day of a weekly digest')
        .setMaxLength(3)
        // Monday first, as a week is read; values are the grammar's day words.
        .addChoices(
          [...WEEKDAY_NAMES.slice(1), WEEKDAY_NAMES[0]].map((name) => ({
            name,
            value: name.slice(0, 3).toLowerCase(),
          })),
        ),
    );

/** A `/digest` subcommand that names one digest by its id. */
const byId = (name: string, description: string) => (c: SlashCommandSubcommandBuilder) =>
  c
    .setName(name)
    .setDescription(description)
    .addIntegerOption((o) => o.setName('id').setDescription('Digest id (see /digest list)').setRequired(true));

/** The slash commands Paperboy registers; the client answers exactly these. */
export function slashCommands() {
  return [
    new SlashCommandBuilder()
      .setName('paper')
      .setDescription('Search papers: words, "phrases", author:, cat:, since:, has:code …')
      .addStringOption((o) =>
        o
          .setName('query')
          .setDescription('What to look for, e.g. reward hacking since:2023')
          .setRequired(true)
          .setMaxLength(INPUT_LIMITS.query),
      ),
    new SlashCommandBuilder()
      .setName('author')
      .setDescription('An author\'s metrics and papers; write "A vs B" to compare two')
      .addStringOption((o) =>
        o
          .setName('name')
          .setDescription('The researcher')
          .setRequired(true)
          .setAutocomplete(true)
          // Room for "A vs B": each name is checked against INPUT_LIMITS.name by core.
          .setMaxLength(2 * INPUT_LIMITS.name + 4),
      ),
    new SlashCommandBuilder()
      .setName('follow')
      .setDescription('Follow an author: a direct message when new papers list them')
      .addStringOption((o) =>
        o
          .setName('name')
          .setDescription('The researcher, as papers list them')
          .setRequired(true)
          .setAutocomplete(true)
          .setMaxLength(INPUT_LIMITS.name),
      )
      .addStringOption((o) =>
        o
          .setName('rhythm')
          .setDescription('How often (default: every 15 minutes)')
          .setMaxLength(Math.max(...RHYTHMS.map((r) => r.length)))
          .addChoices(RHYTHMS.map((r) => ({ name: r === 'weekly' ? 'weekly (give a day)' : r, value: r }))),
      )
      .addStringOption((o) =>
        o
          .setName('day')
          .setDescription('Day of a weekly message')
          .setMaxLength(3)
          .addChoices(
            [...WEEKDAY_NAMES.slice(1), WEEKDAY_NAMES[0]].map((name) => ({
              name,
              value: name.slice(0, 3).toLowerCase(),
            })),
          ),
      )
      .addStringOption((o) => o.setName('at').setDescription('Time of day, HH:MM').setMaxLength(AT_LENGTH))
      .addStringOption((o) => o.setName('tz').setDescription('Time zone, like Europe/Berlin').setMaxLength(TZ_LENGTH)),
    new SlashCommandBuilder()
      .setName('unfollow')
      .setDescription('Stop following an author')
      .addStringOption((o) =>
        o.setName('name').setDescription('The researcher you follow').setRequired(true).setMaxLength(INPUT_LIMITS.name),
      ),
    new SlashCommandBuilder()
      .setName('digest')
      .setDescription('Digests of new papers in this channel (daily, weekdays, weekly), and personal watches')
      .addSubcommand((c) =>
        withRhythm(
          c
            .setName('subscribe')
            .setDescription('A digest of new papers here: daily, on weekdays or weekly')
            .addStringOption((o) =>
              o
                .setName('query')
                .setDescription('Only papers matching this (empty: all)')
                .setMaxLength(INPUT_LIMITS.query),
            ),
          'daily',
        )
          .addStringOption((o) =>
            o.setName('at').setDescription('Time of day, HH:MM (default 09:00)').setMaxLength(AT_LENGTH),
          )
          .addStringOption((o) =>
            o.setName('tz').setDescription('Time zone, like Europe/Berlin').setMaxLength(TZ_LENGTH),
          )
          .addBooleanOption((o) =>
            o.setName('empty').setDescription('Also post on days with no new papers (default: no)'),
          )
          .addBooleanOption((o) =>
            o.setName('ranked').setDescription("Best first for this channel's taste (Likes given here)"),
          ),
      )
      .addSubcommand((c) => c.setName('list').setDescription("This channel's digests"))
      .addSubcommand((c) =>
        withRhythm(
          c
            .setName('watch')
            .setDescription('Direct messages when new papers match')
            .addStringOption((o) =>
              o.setName('query').setDescription('What to watch for').setRequired(true).setMaxLength(INPUT_LIMITS.query),
            ),
          'every 15 minutes',
        )
          .addStringOption((o) =>
            o.setName('at').setDescription('With a rhythm: time of day, HH:MM (default 09:00)').setMaxLength(AT_LENGTH),
          )
          .addStringOption((o) =>
            o.setName('tz').setDescription('With a rhythm: time zone, like Europe/Berlin').setMaxLength(TZ_LENGTH),
          )
          .addBooleanOption((o) => o.setName('ranked').setDescription('Best first for your taste (/foryou)')),
      )
      .addSubcommand(byId('preview', 'What a digest would post now'))
      .addSubcommand(byId('pause', 'Pause a digest'))
      .addSubcommand(byId('resume', 'Resume a digest'))
      .addSubcommand(byId('unsubscribe', 'Remove a digest')),
    new SlashCommandBuilder()
      .setName('save')
      .setDescription('Save a paper to your reading list (only you see it)')
      .addStringOption((o) =>
        o
          .setName('paper')
          .setDescription('The id on a card, an arXiv id or an arXiv link')
          .setRequired(true)
          .setMaxLength(PAPER_REF_LENGTH),
      ),
    new SlashCommandBuilder()
      .setName('saved')
      .setDescription('Your reading list, newest saved first; export it as BibTeX')
      .addStringOption((o) =>
        o
          .setName('action')
          .setDescription('list (default) or export (a BibTeX file)')
          .addChoices({ name: 'list', value: 'list' }, { name: 'export', value: 'export' })
          .setMaxLength(6),
      )
      .addIntegerOption((o) => o.setName('page').setDescription('Page of the list').setMinValue(1)),
    new SlashCommandBuilder()
      .setName('cite')
      .setDescription('BibTeX for papers (only you see it)')
      .addStringOption((o) =>
        o
          .setName('papers')
          .setDescription('Paper ids, arXiv ids or links, separated by spaces')
          .setRequired(true)
          .setMaxLength(INPUT_LIMITS.query),
      ),
    new SlashCommandBuilder()
      .setName('foryou')
      .setDescription("This week's papers ranked by what you saved and liked (only you see it)")
      .addIntegerOption((o) => o.setName('page').setDescription('Page of your papers').setMinValue(1))
      .addBooleanOption((o) => o.setName('reset').setDescription('Forget your Likes, Not interested and imports')),
    new SlashCommandBuilder().setName('help').setDescription('What Paperboy can do, with examples'),
  ].map((c) => c.toJSON());
}

/** The message command (right-click a message, Apps): the cards of the paper links in that message. */
export const FIND_PAPER = 'Find paper';

/** Message context-menu commands (type 3): no Message Content intent needed, the target comes with the interaction. */
export function messageCommands() {
  return [new ContextMenuCommandBuilder().setName(FIND_PAPER).setType(ApplicationCommandType.Message).toJSON()];
}

export interface RegisterOptions {
  token: string;
  appId: string;
  /** Guild commands update at once; global ones can take a while and are rate limited. */
  guildId?: string;
  apiUrl: string;
}

/**
 * Registers the slash commands and the message command with one bulk overwrite (PUT), so running it again changes nothing.
 * @returns the names Discord now has
 */
export async function registerCommands({ token, appId, guildId, apiUrl }: RegisterOptions): Promise<string[]> {
  const rest = new REST({ api: apiUrl }).setToken(token);
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const result = (await rest.put(route, { body: [...slashCommands(), ...messageCommands()] })) as { name: string }[];
  return result.map((c) => c.name);
}
