/** A one-line progress bar for long work on a terminal; silent when the stream is not a terminal. */
export function createProgressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  label: string,
) {
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done: number, total: number) {
      if (!stream.isTTY) return;
      const now = Date.now();
      // Redrawing every file would cost more than the work on small files.
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const filled = total ? Math.round((done / total) * width) : width;
      const seconds = ((now - started) / 1000).toFixed(1);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(`\r${label} ${bar} ${done}/${total} ${seconds}s`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
