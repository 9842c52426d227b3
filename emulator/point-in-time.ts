// Connections to a branch as it was: `neonctl connection-string <branch>@<time or lsn>` writes
// `options=neon_timestamp:<time>` or `options=neon_lsn:<lsn>` into the URI, and Neon serves the
// branch as of then (read-only). The emulator keeps no history, so it serves a time only when it
// can prove the branch has not changed since, and refuses everything else, saying so.

export type PointInTime = { kind: 'timestamp'; text: string; at: number } | { kind: 'lsn'; text: string };

/**
 * What the emulator knows of a branch's writes: when the last session that could write ended, and
 * how many such sessions are open now (client sessions on its read-write compute and the
 * emulator's own admin connections; a data copy or restore counts as a write when it lands).
 */
export class WriteLog {
  lastAt = Date.now();
  open = 0;

  opened(): void {
    this.open++;
  }

  closed(): void {
    this.open--;
    this.lastAt = Date.now();
  }

  written(): void {
    this.lastAt = Date.now();
  }

  /** True when nothing can have changed the branch from `at` until now. */
  unchangedSince(at: number): boolean {
    return this.open === 0 && this.lastAt <= at;
  }
}

/** Splits a startup `options` value as Postgres does (whitespace, with backslash escapes). */
function splitOptions(options: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i] as string;
    if (c === '\\' && i + 1 < options.length) current += c + options[++i];
    else if (/\s/.test(c)) {
      if (current) tokens.push(current);
      current = '';
    } else current += c;
  }
  if (current) tokens.push(current);
  return tokens;
}

/**
 * Takes Neon's own tokens out of `options` (`neon_timestamp:`, `neon_lsn:` and other `neon_`
 * settings, `endpoint=`, `project=`), which Neon's proxy reads and Postgres would refuse, and
 * returns the point in time asked for and what is left for Postgres.
 */
export function readOptions(options: string | undefined): { pointInTime?: PointInTime; rest?: string; invalid?: string } {
  if (options === undefined) return {};
  let pointInTime: PointInTime | undefined;
  const rest: string[] = [];
  for (const token of splitOptions(options)) {
    const [, key, value = ''] = /^(neon_[a-z_]+)[:=](.*)$/.exec(token) ?? [];
    if (key === 'neon_timestamp') {
      const at = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at)) return { invalid: `invalid neon_timestamp "${value}": expected an RFC 3339 time such as 2024-01-01T00:00:00Z` };
      pointInTime = { kind: 'timestamp', text: value, at };
    } else if (key === 'neon_lsn') {
      if (!/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(value)) return { invalid: `invalid neon_lsn "${value}": expected an LSN such as 0/1A7F730` };
      pointInTime = { kind: 'lsn', text: value };
    } else if (key === undefined && !/^(endpoint|project)=/.test(token)) rest.push(token);
  }
  return { pointInTime, rest: rest.length ? rest.join(' ') : undefined };
}

const CANNOT = 'The Neon emulator cannot go back in time: it keeps no history of a branch';

/** Why the emulator refuses to serve `branch` as of `pointInTime`; undefined when it can serve the present honestly. */
export function pointInTimeRefusal(branch: string, pointInTime: PointInTime, writes: WriteLog, now = Date.now()): string | undefined {
  if (pointInTime.kind === 'lsn') return `${CANNOT}, so it cannot serve branch ${branch} as of LSN ${pointInTime.text}. Connect without neon_lsn for its present state.`;
  if (pointInTime.at > now) return `neon_timestamp ${pointInTime.text} is in the future.`;
  if (writes.open > 0) return `${CANNOT}, and branch ${branch} has a session open that may be writing to it, so its state at ${pointInTime.text} cannot be proven to be its present one. Connect without neon_timestamp, or when its sessions have closed.`;
  if (writes.lastAt > pointInTime.at) {
    return `${CANNOT}, and branch ${branch} has changed since ${pointInTime.text} (last write at ${new Date(writes.lastAt).toISOString()}). Connect without neon_timestamp for its present state, or ask for a time after its last write.`;
  }
  return undefined;
}
