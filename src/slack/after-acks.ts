/**
 * Work that follows an ack, started one piece per turn of the event loop: between two pieces the loop polls
 * for I/O, so requests that have arrived meanwhile are read and acked first. Under a burst, acks (Slack's
 * 3-second deadline) do not queue behind other commands' answers; the answers follow as soon as the burst
 * leaves the loop a turn. Only the synchronous start of each piece is paced; what it awaits runs as it comes.
 *
 * `committed()` is where a piece waits before it tells anyone anything: one commit (`commit`, the write
 * batch) for everything the pieces queued ahead of it wrote, not one per command. The pieces waiting on a
 * commit go on one per turn afterwards too, so a burst's answers do not leave in one block either.
 */
export class AfterAcks {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;
  /** The pieces waiting on the commit already queued; null when none is. */
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> | null = null;

  constructor(
    private readonly onError: (error: unknown) => void,
    /** The write batch's flush: a promise (the async store) is awaited before the waiting pieces go on. */
    private readonly commit: () => void | PromiseLike<void> = () => undefined,
  ) {}

  run(work: () => Promise<void>): void {
    this.queue.push(() => {
      work().catch(this.onError);
    });
    this.schedule();
  }

  /** Resolves once what every piece started before it wrote is committed; a failed commit rejects. */
  committed(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.waiting) return this.waiting.push({ resolve, reject });
      const waiting = [{ resolve, reject }];
      this.waiting = waiting;
      this.queue.push(() => {
        this.waiting = null;
        const fail = (error: unknown) => {
          for (const piece of waiting) piece.reject(error);
        };
        // Each waiting piece goes on in a turn of its own, ahead of what was queued since.
        const goOn = () => {
          this.queue.unshift(...waiting.map((piece) => piece.resolve));
          this.schedule();
        };
        let done: void | PromiseLike<void>;
        try {
          done = this.commit();
        } catch (error) {
          return fail(error);
        }
        // While the commit is under way the other pieces go on; a commit asked for meanwhile queues behind it.
        if (done) done.then(goOn, fail);
        else goOn();
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // An immediate queued from an immediate waits for the next turn, after the poll phase.
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.queue.shift()?.();
      } finally {
        this.schedule();
      }
    });
  }
}
