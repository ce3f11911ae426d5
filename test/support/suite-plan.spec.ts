interface Plan {
  readonly LONG: readonly string[];
  readonly BROWSER_ON_POSTGRES: readonly string[];
  allSpecs(): string[];
  coverageSpecs(): string[];
  otherSpecs(): string[];
  postgresSpecs(): string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plan = require('./suite-plan.js') as Plan;

describe("npm test's plan", () => {
  it('starts the long specs first, and they exist', () => {
    for (const spec of plan.LONG) expect(plan.allSpecs()).toContain(spec);
  });

  it('runs the whole-desk suites again on PostgreSQL, and nothing that chooses its store itself', () => {
    const specs = plan.postgresSpecs();
    expect(specs.every((spec) => /^(http|web|browser|reliability)\//.test(spec))).toBe(true);
    expect(specs).toContain('http/wrap-up.spec.ts');
    expect(specs).not.toContain('reliability/crash-restart.spec.ts');
    expect(specs).not.toContain('browser/tab-logic.spec.ts');
    expect(specs).not.toContain('reliability/teams-limits-hour.spec.ts');
  });

  it('runs one browser journey per page on PostgreSQL, each an existing spec, and no other browser spec', () => {
    const specs = plan.postgresSpecs();
    for (const spec of plan.BROWSER_ON_POSTGRES) {
      expect(plan.allSpecs()).toContain(spec);
      expect(specs).toContain(spec);
    }
    expect(specs.filter((spec) => spec.startsWith('browser/')).sort()).toEqual(
      [...plan.BROWSER_ON_POSTGRES].sort(),
    );
    expect(plan.allSpecs()).toContain('browser/workspace-tooltip.spec.ts');
    expect(specs).not.toContain('browser/workspace-tooltip.spec.ts');
  });

  it('runs every spec once in the first pass: the rules, store, use case and card specs with coverage, the rest without', () => {
    const measured = plan.coverageSpecs();
    const others = plan.otherSpecs();
    expect([...measured, ...others].sort()).toEqual(plan.allSpecs());
    expect(measured.filter((spec) => others.includes(spec))).toEqual([]);
    expect(measured).toEqual(expect.arrayContaining(['domain/floor.spec.ts', 'store/unit-of-work.spec.ts']));
    expect(others).toEqual(expect.arrayContaining(['http/journey.spec.ts', 'browser/webchat.spec.ts']));
  });
});
