// Preloaded (--import) into each timed process: appends its CPU time to a file, a figure that other load skews less than wall time.
import { appendFileSync } from 'node:fs';

const file = process.env.LIFEBOAT_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${(user + system) / 1e6}\n`);
  });
}
