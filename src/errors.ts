/** An expected failure: its message is what the person reading the log should do next. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
}

/** A bad input value, reported before any API call. */
export class InputError extends ActionError {
  constructor(input: string, detail: string) {
    super(`Input \`${input}\`: ${detail}`);
  }
}
