/**
 * Growth-rate measurement without absolute timings: the time of an operation on an input of size n
 * and of size 2n, sampled alternately, compared as a ratio of medians. Linear work gives about 2,
 * quadratic about 4, and constant (a length cap) about 1, whatever the machine's speed or load.
 */
import { performance } from 'node:perf_hooks';

function timeOf(fn: () => unknown, reps: number): number {
  const start = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * `median(time(large)) / median(time(small))`, where each sample repeats the call enough times to
 * last a few milliseconds (timer resolution and call overhead would dominate otherwise).
 */
export function growthRatio(
  small: () => unknown,
  large: () => unknown,
  { samples = 21, sampleMs = 3 }: { samples?: number; sampleMs?: number } = {},
): number {
  // Warm up (JIT), then calibrate the repetitions on the small input.
  timeOf(small, 10);
  timeOf(large, 10);
  let reps = 1;
  while (timeOf(small, reps) < sampleMs && reps < 1 << 24) reps *= 2;
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let i = 0; i < samples; i++) {
    smallTimes.push(timeOf(small, reps));
    largeTimes.push(timeOf(large, reps));
  }
  return median(largeTimes) / Math.max(median(smallTimes), 1e-6);
}
