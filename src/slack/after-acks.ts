/**
 * Work that follows an ack, started one piece per turn of the event loop: between two pieces the loop polls
 * for I/O, so requests that have arrived meanwhile are read and acked first. Under a burst, acks (Slack's
 * 3-second deadline) do not queue behind other commands' answers; the answers follow as soon as the burst
 * leaves the loop a turn. Only the synchronous start of each piece is paced; what it awaits runs as it comes.
 */
export class AfterAcks {
  private readonly queue: Array<() => Promise<void>> = [];
  private scheduled = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  run(work: () => Promise<void>): void {
    this.queue.push(work);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // An immediate queued from an immediate waits for the next turn, after the poll phase.
    setImmediate(() => {
      this.scheduled = false;
      const work = this.queue.shift();
      this.schedule();
      work?.().catch(this.onError);
    });
  }
}
