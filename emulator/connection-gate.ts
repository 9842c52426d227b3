import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Model } from './model.js';
import { ADMIN_USER } from './postgres.js';
import type { BranchRec } from './records.js';

// Neon refuses connections to an anonymized branch's computes until its data is masked
// (`connect-to-endpoints` in the branch's `restricted_actions`). The emulator does it in the
// branch's own pg_hba.conf: lines in front that let its admin in and reject everyone else.

const BEGIN = '# neon-emulator: closed to clients until the branch is anonymized (begin)';
const END = '# neon-emulator: closed to clients until the branch is anonymized (end)';
const GATE = [BEGIN, `host all ${ADMIN_USER} 127.0.0.1/32 scram-sha-256`, 'host all all all reject', END, ''].join('\n');

const hbaFile = (dataDir: string) => path.join(dataDir, 'pg_hba.conf');

function withoutGate(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  return start === -1 || end === -1 ? text : text.slice(0, start) + text.slice(end + END.length + 1);
}

/**
 * Writes the gate into a data directory at once (synchronously, so a compute about to start
 * reads it). Postgres re-reads the file on start or reload (`reloadGate`).
 */
export function closeDataDir(dataDir: string | undefined): void {
  if (!dataDir || !existsSync(hbaFile(dataDir))) return;
  writeFileSync(hbaFile(dataDir), GATE + withoutGate(readFileSync(hbaFile(dataDir), 'utf8')));
}

/** Removes the gate from a data directory; also for a copy of a closed branch, which is a branch of its own. */
export function openDataDir(dataDir: string | undefined): void {
  if (!dataDir || !existsSync(hbaFile(dataDir))) return;
  const text = readFileSync(hbaFile(dataDir), 'utf8');
  const open = withoutGate(text);
  if (open !== text) writeFileSync(hbaFile(dataDir), open);
}

/**
 * Makes the branch's running computes read their pg_hba.conf again; when closing, also ends the
 * sessions clients already have, as Neon drops them.
 */
export async function reloadGate(model: Model, branch: BranchRec, closing: boolean): Promise<void> {
  for (const endpoint of model.endpointsOf(branch.id)) {
    if (!endpoint.postgres?.running) continue;
    const admin = await endpoint.postgres.admin('postgres');
    try {
      await admin.query('SELECT pg_reload_conf()');
      if (closing) {
        // The postmaster reloads on SIGHUP, a moment after the call returns.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename IS DISTINCT FROM current_user");
      }
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}
