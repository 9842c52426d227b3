const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let stopping = false;

/** True once a signal has started the stop: what fails after it is the interruption, not a fault. */
export const interrupted = () => stopping;

/**
 * Ctrl-C, SIGTERM, a closed terminal and the end of the parent process (`npm`) all stop the same
 * way: `stop` runs once, one line says so, and the process exits with `code`. Further signals
 * while it stops are ignored, so Postgres is never left half shut down.
 */
export function stopOnSignals(stop: () => Promise<void>, stoppedLine: string, code = 0): void {
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => {
        console.error(stoppedLine);
        process.exit(code);
      },
      (error: unknown) => {
        console.error(`Could not stop cleanly: ${oneLine(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of EXIT_SIGNALS) process.on(signal, onSignal);
  // `npm run` passes SIGTERM to the shell it started us with, and that shell dies without passing
  // it on: a parent that is gone means the same as a signal.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && onSignal(), 250).unref();
}

/** An error as one line, for people: no stack trace. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' | ').slice(0, 600);
}
