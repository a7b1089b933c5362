// partclone's stderr as data: `\r`-separated progress lines, the filesystem summary, the success line that
// exit status 0 alone does not prove, and the reason it gives when it fails.

export interface PartcloneProgress {
  percent: number;
  elapsedSeconds: number;
  remainingSeconds: number;
  /** As partclone prints it, e.g. `11.38GB/min`. */
  rate: string;
}

const seconds = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

const PROGRESS =
  /Elapsed: (\d+):(\d\d):(\d\d), Remaining: (\d+):(\d\d):(\d\d), Completed:\s*([\d.]+)%,\s*(?:Rate:\s*)?([\d.]+\s*[A-Za-z]+\/min)/;

/**
 * One line of the data phase → progress. Lines without a rate (the bitmap phase) and the bogus first line
 * of every run (`Remaining: 00:01:39, Completed: 1.00%, 0.00byte/min`) give undefined.
 */
export const parseProgressLine = (line: string): PartcloneProgress | undefined => {
  const m = PROGRESS.exec(line);
  if (!m) return undefined;
  const [, eh = '0', em = '0', es = '0', rh = '0', rm = '0', rs = '0', pct = '0', rate = ''] = m;
  const percent = Number(pct);
  if (percent === 1 && /^0(\.0+)?\s*byte\/min$/.test(rate)) return undefined;
  return {
    percent,
    elapsedSeconds: seconds(eh, em, es),
    remainingSeconds: seconds(rh, rm, rs),
    rate: rate.replace(/\s+/g, ''),
  };
};

/** Every data-phase progress point in a captured stderr. */
export const parseProgress = (stderr: string): PartcloneProgress[] =>
  stderr
    .split(/\r\n|\r|\n/)
    .map(parseProgressLine)
    .filter((p): p is PartcloneProgress => p !== undefined);

export interface PartcloneSummary {
  /** partclone's name for it: `EXTFS`, `FAT16`, `FAT32`, `raw`… */
  filesystem: string | undefined;
  blockSize: number | undefined;
  totalBlocks: number | undefined;
  usedBlocks: number | undefined;
  /** usedBlocks × blockSize: what a restore writes. */
  usedBytes: number | undefined;
  deviceBytes: number | undefined;
}

export const parseSummary = (stderr: string): PartcloneSummary => {
  const num = (re: RegExp) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const blockSize = num(/^Block size:\s+(\d+) Byte/m);
  const totalBlocks = num(/^Device size:.*= (\d+) Blocks/m);
  const usedBlocks = num(/^Space in use:.*= (\d+) Blocks/m);
  return {
    filesystem: /^File system:\s+(\S+)/m.exec(stderr)?.[1],
    blockSize,
    totalBlocks,
    usedBlocks,
    usedBytes: usedBlocks !== undefined && blockSize !== undefined ? usedBlocks * blockSize : undefined,
    deviceBytes: totalBlocks !== undefined && blockSize !== undefined ? totalBlocks * blockSize : undefined,
  };
};

const lines = (stderr: string) =>
  stderr
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

/**
 * The line that proves success: `Partclone successfully cloned|restored …` (or `Cloned successfully.`,
 * all partclone.dd prints). Exit status 0 without it is not success: partclone exits 0 after printing its
 * usage for an option it does not know.
 */
export const successLine = (stderr: string): string | undefined =>
  lines(stderr).find(
    (l) => /^Partclone successfully /.test(l) || /^(Cloned|Checked) successfully\.$/.test(l),
  );

/** partclone printed its usage (an option it does not know): it then exits 0 having done nothing. */
export const printedUsage = (stderr: string): boolean => /^Usage: \S+ \[OPTIONS\]/m.test(stderr);

const NOT_A_REASON =
  /^(Partclone v|Starting to |Reading Super Block|Calculating bitmap|done!|Elapsed:|Total Time:)/;

/** What partclone said just before `Partclone fail, please check LOG !`, e.g. `clone: open /x error`. */
export const failureReason = (stderr: string): string | undefined => {
  const all = lines(stderr);
  const failAt = all.findIndex((l) => /^Partclone fail, please check/.test(l));
  const before = failAt >= 0 ? all.slice(0, failAt) : all;
  const reason = [...before].reverse().find((l) => !NOT_A_REASON.test(l) && l !== 'Error exit');
  if (reason === undefined) return undefined;
  // The truncated-stream case ends a progress line with the error text: keep what follows the progress.
  return reason.replace(/^.*Completed:\s*[\d.]+%,\s*[\d.]+\s*[A-Za-z]+\/min,\s*/, '');
};
