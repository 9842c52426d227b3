/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
import v8 = require('node:v8');
import type * as Undici from 'undici/index.js';

/**
 * undici as the bundle sees it: tsconfig.json's `paths` sends every `import … from 'undici'` in the
 * bundle here (ours in src/neon/http.ts, and those of @actions/core's HTTP client and Octokit). The
 * real module is evaluated on first use, not at start-up: loading it costs more than everything
 * else before the first output, and a run that fails on its inputs never needs it. (This folder's
 * package.json makes this file CommonJS, so importers read its exports when they use them.)
 */
let undici: typeof Undici | undefined;

function load(): typeof Undici {
  if (!undici) {
    // Evaluated on the first call, not when the bundle starts.
    undici = require('undici/index.js') as typeof Undici;
    keepWasmOnBaselineTier();
  }
  return undici;
}

/**
 * undici parses HTTP with llhttp compiled to WebAssembly, and V8 recompiles the hot parser with its
 * optimising tier: a 15 to 25 MB transient for the few dozen small responses a run reads, where the
 * baseline tier is plenty. A tiering budget no run reaches keeps it on the baseline tier (Node 24
 * ignores `--liftoff-only` set at run time). Set once undici is loaded: a V8 flag changed earlier
 * would make Node compile the built-in modules loaded after it without their code cache.
 */
function keepWasmOnBaselineTier(): void {
  v8.setFlagsFromString('--wasm-tiering-budget=1000000000');
}

export = new Proxy({} as typeof Undici, {
  // The bundle's module interop asks for `__esModule` at start-up; undici has none, and saying so needs no load.
  get: (_, name) => (name === '__esModule' ? undefined : load()[name as keyof typeof Undici]),
  has: (_, name) => name in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, name) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), name);
    return descriptor && { ...descriptor, configurable: true };
  },
});
