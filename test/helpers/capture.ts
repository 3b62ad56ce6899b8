import { PassThrough } from 'node:stream';

/** A writable stream that keeps what is written to it, for a CLI's stdout or stderr in a test. */
export function captureStream(onWrite?: (all: string) => void) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk;
    onWrite?.(text);
  });
  return { stream, text: () => text };
}
