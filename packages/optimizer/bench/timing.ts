/**
 * Timing sessions against each other for the benchmarks: alternately, in an order that rotates every round (so no
 * variant always follows the one that leaves the most garbage), each run after a garbage collection (with node's
 * --expose-gc) and a pause that lets V8 finish freeing the previous run's buffers on its background threads.
 * Measures wall time and process CPU time, which is steadier than wall time on a loaded machine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { InferenceSession, Value } from '@onnx-ts/core';

const collectGarbage = (globalThis as { gc?: () => void }).gc;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median wall and CPU milliseconds per run of each session, over `runs` rounds. */
export async function timeAlternately(
  sessions: readonly InferenceSession[], feeds: Record<string, Value>, runs: number, settleMs = 100,
): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[][] = sessions.map(() => []);
  const cpu: number[][] = sessions.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < sessions.length; k++) {
      const i = (r + k) % sessions.length;
      collectGarbage?.();
      await sleep(settleMs);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sessions[i].run(feeds);
      wall[i].push(performance.now() - t0);
      const used = process.cpuUsage(cpu0);
      cpu[i].push((used.user + used.system) / 1000);
    }
  }
  return { wall: wall.map(median), cpu: cpu.map(median) };
}
