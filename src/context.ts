import type { EventInfo } from './github/event.js';
import type { Inputs } from './inputs/inputs.js';
import type { NeonApi } from './neon/api.js';
import type { Waiter } from './neon/wait.js';

/** What every command runs with. */
export interface RunContext {
  inputs: Inputs;
  event: EventInfo;
  api: NeonApi;
  waiter: Waiter;
}
