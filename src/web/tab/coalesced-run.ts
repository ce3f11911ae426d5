/**
 * Runs a task so that calls never overlap: a call while it runs asks for one more pass after it (however many
 * calls came in meanwhile), and every caller's promise settles when the last pass has finished.
 */
export class CoalescedRun {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly task: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.task();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
