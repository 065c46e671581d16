// Preloaded by the benchmark: prints this process's peak resident set size as it exits.
process.on('exit', () => process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
