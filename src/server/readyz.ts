import type restify from 'restify';
import type { Logger } from '../app/ports';
import type { ReadinessCheck } from '../store/sql/readiness';

export interface ReadyzOptions {
  /** The checks, run on every request (a probe calls every few seconds; each is one small query). */
  readonly check: () => Promise<readonly ReadinessCheck[]>;
  /** True once the process is shutting down: it takes no new work, so it is not ready. */
  readonly stopping: () => boolean;
  readonly logger: Logger;
}

/**
 * GET /readyz: 200 with each check when this instance can take work, 503 naming the checks that failed when it
 * cannot (a load balancer then sends requests elsewhere). A change either way is logged once, not every probe.
 * Probes that arrive while the checks run share that run: anyone may call /readyz, and a flood of them must not
 * take the database's connections from the desk's own work.
 */
export function registerReadyz(server: restify.Server, options: ReadyzOptions): void {
  const logger = options.logger.child({ component: 'readyz' });
  let wasReady: boolean | undefined;
  let running: Promise<readonly ReadinessCheck[]> | undefined;
  const check = () =>
    (running ??= options.check().finally(() => {
      running = undefined;
    }));
  const readyz = async (_req: restify.Request, res: restify.Response) => {
    res.header('Cache-Control', 'no-store');
    if (options.stopping()) {
      res.send(503, { status: 'shutting down', failing: ['shutdown'], checks: {} });
      return;
    }
    const checks = await check();
    const failing = checks.filter((check) => !check.ok);
    const ready = failing.length === 0;
    if (ready !== wasReady) {
      const fields = { failing: failing.map((check) => `${check.name}: ${check.detail}`) };
      if (ready) logger.info(fields, 'ready');
      else logger.warn(fields, 'not ready');
      wasReady = ready;
    }
    res.send(ready ? 200 : 503, {
      status: ready ? 'ready' : 'not ready',
      failing: failing.map((check) => check.name),
      checks: Object.fromEntries(checks.map(({ name, ok, detail }) => [name, { ok, detail }])),
    });
  };
  server.get('/readyz', readyz);
  // HEAD too, as HTTP asks of every GET: some load balancers and monitors probe with it.
  server.head('/readyz', readyz);
}
