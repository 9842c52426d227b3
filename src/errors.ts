import { own, t, type Text } from './text.js';

/** An expected failure: its text is what the person reading the log should do next. */
export class ActionError extends Error {
  override readonly name: string = 'ActionError';
  readonly text: Text;

  constructor(text: Text | string) {
    const message = typeof text === 'string' ? own(text) : text;
    super(message.toString());
    this.text = message;
  }
}

/** A bad input value, reported before any API call. */
export class InputError extends ActionError {
  override readonly name = 'InputError';

  constructor(input: string, detail: Text | string) {
    super(t`Input \`${own(input)}\`: ${typeof detail === 'string' ? own(detail) : detail}`);
  }
}
