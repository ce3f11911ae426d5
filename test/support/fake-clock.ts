import type { Clock } from '../../src/app/ports';

/** A clock tests move by hand, so timer rules are checked without sleeping. */
export class FakeClock implements Clock {
  constructor(public time: number) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
