import * as core from '@actions/core';
import { ActionError } from './errors.js';
import { eventInfoFrom } from './github/event.js';
import { readEvent } from './github/event-payload.js';
import { parseInputs } from './inputs/inputs.js';
import { runCommand } from './run.js';

/** The entrypoint: mask the key, read the inputs, run the command, turn failures into one line. */
async function main(): Promise<void> {
  // Masked before anything else is written, so no later line can show it.
  for (const secret of [core.getInput('api_key'), core.getInput('github_token')]) if (secret) core.setSecret(secret);
  try {
    const { eventName, payload } = readEvent(process.env);
    const event = eventInfoFrom(eventName, payload, process.env);
    const inputs = parseInputs((name) => core.getInput(name), event, new Date());
    await runCommand(inputs, event);
  } catch (error) {
    if (error instanceof ActionError) {
      core.setFailed(error.message);
    } else {
      core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
      core.setFailed(`Unexpected failure: ${error instanceof Error ? error.message : String(error)}. Re-run with step debug logging on for details, and report it if it persists.`);
    }
  }
}

void main();
