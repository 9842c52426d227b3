/**
 * A message whose variable parts came from outside the action (inputs, the event, Neon, GitHub),
 * kept apart from the action's own words: each place that shows it neutralises them its own way
 * (the log so no part acts as a runner command, Markdown so no part renders as markup). Write one
 * with the `t` tag: t`Branch ${name} is ready`. Numbers and nested Text keep their own form.
 */
export class Text {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** The text with each outside value passed through `value`. */
  render(value: (text: string) => string): string {
    let out = this.parts[0] ?? '';
    this.values.forEach((v, i) => {
      out += (v instanceof Text ? v.render(value) : typeof v === 'number' ? String(v) : value(String(v))) + (this.parts[i + 1] ?? '');
    });
    return out;
  }

  /** As written, values untouched: for Error.message and tests, never printed as such. */
  toString(): string {
    return this.render((v) => v);
  }
}

export function t(strings: TemplateStringsArray, ...values: unknown[]): Text {
  return new Text([...strings], values);
}

/** Text that is entirely the action's own words. */
export function own(words: string): Text {
  return new Text([words], []);
}

/** Several Texts joined by the action's own separator. */
export function join(texts: Text[], separator: string): Text {
  const parts: string[] = [''];
  const values: unknown[] = [];
  texts.forEach((text, i) => {
    values.push(text);
    parts.push(i < texts.length - 1 ? separator : '');
  });
  return texts.length ? new Text(parts, values) : own('');
}

/** `=` as it appears in text: plain, or URL-encoded once or more (`%3D`, `%253D`, …). */
const EQUALS = String.raw`(?:=|%(?:25)*3[dD])`;
/** A word that names a secret, inside a longer name too (`DB_PASSWORD`, `PGPASSWORD`, `client_secret`, `x-api-key`). */
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:pass(?:word|wd)?|pwd|pw|secret|token|api[_-]?key|credential|auth[_-]?key)[A-Za-z0-9_.-]*`;

const SECRET_SHAPES: [RegExp, string][] = [
  // Any URI (postgresql://user:password@host/db, https://…): scheme and all.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '[URI hidden]'],
  // name=value, name: value, "name":"value", name%3Dvalue, for any name that names a secret.
  [new RegExp(String.raw`(${SECRET_NAME})(\\?["']?\s*(?::|${EQUALS})\s*\\?["']?)[^\s"'\\,;&]+`, 'gi'), '$1$2[hidden]'],
  // password 'value', password "value", and a password word followed by a value with a digit in it
  // ("has password hunter2"), but not the words of a sentence ("password authentication failed").
  [/\b(pass(?:word|wd)?|pwd)(\s+(?:is\s+|was\s+)?)(?:'[^']*'|"[^"]*"|(?=[^\s'",;]*\d)[^\s'",;]{4,})/gi, '$1$2[hidden]'],
  // Neon passwords and API keys, GitHub tokens, wherever they stand (also glued to other text).
  [/(?:npg|napi|ghp|ghs|gho|ghu|ghr|github_pat)_[A-Za-z0-9_]+/g, '[hidden]'],
  [/\bbearer\s+[A-Za-z0-9._~+/-]+=*/gi, 'Bearer [hidden]'],
  // user:password@host without a scheme.
  [/[^\s:/@]+:[^\s:/@]+@[^\s/]+/g, '[credentials hidden]'],
];

/** Text from Neon or GitHub with anything URI-, password- or key-shaped taken out, on one line, at most `max` characters. */
export function scrub(text: string, max = 200): string {
  let out = text.replace(/\s+/g, ' ').trim();
  for (const [shape, replacement] of SECRET_SHAPES) out = out.replace(shape, replacement);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
