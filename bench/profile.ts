import http from 'node:http';
import { parseArgs } from 'node:util';
import { GitHubStub } from '../emulator/github-stub.js';
import { Emulator } from '../emulator/index.js';
import { prEvent, runAction } from '../emulator/runner.js';
import { isOperationPoll } from '../emulator/server.js';
import { COMMENTS_BY_OTHERS, OPERATION_MS, operationMsForRun } from './conditions.js';
import { median } from './stats.js';

/**
 * `npm run bench:profile`: where the time goes between the run's last operation finishing and the
 * step's process exiting. Runs the built action for `--event` (opened: create; closed: delete) in
 * the benchmark's conditions and prints, for each run, what happened after the operation finished
 * (the poll that saw it, the other Neon requests, every GitHub request, the exit), in ms from that
 * moment, then the medians of each part.
 */
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '10' }, event: { type: 'string', default: 'opened' }, verbose: { type: 'boolean', default: false } } });
const RUNS = Number(args.runs);

interface Timed {
  what: string;
  start: number;
  end: number;
}

/** A pass-through in front of the GitHub stub that records when each request came and was answered. */
async function timedProxy(target: string): Promise<{ url: string; requests: Timed[]; close: () => Promise<void> }> {
  const requests: Timed[] = [];
  const server = http.createServer((req, res) => {
    const start = Date.now();
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => requests.push({ what: `GitHub ${req.method} ${new URL(req.url ?? '/', target).pathname}`, start, end: Date.now() }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  const [neon, github] = await Promise.all([Emulator.start({ operationDelays: OPERATION_MS }), GitHubStub.start()]);
  const proxy = await timedProxy(github.url);
  const parts: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (parts[name] ??= []).push(ms);
  try {
    for (let i = 0; i < RUNS; i++) {
      const pr = 300 + i;
      github.addNoise(pr, COMMENTS_BY_OTHERS);
      Object.assign(neon.model.delays, operationMsForRun(i, RUNS));
      if (args.event === 'closed') await runAction({ inputs: neon.actionInputs(), payload: prEvent('opened', pr), githubUrl: proxy.url });
      const fromRequest = neon.api.requests.length;
      const fromOperation = neon.model.operations.length;
      const fromGitHub = proxy.requests.length;
      const lines: { at: number; line: string }[] = [];
      const result = await runAction({ inputs: neon.actionInputs(), payload: prEvent(args.event ?? 'opened', pr), githubUrl: proxy.url, onLine: (line) => lines.push({ at: Date.now(), line }) });
      if (result.code !== 0) throw new Error(`run failed: ${result.errors.join(' ')}`);
      const operations = neon.model.operations.slice(fromOperation);
      const finished = Math.max(...operations.map((o) => o.finishedAt ?? NaN));
      const requests = neon.api.requests.slice(fromRequest);
      const polls = requests.filter(isOperationPoll);
      const seen = polls.find((r) => r.receivedAt >= finished);
      const events: Timed[] = [
        ...requests.filter((r) => r.at >= finished).map((r) => ({ what: `Neon ${r.method} ${r.route}`, start: r.receivedAt, end: r.at })),
        ...proxy.requests.slice(fromGitHub).filter((r) => r.end >= finished),
      ].sort((a, b) => a.start - b.start);
      const exit = result.endedAt - finished;
      const pollSeen = seen ? seen.at - finished : NaN;
      add('finish → poll that saw it answered', pollSeen);
      add('that poll → exit', exit - pollSeen);
      const lastRequestEnd = Math.max(...events.map((e) => e.end)) - finished;
      add('last request answered → exit', exit - lastRequestEnd);
      add('finish → exit', exit);
      add(`polls (${operations.length} operations)`, polls.length);
      console.log(`\nRun ${i + 1}: ${operations.map((o) => `${o.action} ${(o.finishedAt ?? 0) - (o.startedAt ?? 0)} ms`).join(', ')}; ${polls.length} polls; exit at +${exit} ms`);
      if (args.verbose) {
        for (const o of operations) {
          const mine = polls.filter((r) => r.path.endsWith(o.id)).map((r) => r.receivedAt - (o.startedAt ?? 0));
          console.log(`  ${o.action}: ran ${(o.finishedAt ?? 0) - (o.startedAt ?? 0)} ms; polled at ${mine.join(', ')} ms after it started running`);
        }
      }
      for (const e of events) console.log(`  +${String(e.start - finished).padStart(5)} … +${String(e.end - finished).padStart(5)}  ${e.what}`);
      if (args.verbose) for (const l of lines.filter((l) => l.at >= finished - 5)) console.log(`  +${String(l.at - finished).padStart(5)}  | ${l.line.slice(0, 140)}`);
    }
    console.log(`\nMedians over ${RUNS} runs (ms from the last operation finishing):`);
    for (const [name, values] of Object.entries(parts)) console.log(`  ${name}: ${Math.round(median(values))} (${values.map((v) => Math.round(v)).join(', ')})`);
  } finally {
    await Promise.all([neon.stop(), github.stop(), proxy.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(`Profile failed: ${(error as Error).message}`);
  process.exit(1);
});
