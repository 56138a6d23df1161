/**
 * Collects one kind of answer from a set of stores: resolves when every expected store has
 * answered or gone away, or at the deadline, with what arrived.
 */
export class Mailbox {
  private waiting?: { kind: string; expected: Set<string>; answers: Map<string, unknown>; done: () => void };
  private readonly gone = new Set<string>();

  expect<T>(kind: string, stores: Iterable<string>, timeoutMs: number): Promise<Map<string, T>> {
    const expected = new Set([...stores].filter((s) => !this.gone.has(s)));
    const answers = new Map<string, unknown>();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(answers as Map<string, T>);
      };
      this.waiting = { kind, expected, answers, done: finish };
      this.check();
    });
  }

  /** An answer from a store; ignored unless it is awaited now. Returns whether it was taken. */
  deliver(storeId: string, kind: string, payload: unknown): boolean {
    const waiting = this.waiting;
    if (!waiting || waiting.kind !== kind || !waiting.expected.has(storeId) || waiting.answers.has(storeId)) return false;
    waiting.answers.set(storeId, payload);
    this.check();
    return true;
  }

  /** A store whose stream closed will not answer any more. */
  disconnect(storeId: string): void {
    this.gone.add(storeId);
    this.check();
  }

  isGone(storeId: string): boolean {
    return this.gone.has(storeId);
  }

  private check() {
    const waiting = this.waiting;
    if (!waiting) return;
    for (const storeId of waiting.expected) if (!waiting.answers.has(storeId) && !this.gone.has(storeId)) return;
    waiting.done();
  }
}
