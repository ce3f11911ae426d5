import { ASSIGN_CHOICES_SHOWN, TEAM_SHOWN } from '../../src/cards/floor-data';
import { CardRenderer } from '../../src/cards/render-card';
import type { FloorAgent, FloorConversation } from '../../src/domain/floor';
import { actionsWithVerb, adaptiveCardProblems, dataOf, objectsOfType, visibleTexts } from '../support/cards';
import { NOW, floorActiveRow, floorCardView } from '../support/fixtures';

const renderer = new CardRenderer();
/** Teams refuses a card over about 28 KB. */
const TEAMS_CARD_LIMIT_BYTES = 28 * 1024;

const titlesOf = (card: unknown, verb: string) =>
  actionsWithVerb(card, verb).map((action) => action['title']);
const dataWith = (card: unknown, verb: string) => actionsWithVerb(card, verb).map(dataOf);

function staff(count: number, nameChars: number): FloorAgent[] {
  return Array.from({ length: count }, (_, index) => ({
    agentId: `0f8fad5b-d9cb-469f-a165-70867728${String(index).padStart(4, '0')}`,
    name: `Agent ${index} ${'n'.repeat(nameChars)}`,
    presence: index % 7 === 0 ? 'offline' : 'available',
    usedUnits: 1,
    capacityUnits: 3,
    takesWork: true,
    supervisor: false,
  }));
}

