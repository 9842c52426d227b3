import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CERT_FILE } from './tls.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = `const pg=require('pg');(async()=>{const c=new pg.Client({connectionString:process.env.URI});await c.connect();const r=await c.query(process.env.SQL);await c.end();const last=Array.isArray(r)?r[r.length-1]:r;process.stdout.write(JSON.stringify(last.rows??[]))})().catch(e=>{process.stderr.write(String(e.message));process.exit(1)})`;

/**
 * Runs SQL over a connection URI exactly as given, with node's pg in a fresh process that trusts
 * the emulator's certificate (NODE_EXTRA_CA_CERTS), as a CI job trusts Neon's.
 */
export function sql(uri: string, query: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, URI: uri, SQL: query, NODE_NO_WARNINGS: '1', NODE_EXTRA_CA_CERTS: CERT_FILE };
    const child = spawn(process.execPath, ['-e', SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>[]) : reject(new Error(err || `exit ${code}`))));
  });
}
