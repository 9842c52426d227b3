import { ActionError } from '../errors.js';
import { t } from '../text.js';

type Env = Record<string, string | undefined>;

/** The proxy variables, in the order they are read (the upper-case name wins, as in undici and curl). */
const VARIABLES = { 'https:': ['HTTPS_PROXY', 'https_proxy'], 'http:': ['HTTP_PROXY', 'http_proxy'] } as const;

/** The variable that sets the proxy for a scheme, and its value; undefined when none is set. */
function proxyVariable(protocol: string, env: Env): { name: string; value: string } | undefined {
  const names: readonly string[] = VARIABLES[protocol as keyof typeof VARIABLES] ?? [];
  for (const name of names) if (env[name]) return { name, value: env[name] as string };
  return undefined;
}

/**
 * HTTPS_PROXY and HTTP_PROXY, when set, are URLs of an http(s) proxy (`http://proxy.corp:3128`):
 * checked before any request, so a value without its scheme, or with a space, is one error
 * naming the variable instead of a failure deep inside the HTTP client.
 */
export function checkProxyEnvironment(env: Env): void {
  for (const protocol of Object.keys(VARIABLES)) {
    const set = proxyVariable(protocol, env);
    if (!set) continue;
    let url: URL | undefined;
    try {
      url = set.value === set.value.trim() ? new URL(set.value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw new ActionError(t`The environment variable ${set.name} is "${set.value}", which is not a proxy URL: set it to one such as http://proxy.example.com:3128 (scheme included, no spaces), or unset it.`);
    }
  }
}

/** Whether NO_PROXY (or no_proxy) exempts this URL: `*`, a host, a domain suffix (`.corp` or `corp`), with an optional port. */
function exempt(url: URL, env: Env): boolean {
  const list = (env.NO_PROXY ?? env.no_proxy ?? '').split(/[,\s]+/).filter(Boolean);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return list.some((entry) => {
    if (entry === '*') return true;
    const [host = '', entryPort] = entry.toLowerCase().replace(/^\*/, '').split(':');
    if (entryPort && entryPort !== port) return false;
    const bare = host.replace(/^\./, '');
    return url.hostname === bare || url.hostname.endsWith(`.${bare}`);
  });
}

/** The proxy a request to `url` goes through (host and the variable that set it), or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env): { host: string; variable: string } | undefined {
  const set = proxyVariable(url.protocol, env);
  if (!set || exempt(url, env)) return undefined;
  try {
    return { host: new URL(set.value).host, variable: set.name };
  } catch {
    return undefined;
  }
}
