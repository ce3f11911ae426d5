/**
 * The jest environment of every spec: Node's, and at the end of each test file the AsyncLocalStorage instances the
 * file ran are disabled.
 *
 * Node 20 keeps an AsyncLocalStorage that ran until it is disabled, and every enabled one costs every promise the
 * process makes afterwards (10 enabled made a promise loop 11× slower, 100 made it 140×). jest-circus makes one
 * for each test file it runs (its test execution context) and never disables it, so a worker that had run a hundred
 * files ran the next one several times slower than alone. The desk's own (a database's unit of work) is disabled
 * when the database closes; this catches jest's, and any a test left behind.
 *
 * Plain JavaScript: jest loads it before any transform.
 */
const { AsyncLocalStorage } = require('node:async_hooks');
const { TestEnvironment } = require('jest-environment-node');

const TRACKED = Symbol.for('relaydesk.asyncLocalStorages');

/** The instances that ran in this worker and were not disabled since; the prototype is wrapped once per worker. */
function runningStorages() {
  if (!AsyncLocalStorage[TRACKED]) {
    const running = new Set();
    const { run, enterWith, exit, disable } = AsyncLocalStorage.prototype;
    AsyncLocalStorage.prototype.run = function (...args) {
      running.add(this);
      return run.apply(this, args);
    };
    AsyncLocalStorage.prototype.enterWith = function (...args) {
      running.add(this);
      return enterWith.apply(this, args);
    };
    // `exit` disables the instance for its callback and enables it again afterwards, past the wrapped methods.
    AsyncLocalStorage.prototype.exit = function (...args) {
      try {
        return exit.apply(this, args);
      } finally {
        running.add(this);
      }
    };
    AsyncLocalStorage.prototype.disable = function (...args) {
      running.delete(this);
      return disable.apply(this, args);
    };
    AsyncLocalStorage[TRACKED] = running;
  }
  return AsyncLocalStorage[TRACKED];
}

class RelaydeskEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    runningStorages();
  }

  async teardown() {
    // The file has finished (a worker runs one file at a time): nothing of it needs its async context any more.
    for (const storage of [...runningStorages()]) storage.disable();
    await super.teardown();
  }
}

module.exports = RelaydeskEnvironment;
