import { createInterface } from 'node:readline';
import type { Chat } from '../../core/commands/chat.ts';
import type { Action, Reply } from '../../core/commands/reply.ts';
import { COLOUR, PLAIN, renderReply } from './render.ts';

export interface TerminalIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** SIGINT/SIGTERM: the chat ends after the answer in progress. */
  signal?: AbortSignal;
}

/**
 * The terminal chat: on a terminal, a prompt; otherwise one command per line until end of input, so
 * `printf '/paper sycophancy\n' | npm start` works in scripts. Buttons become `/next`, `/prev` and `/more ID`.
 */
export async function runTerminalChat(chat: Chat, io: TerminalIo, greeting: string): Promise<void> {
  const interactive = !!io.input.isTTY && !!io.output.isTTY;
  const style = io.output.isTTY && !io.env.NO_COLOR ? COLOUR : PLAIN;
  const lines = createInterface({
    input: io.input,
    output: interactive ? io.output : undefined,
    terminal: interactive,
  });
  // Ctrl-C at the prompt (a terminal in raw mode sends no signal) and SIGTERM end the chat like /quit.
  const end = () => lines.close();
  lines.on('SIGINT', end);
  io.signal?.addEventListener('abort', end, { once: true });
  const say = (text: string) => io.output.write(`${text}\n${interactive ? '' : '\n'}`);
  let last: Reply | undefined;
  const navigate = (which: 'next' | 'previous'): Action | undefined =>
    last?.kind === 'papers' ? last.page[which] : undefined;

  if (interactive) {
    say(greeting);
    lines.setPrompt('paperboy> ');
    lines.prompt();
  }
  for await (const line of lines) {
    const text = line.trim();
    if (text === '/quit' || text === '/exit') break;
    if (text !== '') {
      let reply: Reply;
      if (text === '/next' || text === '/prev') {
        const action = navigate(text === '/next' ? 'next' : 'previous');
        reply = action
          ? await chat.act(action)
          : { kind: 'notice', text: `There is no ${text === '/next' ? 'next' : 'previous'} page.` };
      } else {
        // A line is read like a mention: links anywhere in it answer with their cards. A link the index lacks
        // may be looked up on arXiv: say so before the line waits for it.
        if (await chat.mayWait(text, { mention: true })) say('looking up…');
        reply = await chat.answer(text, undefined, { mention: true });
      }
      last = reply;
      say(renderReply(reply, style));
    }
    if (interactive) lines.prompt();
  }
  lines.close();
  io.signal?.removeEventListener('abort', end);
}
