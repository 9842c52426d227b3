import { spawnSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GitHubStub } from '../emulator/github-stub.js';
import { Emulator } from '../emulator/index.js';
import { actionNode, DIST, prEvent, runAction } from '../emulator/runner.js';
import { COMMENTS_BY_OTHERS, OPERATION_MS, operationMsForRun } from './conditions.js';
import { measureRun, type Sample } from './measure.js';
import { median, peakInWindow, range, worst } from './stats.js';

/**
 * `npm run bench`: the built action, run as the runner runs it on the Node action.yml declares,
 * against the local emulator (Neon's rate limits on, operations as long as Neon's), printed as a
 * table and written as JSON. Figures are medians, worst cases, counts and ratios of several runs.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, out: { type: 'string', default: 'bench/results.json' }, prs: { type: 'string', default: '50' }, rounds: { type: 'string', default: '5' } },
});
const RUNS = Number(args.runs);
const TARGETS = { finishToEndMedianMs: 150, coldStartRatio: 3, peakRssMb: 80, bundleMb: 1.5, createCalls: 8, reuseCalls: 5 };

interface ScenarioRow {
  scenario: string;
  branches: number;
  runs: number;
  calls: string;
  polls: string;
  rateLimited: number;
  finishToEndMs: { median: number; worst: number } | null;
  wallMs: { median: number; worst: number };
  neonWaitMs: { median: number };
  peakRssMb: number;
}

function row(scenario: string, branches: number, samples: Sample[]): ScenarioRow {
  const finish = samples.flatMap((s) => (s.finishToEndMs === undefined ? [] : [s.finishToEndMs]));
  return {
    scenario,
    branches,
    runs: samples.length,
    calls: range(samples.map((s) => s.calls)),
    polls: range(samples.map((s) => s.polls)),
    rateLimited: samples.reduce((n, s) => n + s.rateLimited, 0),
    finishToEndMs: finish.length ? { median: median(finish), worst: worst(finish) } : null,
    wallMs: { median: median(samples.map((s) => s.wallMs)), worst: worst(samples.map((s) => s.wallMs)) },
    neonWaitMs: { median: median(samples.map((s) => s.neonWaitMs)) },
    peakRssMb: worst(samples.map((s) => s.peakRssMb)),
  };
}

/** create, reuse, get and delete, `RUNS` times each, in a project of `branches` branches. */
async function lifecycle(branches: number): Promise<ScenarioRow[]> {
  const [neon, github] = await Promise.all([Emulator.start({ operationDelays: OPERATION_MS }), GitHubStub.start()]);
  try {
    neon.model.seedBranches(branches - 1, (i) => `preview/pr-${1000 + i}-feature-${i}`);
    const samples: Record<string, Sample[]> = { create: [], reuse: [], get: [], delete: [] };
    for (let i = 0; i < RUNS; i++) {
      const pr = 100 + i;
      github.addNoise(pr, COMMENTS_BY_OTHERS);
      Object.assign(neon.model.delays, operationMsForRun(i, RUNS));
      samples.create?.push(await measureRun(neon, github, 'opened', pr));
      samples.reuse?.push(await measureRun(neon, github, 'synchronize', pr));
      samples.get?.push(await measureRun(neon, github, 'synchronize', pr, { command: 'get' }));
      samples.delete?.push(await measureRun(neon, github, 'closed', pr));
      process.stderr.write('.');
    }
    return Object.entries(samples).map(([name, s]) => row(name, branches, s));
  } finally {
    await Promise.all([neon.stop(), github.stop()]);
  }
}

interface ColdStartRound {
  bareMs: number;
  actionMs: number;
  ratio: number;
}

/**
 * `node dist/index.js` (stopping at its input check, before any network) against a bare
 * `node -e 0`, interleaved, on the Node action.yml declares. Each round is the medians of 21 pairs;
 * the target holds only if every round meets it.
 */
