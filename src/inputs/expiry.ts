export const MAX_EXPIRY_MS = 30 * 24 * 3600 * 1000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90m`, `12h`, `7d`, `2w` to milliseconds; undefined when it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export type ExpiryResult = { ok: true; expiresAt: string | undefined } | { ok: false; input: string; problem: string };

/**
 * When Neon should delete the branch: `expires_at` wins over `expires_in`; `expires_in: never`
 * means no expiry. Neon refuses times in the past and more than 30 days ahead.
 */
export function resolveExpiry(expiresAt: string, expiresIn: string, now: Date): ExpiryResult {
  if (expiresAt) {
    if (!RFC3339.test(expiresAt) || Number.isNaN(Date.parse(expiresAt))) {
      return { ok: false, input: 'expires_at', problem: `"${expiresAt}" is not an RFC 3339 time such as 2026-01-31T12:00:00Z` };
    }
    const at = Date.parse(expiresAt);
    if (at <= now.getTime()) return { ok: false, input: 'expires_at', problem: `${expiresAt} is in the past` };
    if (at - now.getTime() > MAX_EXPIRY_MS) {
      return { ok: false, input: 'expires_at', problem: `${expiresAt} is more than 30 days ahead; Neon allows at most 30 days` };
    }
    return { ok: true, expiresAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
  if (expiresIn === 'never' || expiresIn === '') return { ok: true, expiresAt: undefined };
  const ms = parseDuration(expiresIn);
  if (ms === undefined) {
    return { ok: false, input: 'expires_in', problem: `"${expiresIn}" is not a duration: use a number and a unit m, h, d or w, such as 12h or 7d, or "never"` };
  }
  if (ms > MAX_EXPIRY_MS) return { ok: false, input: 'expires_in', problem: `"${expiresIn}" is more than 30 days; Neon allows at most 30d` };
  return { ok: true, expiresAt: new Date(now.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
