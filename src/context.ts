import type { EventInfo } from './event.js';
import type { Inputs } from './inputs.js';
import type { NeonApi } from './neon/api.js';
import type { Waiter } from './wait.js';

/** What every command runs with. */
export interface RunContext {
  inputs: Inputs;
  event: EventInfo;
  api: NeonApi;
  waiter: Waiter;
}
