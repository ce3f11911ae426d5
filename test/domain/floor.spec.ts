import { buildFloor, filterFloor, type FloorInput, type FloorItemInput } from '../../src/domain/floor';

const NOW = 1_000_000;

function item(
  workItemId: string,
  state: FloorItemInput['state'],
  extra: Partial<FloorItemInput> = {},
): FloorItemInput {
  return {
    workItemId,
    title: workItemId,
    channel: 'webchat',
    state,
    since: NOW - 10_000,
    sentimentScores: [],
    ...extra,
  };
}

const input: FloorInput = {
  now: NOW,
  items: [
    item('active-late', 'active', { agentId: 'ada', since: NOW - 5_000, sentimentScores: [-0.9, -0.8] }),
    item('wrap', 'wrap-up', { agentId: 'ada' }),
    item('second', 'open', { waitingSince: NOW - 30_000 }),
    item('first', 'open', { waitingSince: NOW - 20_000 }),
    item('in-flight', 'open', { waitingSince: NOW - 90_000 }),
    item('active-early', 'active', { agentId: 'sam', since: NOW - 50_000 }),
    item('waiting', 'waiting'),
  ],
  queueOrder: ['first', 'second'],
  staff: [
    {
      agentId: 'sam',
      name: 'Sam',
      presence: 'available',
      usedUnits: 1,
      capacityUnits: 2,
      takesWork: true,
      supervisor: true,
    },
    {
      agentId: 'ada',
      name: 'Ada',
      presence: 'dnd',
      usedUnits: 2,
      capacityUnits: 2,
      takesWork: true,
      supervisor: false,
    },
  ],
  agentLastMessageAt: new Map([['ada', NOW - 1_000]]),
};

describe('the floor', () => {
  const floor = buildFloor(input);

  it('lists the queue in its order first (an Open item not in the queue last), then Active, Waiting and Wrap-up by age', () => {
    expect(floor.conversations.map((row) => [row.workItemId, row.position])).toEqual([
      ['first', 1],
      ['second', 2],
      ['in-flight', undefined],
      ['active-early', undefined],
      ['active-late', undefined],
      ['waiting', undefined],
      ['wrap', undefined],
    ]);
  });

  it('counts each state, measures Open waits from when the customer started waiting, and names the agent', () => {
    expect(floor.counts).toEqual({ open: 3, active: 2, waiting: 1, 'wrap-up': 1 });
    expect(floor.conversations.find((row) => row.workItemId === 'second')?.waitMs).toBe(30_000);
    expect(floor.conversations.find((row) => row.workItemId === 'active-late')).toMatchObject({
      agentName: 'Ada',
      sentiment: 'Very negative',
    });
  });

  it('shows the longest waits longest first, and the staff by name with their latest message', () => {
    expect(floor.longestWaits.map((row) => row.workItemId)).toEqual(['in-flight', 'second', 'first']);
    expect(floor.agents.map((agent) => [agent.name, agent.lastMessageAt])).toEqual([
      ['Ada', NOW - 1_000],
      ['Sam', undefined],
    ]);
  });

  it('filters the conversations by state and by agent, keeping the counts and the staff', () => {
    expect(filterFloor(floor, { state: 'active' }).conversations.map((row) => row.workItemId)).toEqual([
      'active-early',
      'active-late',
    ]);
    const ada = filterFloor(floor, { agentId: 'ada' });
    expect(ada.conversations.map((row) => row.workItemId)).toEqual(['active-late', 'wrap']);
    expect(ada.counts).toEqual(floor.counts);
    expect(ada.agents).toHaveLength(2);
  });

  it('shows a Wrap-up row’s survey rating once answered, and the team’s CSAT today (none counted without answers)', () => {
    expect(floor.csatToday).toEqual({ answers: 0 });
    const rated = buildFloor({
      ...input,
      items: [
        item('wrap', 'wrap-up', { agentId: 'ada', csatRating: 4 }),
        // Only a wrap-up shows one: nobody is asked before the End.
        item('active-late', 'active', { agentId: 'ada', csatRating: 2 }),
      ],
      csatToday: { answers: 3, average: 4.3 },
    });
    expect(rated.conversations.map((row) => [row.workItemId, row.csatRating])).toEqual([
      ['active-late', undefined],
      ['wrap', 4],
    ]);
    expect(rated.csatToday).toEqual({ answers: 3, average: 4.3 });
  });

  it('marks an Open row returned from an away agent while that return keeps it Open, naming the agent', () => {
    const returned = { agentId: 'ada', at: NOW - 10_000 };
    const marked = buildFloor({
      ...input,
      items: [
        item('first', 'open', { returnedFromAway: returned }),
        // Open since later (taken and sent back another way), or no longer Open: the return is history.
        item('second', 'open', { since: NOW - 2_000, returnedFromAway: returned }),
        item('active-late', 'active', { agentId: 'sam', returnedFromAway: returned }),
        item('in-flight', 'open', { returnedFromAway: { agentId: 'gone', at: NOW - 10_000 } }),
      ],
    });
    expect(marked.conversations.map((row) => [row.workItemId, row.returnedFrom])).toEqual([
      ['first', { agentId: 'ada', agentName: 'Ada', at: NOW - 10_000 }],
      ['second', undefined],
      // An agent no longer on the floor is named by their key.
      ['in-flight', { agentId: 'gone', agentName: 'gone', at: NOW - 10_000 }],
      ['active-late', undefined],
    ]);
  });
});
