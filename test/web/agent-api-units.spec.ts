import { CASE_FIELD_KEYS as APP_CASE_FIELD_KEYS } from '../../src/app/case-sessions';
import { ALL_VERBS, TAB_VERBS, isTabVerb } from '../../src/cards/verbs';
import { TAB_VERB_HANDLERS, VERB_HANDLERS, VerbTable } from '../../src/cards/verb-table';
import { createDesk } from '../app/desk-harness';
import { CASE_FIELD_KEYS } from '../../src/web/agent-api';
import { draftChangeOf } from '../../src/web/agent-api-bodies';
import { readToken } from '../../src/web/agent-auth';

describe('draftChangeOf (PUT …/draft bodies)', () => {
  it('takes a reply, case fields or both, and nothing else', () => {
    expect(draftChangeOf({ reply: 'Hi' }, 100)).toEqual({ reply: 'Hi' });
    expect(draftChangeOf({}, 100)).toEqual({});
    expect(draftChangeOf({ reply: '', caseFields: { title: 'T', priority: '' } }, 100)).toEqual({
      reply: '',
      caseFields: { title: 'T', priority: '' },
    });
    expect(draftChangeOf({ reply: 'x', extra: 1 }, 100)).toMatch(/Unknown draft field "extra"/);
    expect(draftChangeOf(null, 100)).toMatch(/JSON object/);
    expect(draftChangeOf({ caseFields: [] }, 100)).toMatch(/object of strings/);
  });

  it('caps case fields: title at 200, description at MAX_TEXT_CHARS, never halving a surrogate pair', () => {
    const change = draftChangeOf(
      { caseFields: { title: 'a'.repeat(300), description: `${'b'.repeat(9)}😀` } },
      10,
    );
    expect(change).toEqual({ caseFields: { title: 'a'.repeat(200), description: 'b'.repeat(9) } });
  });

  it('knows the same case fields as the use cases', () => {
    expect(CASE_FIELD_KEYS).toBe(APP_CASE_FIELD_KEYS);
  });
});

describe('readToken', () => {
  it('reads a Bearer header or a bare token, and names what is wrong otherwise', () => {
    expect(readToken('Bearer a.b.c')).toEqual({ token: 'a.b.c' });
    expect(readToken('bearer  a.b.c ')).toEqual({ token: 'a.b.c' });
    expect(readToken('a.b.c', { bare: true })).toEqual({ token: 'a.b.c' });
    expect(readToken(undefined)).toEqual({ problem: 'no token' });
    expect(readToken('a.b.c')).toEqual({ problem: 'not a Bearer authorization' });
    expect(readToken('Bearer a.b')).toEqual({ problem: 'not a JWT' });
    expect(readToken(`Bearer ${'a'.repeat(17_000)}`)).toEqual({ problem: 'token too long' });
  });
});

describe('the tab’s verb table', () => {
  it('holds every card verb with the very same handler, plus openCase and saveCase; the cards’ table stays as it was', () => {
    const tab = new VerbTable(TAB_VERB_HANDLERS);
    expect([...tab.verbs].sort()).toEqual([...ALL_VERBS, TAB_VERBS.openCase, TAB_VERBS.saveCase].sort());
    for (const handler of VERB_HANDLERS) expect(TAB_VERB_HANDLERS).toContain(handler);
    expect(new VerbTable().verbs).not.toContain(TAB_VERBS.openCase);
    expect(isTabVerb('openCase')).toBe(true);
    expect(isTabVerb('focus')).toBe(false);
  });

  it('dispatches openCase { workItemId } to the openCase use case, and the cards’ table refuses it', async () => {
    const { ports, tables } = createDesk({ agents: ['alex'] });
    const tab = new VerbTable(TAB_VERB_HANDLERS);
    // No such work item: the use case itself answers (a notice), which shows the verb reached it.
    expect(await tab.dispatch(ports, { agentId: 'alex' }, 'openCase', { workItemId: 'w1' })).toMatchObject({
      ok: true,
      view: { kind: 'notice' },
    });
    expect(await tab.dispatch(ports, { agentId: 'alex' }, 'openCase', {})).toEqual({
      ok: false,
      message: 'openCase: "workItemId" must be a non-empty string',
    });
    expect(
      await new VerbTable().dispatch(ports, { agentId: 'alex' }, 'openCase', { workItemId: 'w1' }),
    ).toEqual({
      ok: false,
      message: 'Unknown verb "openCase".',
    });
    expect((await tables.agentRecords.get('alex'))?.panel.sessions ?? []).toEqual([]);
  });
});
