import { ApiError, type Json } from './records.js';

// Compute size as Neon's "Manage computes" page states it
// (https://neon.com/docs/manage/computes#compute-size-and-autoscaling-configuration):
// sizes are 0.25, 0.5, every whole CU up to 16, then every even CU up to 56; a fixed size
// (min = max) may be any of them; an autoscaling range (min < max) stays within 0.25 to 16 CU
// and spans at most 8 CU. Plan limits (the Free plan's 2 CU) are not emulated.

export interface ComputeSize {
  min: number;
  max: number;
}

export const DEFAULT_COMPUTE_SIZE: ComputeSize = { min: 0.25, max: 2 };

const SIZES = [0.25, 0.5, ...Array.from({ length: 16 }, (_, i) => i + 1), ...Array.from({ length: 20 }, (_, i) => 18 + 2 * i)];
const AUTOSCALING_MAX = 16;
const AUTOSCALING_SPREAD = 8;

const listed = (n: number) => SIZES.includes(n);

/**
 * Reads `autoscaling_limit_min_cu` and `autoscaling_limit_max_cu` from a request body object
 * (an endpoint spec, or a project's `default_endpoint_settings`). A limit left out keeps its
 * value from `current`. Throws a 400 naming the field and the rule it breaks.
 */
export function computeSize(spec: Json, current: ComputeSize = DEFAULT_COMPUTE_SIZE): ComputeSize {
  const read = (field: 'autoscaling_limit_min_cu' | 'autoscaling_limit_max_cu', fallback: number): number => {
    const value = spec[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ApiError(400, `${field} must be a number of compute units`);
    if (!listed(value)) throw new ApiError(400, `${field} ${value} is not a compute size: use 0.25, 0.5, a whole number from 1 to 16, or an even number from 18 to 56`);
    return value;
  };
  const size = { min: read('autoscaling_limit_min_cu', current.min), max: read('autoscaling_limit_max_cu', current.max) };
  if (size.min > size.max) throw new ApiError(400, `autoscaling_limit_min_cu (${size.min}) must not be greater than autoscaling_limit_max_cu (${size.max})`);
  if (size.min < size.max) {
    if (size.max > AUTOSCALING_MAX) throw new ApiError(400, `autoscaling goes up to ${AUTOSCALING_MAX} CU: autoscaling_limit_max_cu ${size.max} is only possible as a fixed size (min = max)`);
    if (size.max - size.min > AUTOSCALING_SPREAD) throw new ApiError(400, `an autoscaling range spans at most ${AUTOSCALING_SPREAD} CU: ${size.min} to ${size.max} spans ${size.max - size.min}`);
  }
  return size;
}
