/**
 * The conditions the benchmark (and the profile) run the action in, as users live: Neon's
 * operations take a second or more (a branch about 1 s, starting a compute about 1.5 s), and a pull
 * request already has dozens of comments by other people.
 */
export const OPERATION_MS = { scheduling: 100, create_branch: 1000, start_compute: 1500, suspend_compute: 1000, delete_timeline: 1000, create_timeline: 1000 };
export const COMMENTS_BY_OTHERS = 60;

/**
 * The runs get operations 0.75 to 1.25 times as long as typical, spread evenly over them: with
 * fixed durations every run would see an operation finish at the same point between two polls, and
 * the time from an operation finishing to the step's end would measure that one point. The spread
 * comes in a fixed shuffled order, as a project's operations vary: in ascending order every run's
 * operations would be longer than all the project's earlier ones, which the action reads to plan
 * its polls.
 */
export function operationMsForRun(i: number, runs: number): Record<string, number> {
  const factor = 0.75 + (0.5 * ((shuffled(runs)[i] as number) + 0.5)) / runs;
  return Object.fromEntries(Object.entries(OPERATION_MS).map(([action, ms]) => [action, action === 'scheduling' ? ms : Math.round(ms * factor)]));
}

/** 0 … n-1 in an order fixed by a seed (Fisher–Yates on the MINSTD generator). */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 20261123;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 48271) % 2147483647;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
