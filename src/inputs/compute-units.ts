import { InputError } from '../errors.js';
import { t } from '../text.js';

/** A compute size as Neon sets it: `autoscaling_limit_min_cu` and `autoscaling_limit_max_cu` (equal for a fixed size). */
export interface ComputeUnits {
  min: number;
  max: number;
}

const INPUT = 'compute_units';

/** The sizes Neon offers (its "Compute size and autoscaling configuration" table): 1/4, 1/2, 1 to 16, then even sizes to 56. */
export const COMPUTE_SIZES: readonly number[] = [0.25, 0.5, ...Array.from({ length: 16 }, (_, i) => i + 1), ...Array.from({ length: 20 }, (_, i) => 18 + 2 * i)];
/** Autoscaling goes from 0.25 to 16 CU, and its maximum may exceed its minimum by at most 8 CU. */
export const AUTOSCALING_MAX_CU = 16;
export const AUTOSCALING_MAX_SPREAD_CU = 8;

const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

function size(text: string, what: string, whole: string): number {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) throw new InputError(INPUT, t`"${whole}": ${what} "${trimmed}" is not a number of compute units; use a size such as 1, or a range such as 0.25-2`);
  const value = Number(trimmed);
  if (!COMPUTE_SIZES.includes(value)) {
    throw new InputError(INPUT, t`"${whole}": ${what} ${trimmed} CU is not a size Neon offers; use 0.25, 0.5, a whole number from 1 to 16, or an even number from 18 to 56`);
  }
  return value;
}

/**
 * `compute_units` as neonctl's `--cu` takes it: a fixed size (`1`) or an autoscaling range
 * (`0.25-2`), checked against what Neon allows: sizes from its table, a range within 0.25 to 16 CU
 * whose maximum is above its minimum by at most 8 CU. Undefined when empty (the project's default).
 * What a plan allows (the Free plan stops at 2 CU) is Neon's to say when the branch is created.
 */
export function parseComputeUnits(text: string): ComputeUnits | undefined {
  const whole = text.trim();
  if (whole === '') return undefined;
  const parts = whole.split('-');
  if (parts.length === 1) {
    const fixed = size(whole, 'the size', whole);
    return { min: fixed, max: fixed };
  }
  if (parts.length !== 2) throw new InputError(INPUT, t`"${whole}" is neither a size such as 1 nor a range such as 0.25-2`);
  const min = size(parts[0] ?? '', 'the minimum', whole);
  const max = size(parts[1] ?? '', 'the maximum', whole);
  if (min > max) throw new InputError(INPUT, t`"${whole}": the minimum is above the maximum; write the range as min-max, such as 0.25-2`);
  if (min === max) return { min, max };
  if (max > AUTOSCALING_MAX_CU) throw new InputError(INPUT, t`"${whole}": autoscaling goes up to ${AUTOSCALING_MAX_CU} CU; use a fixed size for more (up to 56)`);
  if (max - min > AUTOSCALING_MAX_SPREAD_CU) {
    throw new InputError(INPUT, t`"${whole}": Neon lets the maximum exceed the minimum by at most ${AUTOSCALING_MAX_SPREAD_CU} CU; raise the minimum to ${max - AUTOSCALING_MAX_SPREAD_CU} or lower the maximum`);
  }
  return { min, max };
}

/** `1 CU` or `0.25–2 CU (autoscaling)`. */
export function computeUnitsText(units: ComputeUnits): string {
  return units.min === units.max ? `${units.min} CU` : `${units.min}–${units.max} CU (autoscaling)`;
}

export function sameComputeUnits(a: ComputeUnits, b: ComputeUnits): boolean {
  return a.min === b.min && a.max === b.max;
}
