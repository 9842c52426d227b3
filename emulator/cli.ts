import { parseArgs } from 'node:util';
import { CERT_FILE, Emulator } from './index.js';
import { oneLine, stopOnSignals } from './signals.js';

/** `npm run emulator -- [--port N] [--key project|personal|organization] [--no-rate-limit]`: a local Neon API until Ctrl-C. */
const USAGE = 'usage: npm run emulator -- [--port N] [--key project|personal|organization] [--no-rate-limit]';
const KEYS = {
  project: 'a project-scoped key: this project only, and it cannot delete it (what the action needs; for every route: --key personal)',
  personal: 'a personal key: every route, including API keys and the organization',
  organization: 'an organization key: every project of the organization, not the personal routes',
} as const;
type KeyKind = keyof typeof KEYS;

/** One line that says what is wrong, no stack trace, a non-zero exit. */
function fail(message: string, code = 1): never {
  console.error(`Neon emulator: ${message}`);
  process.exit(code);
}

function readOptions(): { port: number; key: KeyKind; rateLimits: boolean } {
  let values: { port: string; key: string; 'no-rate-limit': boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string', default: '4444' }, key: { type: 'string', default: 'project' }, 'no-rate-limit': { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail(`${oneLine(error)}; ${USAGE}`, 2);
  }
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 0 && port <= 65535)) fail(`--port must be a port number from 0 to 65535, not "${values.port}"`, 2);
  if (!(values.key in KEYS)) fail(`--key must be project, personal or organization, not "${values.key}"`, 2);
  return { port, key: values.key as KeyKind, rateLimits: !values['no-rate-limit'] };
}

const options = readOptions();
const emulator = new Emulator({ port: options.port, rateLimits: options.rateLimits ? undefined : false });
stopOnSignals(() => emulator.stop(), 'Neon emulator stopped: every Postgres it started has exited and its data is removed.');
try {
  await emulator.start();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`port ${options.port} is already in use; choose another with --port N`);
  if (code === 'EACCES') fail(`port ${options.port} is not open to this user; choose one above 1023 with --port N`);
  fail(`could not start: ${oneLine(error)}`);
}

const key = options.key === 'personal' ? emulator.personalKey : options.key === 'organization' ? emulator.keys.create('organization', 'emulator-organization').key : emulator.projectKey;
console.log(`NEON_API_HOST=${emulator.url}`);
console.log(`NEON_API_KEY=${key}`);
console.log(`NEON_PROJECT_ID=${emulator.projectId}`);
console.log(`NODE_EXTRA_CA_CERTS=${CERT_FILE}`);
console.error(`Neon emulator running (default branch "main", database neondb, role neondb_owner). NEON_API_KEY is ${KEYS[options.key]}. Ctrl-C stops it and every Postgres it started.`);