function coldStart(rounds: number): ColdStartRound[] {
  const node = actionNode();
  const time = (argv: string[]) => {
    const start = process.hrtime.bigint();
    spawnSync(node, argv, { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  time([DIST]); // warm the file cache
  return Array.from({ length: rounds }, () => {
    const bare: number[] = [];
    const action: number[] = [];
    for (let i = 0; i < 21; i++) {
      bare.push(time(['-e', '0']));
      action.push(time([DIST]));
    }
    return { bareMs: median(bare), actionMs: median(action), ratio: median(action) / median(bare) };
  });
}

/** N PRs opened at once against Neon's rate limits. */
async function manyPrs(count: number) {
  const [neon, github] = await Promise.all([Emulator.start({ operationDelays: OPERATION_MS }), GitHubStub.start()]);
  try {
    const from = neon.api.requests.length;
    const runs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runAction({ inputs: neon.actionInputs(), payload: prEvent('opened', 500 + i), githubUrl: github.url }),
      ),
    );
    const requests = neon.api.requests.slice(from);
    const times = requests.map((r) => r.at);
    return {
      prs: count,
      succeeded: runs.filter((r) => r.code === 0).length,
      branchesCreated: new Set(runs.map((r) => r.outputs.branch_id).filter(Boolean)).size,
      totalMs: Math.max(...runs.map((r) => r.endedAt)) - Math.min(...runs.map((r) => r.startedAt)),
      requests: requests.length,
      rateLimited: requests.filter((r) => r.status === 429).length,
      peakPerMinute: peakInWindow(times, 60_000),
      peakPerSecond: peakInWindow(times, 1000),
    };
  } finally {
    await Promise.all([neon.stop(), github.stop()]);
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '–');
const mark = (ok: boolean) => (ok ? '' : ' ✗');

async function main(): Promise<void> {
  const started = Date.now();
  process.stderr.write(`Benchmark: ${RUNS} runs per scenario, the action on ${spawnSync(actionNode(), ['--version'], { encoding: 'utf8' }).stdout.trim()}`);
  const scenarios = [...(await lifecycle(10)), ...(await lifecycle(10_000))];
  process.stderr.write('\n50 PRs at once…\n');
  const load = await manyPrs(Number(args.prs));
  const rounds = coldStart(Number(args.rounds));
  const cold = { rounds, worstRatio: worst(rounds.map((r) => r.ratio)), medianRatio: median(rounds.map((r) => r.ratio)), bareMs: median(rounds.map((r) => r.bareMs)), actionMs: median(rounds.map((r) => r.actionMs)) };
  const bundleMb = (await stat(DIST)).size / 1024 / 1024;
  const peakRssMb = worst(scenarios.map((s) => s.peakRssMb));
  const ratios = (values: number[]) => values.map((r) => r.toFixed(2)).join(', ');

  const lines = [
    '| Scenario | Branches in project | Runs | API calls | Operation polls | 429s | Op finished → step end, ms (median / worst) | Wall, ms (median / worst) | Neon at work, ms (median) | Peak RSS, MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...scenarios.map((s) => {
      const budget = s.scenario === 'create' ? TARGETS.createCalls : s.scenario === 'reuse' ? TARGETS.reuseCalls : Infinity;
      const finish = s.finishToEndMs ? `${fmt(s.finishToEndMs.median)} / ${fmt(s.finishToEndMs.worst)}${mark(s.finishToEndMs.median <= TARGETS.finishToEndMedianMs)}` : 'no operation';
      return `| ${s.scenario} | ${s.branches} | ${s.runs} | ${s.calls}${mark(Number(s.calls.split('–').pop()) <= budget)} | ${s.polls} | ${s.rateLimited} | ${finish} | ${fmt(s.wallMs.median)} / ${fmt(s.wallMs.worst)} | ${fmt(s.neonWaitMs.median)} | ${s.peakRssMb.toFixed(0)}${mark(s.peakRssMb < TARGETS.peakRssMb)} |`;
    }),
    '',
    '| Figure | Value | Target |',
    '|---|---:|---:|',
    `| Cold start: \`node dist/index.js\` / bare \`node -e 0\`, worst of ${rounds.length} rounds (median) | ${cold.worstRatio.toFixed(2)}x (${cold.medianRatio.toFixed(2)}x, ${fmt(cold.actionMs)} / ${fmt(cold.bareMs)} ms)${mark(cold.worstRatio <= TARGETS.coldStartRatio)} | ≤ ${TARGETS.coldStartRatio}x every round |`,
    `| Cold start, each round | ${ratios(rounds.map((r) => r.ratio))} | |`,
    `| Peak memory of a run (worst) | ${peakRssMb.toFixed(0)} MB${mark(peakRssMb < TARGETS.peakRssMb)} | < ${TARGETS.peakRssMb} MB |`,
    `| Bundle \`dist/index.js\` | ${bundleMb.toFixed(2)} MB${mark(bundleMb < TARGETS.bundleMb)} | < ${TARGETS.bundleMb} MB |`,
    `| ${load.prs} PRs opened at once: succeeded, branches | ${load.succeeded} / ${load.prs}, ${load.branchesCreated} branches${mark(load.succeeded === load.prs && load.branchesCreated === load.prs)} | all |`,
    `| ${load.prs} PRs: total time | ${(load.totalMs / 1000).toFixed(1)} s | |`,
    `| ${load.prs} PRs: requests, 429s received | ${load.requests}, ${load.rateLimited} | |`,
    `| ${load.prs} PRs: peak requests per minute (per second) | ${load.peakPerMinute} (${load.peakPerSecond})${mark(load.peakPerMinute <= 700)} | ≤ 700 |`,
  ];
  const runtime = spawnSync(actionNode(), ['--version'], { encoding: 'utf8' }).stdout.trim();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, the action on Node ${runtime.replace(/^v/, '')}`;
  console.log(`\nBenchmark of ${new Date().toISOString().slice(0, 10)} on ${machine} (✗ marks a missed target)\n`);
  console.log(lines.join('\n'));
  const out = path.resolve(ROOT, args.out ?? 'bench/results.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), machine, runtime, runsPerScenario: RUNS, operationMs: OPERATION_MS, commentsByOthers: COMMENTS_BY_OTHERS, targets: TARGETS, scenarios, coldStart: cold, peakRssMb, bundleMb, load }, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), out)} in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
