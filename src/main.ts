import * as core from '@actions/core';
import { failStep } from './failure.js';
import { eventInfoFrom } from './github/event.js';
import { readEvent } from './github/event-payload.js';
import { parseInputs } from './inputs/inputs.js';
import { checkProxyEnvironment } from './inputs/proxy.js';
import * as log from './log.js';
import { runCommand } from './run.js';

/** The entrypoint: mask the key, read the inputs, run the command, turn any failure into one line. */
async function main(): Promise<void> {
  // Masked before anything else is written, so no later line can show it.
  for (const secret of [core.getInput('api_key'), core.getInput('github_token'), core.getInput('github-token')]) log.mask(secret);
  try {
    const { eventName, payload } = readEvent(process.env);
    const event = eventInfoFrom(eventName, payload, process.env);
    const inputs = parseInputs((name) => core.getInput(name), event, new Date());
    checkProxyEnvironment(process.env);
    await runCommand(inputs, event);
  } catch (error) {
    failStep(error);
  }
}

void main();
