/** A list of named pass/fail results, printed as one line each and a closing summary line. */
export class Checks {
  private readonly results: { name: string; passed: boolean; detail?: string }[] = [];

  check(name: string, passed: boolean, detail?: string): void {
    this.results.push({ name, passed, detail });
    console.log(`${passed ? '  ✓' : '  ✗'} ${name}${!passed && detail ? `\n      ${detail}` : ''}`);
  }

  /** Records a thrown error (a timeout, a crash) as a failed check. */
  fail(name: string, error: unknown): void {
    this.check(name, false, error instanceof Error ? error.message : String(error));
  }

  get failed(): number {
    return this.results.filter((result) => !result.passed).length;
  }

  /** e.g. "e2e: 12 passed, 0 failed" */
  summary(label = 'e2e'): string {
    return `${label}: ${this.results.length - this.failed} passed, ${this.failed} failed`;
  }
}

export const sameSet = <T>(a: Iterable<T>, b: Iterable<T>): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
};
