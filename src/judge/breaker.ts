/**
 * A circuit breaker (issue 3, "faults"): after `threshold` consecutive failed calls it opens and
 * the judge makes no further calls; any success closes the count again. There is no half-open
 * probe: one plumbline run is short, and the static report does not depend on the judge.
 */
export class CircuitBreaker {
  private failures = 0;

  constructor(readonly threshold = 3) {}

  /** True once `threshold` consecutive failures were recorded. */
  get open(): boolean {
    return this.failures >= this.threshold;
  }

  /** Consecutive failures so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  success(): void {
    this.failures = 0;
  }

  failure(): void {
    this.failures++;
  }
}
