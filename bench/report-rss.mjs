// Loaded with `node --import` into a benchmarked command: reports its peak memory on exit.
process.on('exit', () => {
  process.stderr.write(`\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`);
});
