import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { GitHubStub } from '../emulator/github-stub.js';
import type { Emulator } from '../emulator/index.js';
import { prEvent, runAction } from '../emulator/runner.js';
import { isOperationPoll } from '../emulator/server.js';
import { coveredMs } from './stats.js';

const PROBE = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'max-rss.mjs')).href;

/** What one run of the action cost and how long it took, as the emulator saw it. */
export interface Sample {
  /** Neon API requests, operation polls apart. */
  calls: number;
  polls: number;
  rateLimited: number;
  wallMs: number;
  /** How long the run had a Neon request in flight or one of its operations unfinished. */
  neonWaitMs: number;
  /** From the last operation finishing (the compute active) to the step's process exiting; absent when the run started no operation. */
  finishToEndMs?: number;
  peakRssMb: number;
}

/** Runs the built action once, as the runner does, and measures it against the emulator's records. */
export async function measureRun(neon: Emulator, github: GitHubStub, action: string, pr: number, inputs: Record<string, string> = {}): Promise<Sample> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
  const rssFile = path.join(dir, 'rss');
  const fromRequest = neon.api.requests.length;
  const fromOperation = neon.model.operations.length;
  try {
    const result = await runAction({
      inputs: { ...neon.actionInputs(), ...inputs },
      payload: prEvent(action, pr),
      githubUrl: github.url,
      nodeArgs: ['--import', PROBE],
      env: { BENCH_RSS_FILE: rssFile },
    });
    if (result.code !== 0) throw new Error(`run for PR ${pr} (${action}) failed: ${result.errors.join(' ') || result.stderr.slice(-300)}`);
    const requests = neon.api.requests.slice(fromRequest);
    const operations = neon.model.operations.slice(fromOperation);
    const lastFinish = Math.max(...operations.map((o) => o.finishedAt ?? NaN));
    return {
      calls: requests.filter((r) => !isOperationPoll(r) && r.status !== 429).length,
      polls: requests.filter((r) => isOperationPoll(r) && r.status !== 429).length,
      rateLimited: requests.filter((r) => r.status === 429).length,
      wallMs: result.endedAt - result.startedAt,
      neonWaitMs: coveredMs([...requests.map((r): [number, number] => [r.receivedAt, r.at]), ...operations.map((o): [number, number] => [o.createdAt, o.finishedAt ?? result.endedAt])]),
      finishToEndMs: operations.length ? result.endedAt - lastFinish : undefined,
      peakRssMb: Number(await readFile(rssFile, 'utf8')) / 1024,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
