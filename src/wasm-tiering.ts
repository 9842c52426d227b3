import { setFlagsFromString } from 'node:v8';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly, and V8 recompiles the hot parser with
 * its optimising tier in the background: a ~25 MB transient, for the few dozen small responses a
 * run reads. The baseline tier is plenty. Called once the modules are loaded: changing a V8 flag
 * earlier would make Node recompile its own modules without their code cache.
 */
export function keepWasmOnBaselineTier(): void {
  setFlagsFromString('--liftoff-only');
}
