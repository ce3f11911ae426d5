import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { confirmClose, requestClose } from '../../src/app/session-actions';
/**
 * The sweeper's repair: the work item is the source of truth for assignment, and an agent's session list a
 * crash left behind is put back in step with it. (The dashboard is a query over the work items: it cannot lag.)
 */
import { CLOSED_ITEMS_LISTED } from '../../src/app/work-item-index';
import { REPAIR_INTERVAL_MS } from '../../src/app/repair';
import { resumeWorkItemByAgent } from '../../src/domain/work-item';
import type { WorkItem } from '../../src/domain/work-item';
import { createDesk } from './desk-harness';

const customer = (id: string, text = 'Hello, my router is broken') => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

type Harness = ReturnType<typeof createDesk>;

async function agentDoc(harness: Harness, id: string) {
  return harness.tables.agentRecords.get(id);
}
async function indexed(harness: Harness, workItemId: string) {
  const entries = await harness.tables.workItems.dashboard('default', CLOSED_ITEMS_LISTED);
  return entries.find((entry) => entry.workItemId === workItemId);
}
async function setItem(harness: Harness, workItemId: string, change: (item: WorkItem) => WorkItem) {
  await harness.tables.workItems.update(workItemId, (doc) =>
    doc ? { ...doc, item: change(doc.item) } : doc,
  );
}

/** Alice has accepted two customers, and focused the second. */
async function aliceWithTwo(
  workstream: Parameters<typeof createDesk>[0] = {},
): Promise<Harness & { items: string[] }> {
  const harness = createDesk({ agents: ['alice'], ...workstream });
  await showPanel(harness.ports, 'alice', 'Alice');
  const items: string[] = [];
  for (const id of ['c1', 'c2']) {
    const outcome = await receiveCustomerMessage(harness.ports, customer(id));
    const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer');
    await accept(harness.ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
    items.push(outcome.workItemId);
  }
  return { ...harness, items };
}

describe('the sweeper’s repair of sessions', () => {
  it('puts an Active conversation its agent lost back on their list, keeping their focus, and says so on the panel', async () => {
    const harness = await aliceWithTwo();
    const [first, second] = harness.items as [string, string];
    // Alice closes the first (Waiting), then opens it again; the process dies after the work item went Active
    // for her and before her document showed the session.
    await requestClose(harness.ports, 'alice', first);
    await confirmClose(harness.ports, 'alice', first);
    expect((await agentDoc(harness, 'alice'))?.panel.sessions.map((s) => s.id)).toEqual([second]);
    await setItem(harness, first, (item) => resumeWorkItemByAgent(item, 'alice', harness.clock.now()));
    harness.notifier.clear();

    const swept = await harness.sweep();

    expect(swept.repaired?.restored).toEqual([{ agentId: 'alice', workItemId: first }]);
    const alice = await agentDoc(harness, 'alice');
    expect(alice?.panel.sessions.map((s) => s.id)).toEqual([second, first]);
    expect(alice?.panel.focusedSessionId).toBe(second);
    expect(harness.notifier.lastPanel('alice')?.rows.map((row) => row.id)).toEqual(['home', second, first]);
    expect(await indexed(harness, first)).toMatchObject({ state: 'active', agentId: 'alice' });
    expect(harness.notifier.sent.filter((sent) => sent.to === 'emulator:c1')).toEqual([]);
  });

  it('changes nothing when the sessions and the dashboard agree with the work items', async () => {
    const harness = await aliceWithTwo();
    const before = await agentDoc(harness, 'alice');
    harness.notifier.clear();
    const swept = await harness.sweep();
    expect(swept.repaired).toEqual({ restored: [] });
    expect(await agentDoc(harness, 'alice')).toEqual(before);
    expect(harness.notifier.sent).toEqual([]);
  });

  it('runs at most once per REPAIR_INTERVAL_MS on one instance; offers are swept on every pass', async () => {
    const harness = await aliceWithTwo();
    const [first] = harness.items as [string];
    expect((await harness.sweep()).repaired).toBeDefined();
    // A session lost: the item went Active for her again, then a crash before her document.
    await requestClose(harness.ports, 'alice', first);
    await confirmClose(harness.ports, 'alice', first);
    await setItem(harness, first, (item) => resumeWorkItemByAgent(item, 'alice', harness.clock.now()));
    harness.clock.advance(REPAIR_INTERVAL_MS - 1);
    expect((await harness.sweep()).repaired).toBeUndefined();
    harness.clock.advance(1);
    expect((await harness.sweep()).repaired?.restored).toEqual([{ agentId: 'alice', workItemId: first }]);
  });

  it('does not fail the sweep, and leaves the list as it is, when the agent has no free session slot for a lost conversation', async () => {
    const harness = await aliceWithTwo({ workstream: { maxSessions: 2 } });
    const [first, second] = harness.items as [string, string];
    await requestClose(harness.ports, 'alice', first);
    await confirmClose(harness.ports, 'alice', first);
    // Her free slot is taken by a read-only session before the crashed resume is repaired.
    await harness.tables.agentRecords.update('alice', (agent) =>
      agent
        ? {
            ...agent,
            panel: {
              ...agent.panel,
              sessions: [
                ...agent.panel.sessions,
                { ...agent.panel.sessions[0]!, id: 'case-x', kind: 'case', readOnly: true },
              ],
            },
          }
        : agent,
    );
    await setItem(harness, first, (item) => resumeWorkItemByAgent(item, 'alice', harness.clock.now()));
    const swept = await harness.sweep();
    expect(swept.repaired?.restored).toEqual([]);
    expect((await agentDoc(harness, 'alice'))?.panel.sessions.map((s) => s.id)).toEqual([second, 'case-x']);
  });
});
