import { CardRenderer } from '../../src/cards/render-card';
import { PRESENCE_LABELS, SELECTABLE_PRESENCE } from '../../src/domain/presence';
import {
  actionsWithVerb,
  allObjects,
  dataOf,
  objectsOfType,
  panelRows,
  selectActionOf,
  textBlocks,
} from '../support/cards';
import { NOW, SEED_TOOLTIPS, panelView } from '../support/fixtures';

const renderer = new CardRenderer();
const expanded = renderer.renderAgentView(panelView(), { now: NOW });
const collapsed = renderer.renderAgentView(panelView({ mode: 'collapsed' }), { now: NOW });

function rowBySession(card: typeof expanded, sessionId: string) {
  const row = panelRows(card).find(
    (candidate) => dataOf(selectActionOf(candidate))['sessionId'] === sessionId,
  );
  if (!row) throw new Error(`no row for ${sessionId}`);
  return row;
}

describe('the session panel card', () => {
  it('shows the agent name and presence in a header with the burger toggle', () => {
    expect(textBlocks(expanded).slice(0, 2)).toEqual(['Megan Bowen', '● Busy']);
    const [toggle, ...others] = actionsWithVerb(expanded, 'togglePanel');
    expect(others).toEqual([]);
    expect(toggle?.['title']).toBe('☰');
    expect(dataOf(toggle!)).toEqual({ sessionId: 'home' });
  });

  it('lists Home first, then the sessions in opening order', () => {
    expect(panelRows(expanded).map((row) => dataOf(selectActionOf(row))['sessionId'])).toEqual([
      'home',
      'wi-visitor-7',
      'wi-kenny',
      'wi-adele',
      'case-1042',
    ]);
  });

  it('never offers to close Home, and offers X "Close session" on every other row when expanded', () => {
    expect(actionsWithVerb(rowBySession(expanded, 'home'), 'close')).toEqual([]);
    for (const sessionId of ['wi-visitor-7', 'wi-kenny', 'wi-adele', 'case-1042']) {
      const [close, ...more] = actionsWithVerb(rowBySession(expanded, sessionId), 'close');
      expect(more).toEqual([]);
      expect(close).toMatchObject({ title: 'X', tooltip: 'Close session', data: { sessionId } });
    }
  });

  it("makes each row's focus action its selectAction, with the exact tooltip of the reference", () => {
    for (const [sessionId, tooltip] of Object.entries(SEED_TOOLTIPS)) {
      for (const card of [expanded, collapsed]) {
        const action = selectActionOf(rowBySession(card, sessionId));
        expect(action).toMatchObject({ type: 'Action.Execute', verb: 'focus', tooltip, data: { sessionId } });
      }
    }
  });

  it('shows the two-letter icon of each session in a styled container, highlighted when focused', () => {
    const icons = panelRows(expanded).map((row) => objectsOfType(row, 'Container')[0]);
    expect(icons.map((container) => textBlocks(container!)[0])).toEqual(['Ho', 'Vi', 'Ke', 'Ad', 'Br']);
    expect(icons.map((container) => container?.['style'])).toEqual([
      'emphasis',
      'emphasis',
      'emphasis',
      'emphasis',
      'accent',
    ]);
  });

  it('shows the unread badge, "9+" from 10', () => {
    expect(textBlocks(rowBySession(expanded, 'wi-kenny'))).toContain('5');
    expect(textBlocks(rowBySession(expanded, 'wi-adele'))).toContain('9+');
    expect(textBlocks(rowBySession(expanded, 'wi-adele'))).not.toContain('12');
  });

  it('shows "!" in the attention colour on an alerted session only', () => {
    const marks = (sessionId: string) =>
      objectsOfType(rowBySession(expanded, sessionId), 'TextBlock').filter((block) => block['text'] === '!');
    expect(marks('wi-visitor-7')).toEqual([expect.objectContaining({ color: 'Attention' })]);
    for (const sessionId of ['home', 'wi-kenny', 'wi-adele', 'case-1042'])
      expect(marks(sessionId)).toEqual([]);
  });

  it('shows the title, bold only when focused, and the unread and alert texts as small TextBlocks', () => {
    const visitor = objectsOfType(rowBySession(expanded, 'wi-visitor-7'), 'TextBlock');
    expect(visitor.map((block) => block['text'])).toEqual([
      'Vi',
      '1',
      '!',
      'Visitor 7',
      'Visitor 7. 1 new updates in your conversation.',
      'Visitor 7. Urgent attention is needed in your conversation.',
    ]);
    expect(visitor.slice(4).map((block) => block['size'])).toEqual(['Small', 'Small']);
    expect(visitor[3]?.['weight']).toBe('Default');
    const focused = objectsOfType(rowBySession(expanded, 'case-1042'), 'TextBlock');
    expect(focused.find((block) => block['text'] === 'Broken router')?.['weight']).toBe('Bolder');
  });

  it('collapsed: rows show icon, badge and "!" only — no titles, texts or close buttons', () => {
    expect(panelRows(collapsed).map((row) => textBlocks(row))).toEqual([
      ['Ho'],
      ['Vi', '1', '!'],
      ['Ke', '5'],
      ['Ad', '9+'],
      ['Br'],
    ]);
    expect(actionsWithVerb(collapsed, 'close')).toEqual([]);
  });

  it('offers the presence selector with the selectable statuses when expanded only', () => {
    const [choiceSet, ...others] = objectsOfType(expanded, 'Input.ChoiceSet');
    expect(others).toEqual([]);
    expect(choiceSet).toMatchObject({
      id: 'presence',
      value: 'busy',
      choices: SELECTABLE_PRESENCE.map((status) => ({ title: PRESENCE_LABELS[status], value: status })),
    });
    expect(actionsWithVerb(expanded, 'presence').map(dataOf)).toEqual([{ sessionId: 'home' }]);
    expect(objectsOfType(collapsed, 'Input.ChoiceSet')).toEqual([]);
    expect(actionsWithVerb(collapsed, 'presence')).toEqual([]);
  });

  it('selects no choice when the presence is Inactive, which the agent cannot choose', () => {
    const card = renderer.renderAgentView(panelView({ presence: 'inactive', presenceLabel: 'Inactive' }));
    expect(objectsOfType(card, 'Input.ChoiceSet')[0]?.['value']).toBe('');
    expect(textBlocks(card)).toContain('● Inactive');
  });

  it('shows a notice line at the top when there is one', () => {
    const notice = 'Maximum sessions reached. Close a session before opening another.';
    const card = renderer.renderAgentView(panelView({ notice }));
    expect(textBlocks(card)[0]).toBe(notice);
    expect(textBlocks(expanded)).not.toContain(notice);
  });

  it('toggles with a tooltip saying what it will do', () => {
    expect(actionsWithVerb(expanded, 'togglePanel')[0]?.['tooltip']).toBe('Collapse the session list');
    expect(actionsWithVerb(collapsed, 'togglePanel')[0]?.['tooltip']).toBe('Expand the session list');
  });

  it('names the focused session, in both modes', () => {
    for (const card of [expanded, collapsed]) expect(textBlocks(card)).toContain('Focused: Broken router');
  });

  it("has no select action other than the rows' focus", () => {
    const selectActions = allObjects(expanded).filter((object) => object['selectAction'] !== undefined);
    expect(selectActions).toEqual(panelRows(expanded));
  });
});

describe('a read-only session on the panel card', () => {
  it('reads "Closed" under its title, with no alert, so it is not taken for the live conversation', () => {
    const view = panelView({
      rows: [
        ...panelView().rows,
        {
          id: 'wi-old',
          title: 'Visitor 7',
          icon: 'Vi',
          kind: 'conversation',
          focused: false,
          closable: true,
          alert: false,
          tooltip: 'Visitor 7. Closed conversation, read-only.',
          readOnly: true,
          statusText: 'Closed',
        },
      ],
    });
    const card = renderer.renderAgentView(view, { now: NOW });
    const row = rowBySession(card, 'wi-old');
    expect(textBlocks(row)).toEqual(['Vi', 'Visitor 7', 'Closed']);
    expect(textBlocks(rowBySession(card, 'wi-visitor-7'))).not.toContain('Closed');
  });
});
