import { type APIApplicationCommandOption, ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { slashCommands } from '../../../src/adapters/discord/commands.ts';
import { INPUT_LIMITS } from '../../../src/core/input-limits.ts';

/** Every text option, by its path (`/digest watch query`), with its `max_length`. */
function textOptions(options: APIApplicationCommandOption[] = [], path = ''): [string, number | undefined][] {
  return options.flatMap((o): [string, number | undefined][] => {
    if (o.type === ApplicationCommandOptionType.String) return [[`${path}${o.name}`, o.max_length]];
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)
      return textOptions(o.options, `${path}${o.name} `);
    return [];
  });
}

describe('slash command options', () => {
  const limits = new Map(slashCommands().flatMap((c) => textOptions(c.options, `/${c.name} `)));

  it('bound every text a person can type, so Discord refuses longer input before Paperboy sees it', () => {
    expect(limits.size).toBeGreaterThan(0);
    for (const [name, max] of limits) expect(max, name).toBeGreaterThan(0);
  });

  it('allow a query up to the query limit and an author name (or "A vs B") up to the name limit', () => {
    expect(limits.get('/paper query')).toBe(INPUT_LIMITS.query);
    expect(limits.get('/digest subscribe query')).toBe(INPUT_LIMITS.query);
    expect(limits.get('/digest watch query')).toBe(INPUT_LIMITS.query);
    expect(limits.get('/author name')).toBeGreaterThanOrEqual(INPUT_LIMITS.name);
    expect(limits.get('/author name')).toBeLessThanOrEqual(INPUT_LIMITS.message);
  });

  it('offer the rhythm and day as choices on /digest subscribe and watch, the values the grammar reads', () => {
    const digest = slashCommands().find((c) => c.name === 'digest');
    for (const sub of ['subscribe', 'watch']) {
      const options = digest?.options?.find((o) => o.name === sub);
      const choices = (name: string) =>
        options && 'options' in options
          ? (options.options?.find((o) => o.name === name) as { choices?: { value: string }[] } | undefined)?.choices
          : undefined;
      expect(
        choices('rhythm')?.map((c) => c.value),
        sub,
      ).toEqual(['daily', 'weekdays', 'weekly']);
      expect(
        choices('day')?.map((c) => c.value),
        sub,
      ).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    }
  });
});
