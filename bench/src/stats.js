// The statistics every figure shares: medians, a distribution-free 95% interval for a median, and
// the interval of a ratio of two paired costs, from which a target is marked met, missed or
// inconclusive.
//
// Why these: a sample here is a round (HTTP), an interleaved sample (in-process) or a fresh process
// (start-up). On a shared machine their noise is skewed and has outliers (another job wakes up
// for a second), so a mean and a t-interval would be pulled by one bad round. The median with its
// order-statistic interval assumes only that the samples are independent: the interval
// [x(k), x(n−k+1)] of the sorted samples covers the true median with probability
// 1 − 2·P(Binomial(n, ½) ≤ k − 1), whatever the distribution (the sign-test interval). It needs at
// least 6 samples to reach 95%.

export const LEVEL = 0.95;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
function binomialHalfCdf(n, k) {
  let term = 0.5 ** n; // P(X = 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * The rank k of the order-statistic interval [x(k), x(n−k+1)] for the median at `level` (the
 * largest k whose coverage is still at least `level`), with its exact coverage; null when n is too
 * small for any k (n < 6 at 95%).
 */
export function medianRank(n, level = LEVEL) {
  let best = null;
  for (let k = 1; k <= n >> 1; k++) {
    const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
    if (coverage < level) break;
    best = { k, coverage };
  }
  return best;
}

/** The sign-test interval of the median of `values`: { lo, hi, coverage } or null (too few). */
export function medianInterval(values, level = LEVEL) {
  const rank = medianRank(values.length, level);
  if (rank === null) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { lo: sorted[rank.k - 1], hi: sorted[values.length - rank.k], coverage: rank.coverage };
}

/** { median, min, max, lo, hi, n, values } of a list of samples (lo/hi: the 95% interval). */
export function summarize(values) {
  const interval = medianInterval(values);
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    lo: interval?.lo ?? null,
    hi: interval?.hi ?? null,
    n: values.length,
    values,
  };
}

/** The summary of paired differences a[i] − b[i] (a sample of a contender minus its baseline's). */
export function pairedDifference(a, b) {
  return summarize(a.map((value, i) => value - b[i]));
}

/**
 * The 95% interval of the ratio θ = a/b of two paired costs (a[i], b[i] from the same round or
 * sample, each already minus its baseline). θ is in the interval when the sign test does not reject
 * "the median of a[i] − θ·b[i] is 0" (Fieller's idea, with the sign test for the t-test): that is,
 * when at least k of the n values a[i] − θ·b[i] are ≤ 0 and at least k are ≥ 0. When every b[i] is
 * positive this is just the order-statistic interval of the per-round ratios a[i]/b[i].
 *
 * Returns { lo, hi } (either may be ±Infinity: b too close to 0 for a bound) or null when there are
 * too few pairs. The set of accepted θ can have holes when some b[i] ≤ 0; its hull is returned,
 * which only widens the interval.
 */
export function ratioInterval(a, b, level = LEVEL) {
  const n = Math.min(a.length, b.length);
  const rank = medianRank(n, level);
  if (rank === null) return null;
  const accepts = (theta) => {
    let atMost = 0;
    let atLeast = 0;
    for (let i = 0; i < n; i++) {
      const e = a[i] - theta * b[i];
      if (e <= 0) atMost++;
      if (e >= 0) atLeast++;
    }
    return atMost >= rank.k && atLeast >= rank.k;
  };
  // The count of signs only changes where some a[i] − θ·b[i] crosses 0: at θ = a[i]/b[i].
  const critical = [];
  for (let i = 0; i < n; i++) if (b[i] !== 0) critical.push(a[i] / b[i]);
  critical.sort((x, y) => x - y);
  const probes = [];
  if (critical.length === 0) probes.push(0);
  for (let i = 0; i < critical.length; i++) {
    probes.push(critical[i]);
    if (i + 1 < critical.length) probes.push((critical[i] + critical[i + 1]) / 2);
  }
  const accepted = probes.filter(accepts);
  const spread = Math.max(1, Math.abs(critical[0] ?? 0), Math.abs(critical.at(-1) ?? 0));
  const low = accepts((critical[0] ?? 0) - spread * 10);
  const high = accepts((critical.at(-1) ?? 0) + spread * 10);
  if (accepted.length === 0 && !low && !high) return { lo: NaN, hi: NaN };
  return {
    lo: low ? -Infinity : Math.min(...accepted),
    hi: high ? Infinity : Math.max(...accepted),
  };
}

/**
 * '✓' when the whole interval is within the target (`at most`), '✗' when it is entirely beyond it,
 * '?' otherwise (or without an interval).
 */
export function verdict(interval, target) {
  if (!interval || Number.isNaN(interval.lo)) return '?';
  if (interval.hi <= target) return '✓';
  if (interval.lo > target) return '✗';
  return '?';
}

/** '✓'/'✗'/'?' for "below `target`" of a summary with an interval (start-up times). */
export function belowVerdict(summary, target) {
  if (summary?.lo === null || summary?.lo === undefined) return '?';
  if (summary.hi < target) return '✓';
  if (summary.lo >= target) return '✗';
  return '?';
}
