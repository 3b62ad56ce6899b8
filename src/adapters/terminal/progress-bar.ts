/** A one-line progress bar for long work on a terminal; silent when the stream is not a terminal. */
export function createProgressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  label: string,
) {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    /** `note` follows the count (`1,200 records`); `done`/`total` may be files or bytes. */
    update(done: number, total: number, note?: string) {
      if (!stream.isTTY) return;
      const now = Date.now();
      // Redrawing every file would cost more than the work on small files.
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const filled = total ? Math.round((done / total) * width) : width;
      const seconds = ((now - started) / 1000).toFixed(1);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const count = note ?? `${done}/${total}`;
      stream.write(`\r${label} ${bar} ${count} ${seconds}s\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
