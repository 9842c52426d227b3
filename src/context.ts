import type { EventInfo } from './github/event.js';
import type { GitHub } from './github/github.js';
import type { Inputs } from './inputs/inputs.js';
import type { NeonApi } from './neon/api.js';
import type { Deadline } from './neon/deadline.js';
import type { PreviewTarget } from './neon/preview-branch.js';
import type { Waiter } from './neon/wait.js';

/** What every command runs with. */
export interface RunContext {
  inputs: Inputs;
  event: EventInfo;
  /** The PR's branch this run looks for (repository, PR number, name). */
  target: PreviewTarget;
  api: NeonApi;
  waiter: Waiter;
  deadline: Deadline;
  /** Undefined when github_token is empty. */
  github?: GitHub;
}