describe('the floor card’s supervisor actions', () => {
  it('offers Assign on each waiting row, with one choice of the agents who are not Offline and their load', () => {
    const card = renderer.renderAgentView(floorCardView(), { now: NOW });
    expect(dataWith(card, 'assign')).toEqual([
      { workItemId: 'wi-waiting-4980000' },
      { workItemId: 'wi-waiting-45000' },
    ]);
    const [choice, ...others] = objectsOfType(card, 'Input.ChoiceSet');
    expect(others).toEqual([]);
    expect(choice).toMatchObject({
      id: 'assignTo',
      choices: [{ title: 'Ada Lovelace (Busy, 1 / 3)', value: 'aad-ada' }],
    });
  });

  it('marks a waiting row taken back from an away agent with who had it; the others show their channel only', () => {
    const base = floorCardView();
    const [first, ...rest] = base.longestWaits;
    const returned = {
      ...first!,
      returnedFrom: { agentId: 'aad-bea', agentName: 'Bea <b>Agent</b>', at: NOW },
    };
    const card = renderer.renderAgentView({ ...base, longestWaits: [returned, ...rest] }, { now: NOW });
    const texts = visibleTexts(card);
    expect(texts.filter((line) => line.includes('returned from'))).toEqual([
      // Names are escaped as any text on a card: markup shows as the characters typed.
      'Web chat · returned from Bea ＜b＞Agent＜/b＞',
    ]);
  });

  it('offers Monitor, Join and Force close… on each Active row, naming the conversation as sessionId', () => {
    const card = renderer.renderAgentView(floorCardView(), { now: NOW });
    expect(visibleTexts(card)).toEqual(
      expect.arrayContaining(['Longest Active', 'Visitor 4', 'Ada Lovelace · Active since 14:05 UTC']),
    );
    const row = { sessionId: 'wi-Visitor 4' };
    expect(dataWith(card, 'monitor')).toEqual([row]);
    expect(dataWith(card, 'join')).toEqual([row]);
    expect(dataWith(card, 'forceClose')).toEqual([row]);
    expect(titlesOf(card, 'forceClose')).toEqual(['Force close…']);
    expect(actionsWithVerb(card, 'stopMonitor')).toEqual([]);
    // Row actions carry no input: pressing one never submits the Assign choice.
    for (const verb of ['monitor', 'join', 'forceClose', 'floor'])
      for (const action of actionsWithVerb(card, verb)) expect(action['associatedInputs']).toBe('none');
  });

  it('offers Stop monitoring on a row the supervisor monitors, and no second Join once joined', () => {
    const card = renderer.renderAgentView(
      floorCardView({
        active: [floorActiveRow('Visitor 4', 'monitoring'), floorActiveRow('Visitor 5', 'joined')],
      }),
      { now: NOW },
    );
    expect(dataWith(card, 'stopMonitor')).toEqual([
      { sessionId: 'wi-Visitor 4' },
      { sessionId: 'wi-Visitor 5' },
    ]);
    expect(dataWith(card, 'join')).toEqual([{ sessionId: 'wi-Visitor 4' }]);
    expect(actionsWithVerb(card, 'monitor')).toEqual([]);
    expect(visibleTexts(card)).toEqual(expect.arrayContaining(['Monitoring', 'Joined']));
  });

  it('asks to confirm an Assign over capacity, saying by how much; Cancel shows the floor again', () => {
    const card = renderer.renderAgentView(
      floorCardView({
        confirm: {
          kind: 'assign',
          workItemId: 'wi-waiting-4980000',
          title: 'Visitor 7',
          agentId: 'aad-ada',
          agentName: 'Ada Lovelace',
          text: 'Ada Lovelace has 3 of 3 conversations; assigning makes 4.',
        },
      }),
      { now: NOW },
    );
    expect(visibleTexts(card)).toEqual(
      expect.arrayContaining([
        'Assign Visitor 7 to Ada Lovelace over capacity?',
        'Ada Lovelace has 3 of 3 conversations; assigning makes 4. They can still decline it.',
      ]),
    );
    const confirmed = actionsWithVerb(card, 'assign').find((action) => action['title'] === 'Assign anyway');
    expect(confirmed && dataOf(confirmed)).toEqual({
      workItemId: 'wi-waiting-4980000',
      agentId: 'aad-ada',
      overCapacity: true,
    });
    expect(titlesOf(card, 'floor')).toEqual(['Cancel', 'Refresh']);
  });

  it('asks to confirm a Force close, saying who is told, with a destructive Force close carrying confirmed', () => {
    const card = renderer.renderAgentView(
      floorCardView({
        active: [],
        confirm: {
          kind: 'forceClose',
          workItemId: 'wi-Visitor 4',
          title: 'Visitor 4',
          agentName: 'Ada Lovelace',
        },
      }),
      { now: NOW },
    );
    expect(visibleTexts(card)).toEqual(
      expect.arrayContaining([
        'Force close Visitor 4?',
        'The customer and Ada Lovelace are told it was closed by the team. This cannot be undone.',
      ]),
    );
    const [confirm] = actionsWithVerb(card, 'forceClose');
    expect(confirm?.['style']).toBe('destructive');
    expect(confirm && dataOf(confirm)).toEqual({ sessionId: 'wi-Visitor 4', confirmed: true });
  });

  it('shows the line on what the last action did', () => {
    const card = renderer.renderAgentView(
      floorCardView({ notice: { text: 'Visitor 7 offered to Ada Lovelace.', tone: 'good' } }),
      { now: NOW },
    );
    const line = objectsOfType(card, 'TextBlock').find(
      (block) => block['text'] === 'Visitor 7 offered to Ada Lovelace.',
    );
    expect(line?.['color']).toBe('Good');
  });

  it('stays under the Teams card limit with long names, every wait, many Active rows and a large team', () => {
    const base = floorCardView();
    const waiting = base.longestWaits[0]!;
    const longTitle = (index: number) => `Visitor ${index} ${'t'.repeat(80)}`;
    const active: FloorConversation[] = Array.from({ length: 40 }, (_, index) => ({
      ...floorActiveRow(longTitle(index), index === 0 ? 'monitoring' : undefined),
      workItemId: `7c9e6679-7425-40de-944b-e07fc1f9${String(index).padStart(4, '0')}`,
      agentName: `Agent ${index} ${'n'.repeat(100)}`,
    }));
    const view = floorCardView({
      agents: staff(80, 100),
      longestWaits: Array.from({ length: 5 }, (_, index) => ({
        ...waiting,
        workItemId: `9b2d1c4e-1111-4222-8333-44445555${String(index).padStart(4, '0')}`,
        title: longTitle(index),
      })),
      active,
      notice: { text: 'n'.repeat(200), tone: 'attention' },
      confirm: {
        kind: 'assign',
        workItemId: active[0]!.workItemId,
        title: longTitle(0),
        agentId: 'aad-ada',
        agentName: 'n'.repeat(100),
        text: 'n'.repeat(200),
      },
    });
    const card = renderer.renderAgentView(view, { now: NOW });
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_CARD_LIMIT_BYTES);
    expect(actionsWithVerb(card, 'forceClose')).toHaveLength(5);
    expect(objectsOfType(card, 'Input.ChoiceSet')[0]?.['choices']).toHaveLength(ASSIGN_CHOICES_SHOWN);
    expect(visibleTexts(card)).toContain(`and ${80 - TEAM_SHOWN} more`);
  });
});
