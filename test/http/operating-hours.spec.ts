/**
 * Nobody there, over HTTP: outside OPERATING_HOURS a new customer is told when the desk opens, and their
 * conversation waits in the queue; inside them, with no agent Available or Busy, they are told their message waits
 * for the next free agent. The desk's clock is fake (2026-01-05 is a Monday).
 */
import type { TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { NOBODY_AT_WORK, QUEUED, alex } from '../support/fixtures';
import { saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'hours-visitor-1', conversationId: 'conv-hours-1' };
const lou: TestCustomer = { userId: 'hours-visitor-2', conversationId: 'conv-hours-2' };
const max: TestCustomer = { userId: 'hours-visitor-3', conversationId: 'conv-hours-3' };

describe('operating hours and nobody there', () => {
  const team = useTeamworkDesk([alex], { OPERATING_HOURS: 'Mon-Fri 09:00-17:00 @ Europe/Berlin' });

  it('outside the hours, tells a new customer when the desk opens; the conversation waits in the queue', async () => {
    await team.tell(alex, 'hi');
    await team.tell(alex, 'presence away');
    team.desk.clock.time = Date.UTC(2026, 0, 10, 12, 0); // Saturday 13:00 in Berlin
    const said = await team.say(kim, 'Is my order shipped?');
    expect(saidTo(said.calls, kim.conversationId).map(textOf)).toEqual([
      "We're closed now; we open Monday at 09:00 (Europe/Berlin). Leave your message and we'll answer then.",
    ]);
    expect(await team.queueLength()).toBe(1);
  });

  it('inside the hours with nobody at work (Away, Offline, Inactive), says the message waits for the next free agent', async () => {
    team.desk.clock.time = Date.UTC(2026, 0, 12, 9, 0); // Monday 10:00 in Berlin
    const said = await team.say(lou, 'Hello?');
    expect(saidTo(said.calls, lou.conversationId).map(textOf)).toEqual([NOBODY_AT_WORK]);
  });

  it('inside the hours with an agent Available, says an agent will be with them shortly', async () => {
    await team.tell(alex, 'presence available');
    const said = await team.say(max, 'Hi');
    expect(saidTo(said.calls, max.conversationId).map(textOf)).toEqual([QUEUED]);
  });
});
