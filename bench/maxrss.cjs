// Preloaded into a measured process: reports its peak resident memory (KiB) when it exits.
process.on("exit", () => {
  process.stderr.write(`\nBENCH_MAXRSS_KB ${process.resourceUsage().maxRSS}\n`);
});
