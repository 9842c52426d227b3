import { parseArgs } from 'node:util';
import { CERT_FILE, Emulator } from './index.js';

/** `npm run emulator -- --port N`: a local Neon API until Ctrl-C. */
const { values } = parseArgs({ options: { port: { type: 'string', default: '4444' }, 'no-rate-limit': { type: 'boolean', default: false } } });
const emulator = await Emulator.start({ port: Number(values.port), rateLimits: values['no-rate-limit'] ? false : undefined });
console.log(`NEON_API_HOST=${emulator.url}`);
console.log(`NEON_API_KEY=${emulator.apiKey}`);
console.log(`NEON_PROJECT_ID=${emulator.projectId}`);
console.log(`NODE_EXTRA_CA_CERTS=${CERT_FILE}`);
console.error('Neon emulator running (default branch "main", database neondb, role neondb_owner). Ctrl-C stops it and every Postgres it started.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
