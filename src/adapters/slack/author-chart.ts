import type { Logger, webApi } from '@slack/bolt';
import type { Reply } from '../../core/commands/reply.ts';
import { CHART_FILENAME, renderYearChart } from '../chart/render-png.ts';
import { renderSlack, type SlackMessage } from './render.ts';
import { uploadUnshared } from './upload-file.ts';

/** How long to wait before each new try while Slack still processes an uploaded chart (ms). */
export const CHART_RETRY_DELAYS_MS = [400, 1000, 2000] as const;

/** Something that sends a message (`respond`, `say`) and may answer `{ ok: false }` instead of throwing. */
export type SendMessage = (message: SlackMessage) => Promise<unknown>;

const refused = (answer: unknown): boolean => {
  const data = (answer as { data?: { ok?: unknown } } | undefined)?.data ?? answer;
  return typeof data === 'object' && data !== null && (data as { ok?: unknown }).ok === false;
};

/**
 * Sends a reply; an author card (or `A vs B`) goes with its papers-per-year chart: the PNG is uploaded without a
 * channel and shown by an image block naming the file. Slack may still be processing the file, so a refused
 * message is tried again a few times; if the chart cannot be made, uploaded or shown, the card goes without it
 * (its "Per year" line is the sparkline).
 */
export async function sendWithChart(
  reply: Reply,
  client: webApi.WebClient,
  send: SendMessage,
  logger: Logger,
  options: { shareable?: boolean; delaysMs?: readonly number[] } = {},
): Promise<void> {
  const { delaysMs = CHART_RETRY_DELAYS_MS, ...render } = options;
  if (reply.kind !== 'author' && reply.kind !== 'compare') {
    await send(renderSlack(reply, render));
    return;
  }
  const cards = reply.kind === 'author' ? [reply.card] : reply.cards;
  let fileId: string | undefined;
  try {
    const chart = renderYearChart(cards.map((c) => ({ name: c.name, perYear: c.perYear })));
    fileId = await uploadUnshared(client, {
      filename: CHART_FILENAME,
      bytes: chart.png,
      title: `Papers per year: ${cards.map((c) => c.name).join(' vs ')}`,
    });
  } catch (error) {
    logger.warn(`paperboy slack_chart_failed: ${(error as Error).message}`);
  }
  if (fileId) {
    for (let attempt = 0; ; attempt++) {
      try {
        if (!refused(await send(renderSlack(reply, { ...render, chartFileId: fileId })))) return;
      } catch (error) {
        logger.debug(`paperboy: the chart is not ready yet (${(error as Error).message})`);
      }
      const delay = delaysMs[attempt];
      if (delay === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    logger.warn('paperboy slack_chart_failed: Slack did not show the uploaded chart; sent the card without it');
  }
  await send(renderSlack(reply, render));
}
