export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles each attempt up to maxMs and the delay is
 * drawn from [ceiling/2, ceiling]. The lower half keeps the delays growing; the random half spreads the
 * retries of many jobs that failed together (an SMTP outage) so they do not hit the server in lockstep.
 */
export function jitteredBackoff(attemptsMade: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const attempt = Math.max(1, Math.floor(attemptsMade));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
