// Ctrl-C during a long command (run, demo): the first SIGINT or SIGTERM cancels the running job, which records
// itself as cancelled and lets the command clean up; a second one exits at once with 130.

export interface SignalCancel {
  /** Aborted by the first signal; hand it to the jobs. */
  signal: AbortSignal;
  /** Starts listening; call once the command is ready to be cancelled. */
  listen: () => void;
  /** Stops listening (in `finally`), so the next command in the same process starts fresh. */
  dispose: () => void;
}

/** `say(signal)` is the line written to stderr on the first signal. */
export const cancelOnSignal = (say: (signal: NodeJS.Signals) => string): SignalCancel => {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(say(signal));
    controller.abort();
  };
  return {
    signal: controller.signal,
    listen: () => {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};
