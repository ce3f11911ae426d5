/**
 * MISSED_OFFER_INACTIVE over HTTP, on the sweeper's fake clock: an agent who lets an offer time out is set Inactive
 * (as Omnichannel does), told why on their panel, and offered nothing until they choose a presence; with the
 * setting off they stay as they were.
 */
import type { TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { offersPosted } from '../support/offers';
import { cardOf, textBlocks } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { useTeamworkDesk, type TeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'miss-visitor-1', conversationId: 'conv-miss-1' };
const lou: TestCustomer = { userId: 'miss-visitor-2', conversationId: 'conv-miss-2' };
const INACTIVE_NOTICE =
  'You missed a conversation request, so your presence is now Inactive: choose a presence to get requests again.';
const TIMEOUT_S = 30;

/** The texts of every card posted to or updated in Alex's chat (the panel is updated in place). */
const panelTexts = (calls: readonly RecordedCall[]) =>
  calls
    .filter((call) => call.conversationId === alex.conversationId)
    .flatMap((call) => textBlocks(cardOf(call)));

const presenceOf = async (team: TeamworkDesk, agentId: string) =>
  (await team.tables().agentRecords.get(agentId))?.presence;

/** Alex alone Available (Bea away), Kim's offer to Alex left unanswered past its timeout: what the sweep sent. */
async function alexMissesKim(team: TeamworkDesk) {
  await team.tell(alex, 'hi');
  await team.tell(bea, 'hi');
  await team.tell(bea, 'presence away');
  await team.say(kim, 'Is anyone there?');
  expect(offersPosted(team.connector, alex)).toHaveLength(1);
  const mark = team.connector.calls.length;
  team.desk.clock.advance(TIMEOUT_S * 1000 + 1);
  await team.desk.app.sweep();
  return team.connector.calls.slice(mark);
}

describe('a missed offer with MISSED_OFFER_INACTIVE (the default)', () => {
  const team = useTeamworkDesk([alex, bea], { NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S) });

  it('sets the agent Inactive and tells them why on their panel', async () => {
    const swept = await alexMissesKim(team);
    expect(await presenceOf(team, alex.aadObjectId)).toBe('inactive');
    expect(panelTexts(swept)).toEqual(expect.arrayContaining([expect.stringContaining(INACTIVE_NOTICE)]));
    expect(
      team.desk.lines.find((line) => line.msg === 'agent set Inactive after a missed offer'),
    ).toMatchObject({
      agentId: alex.aadObjectId,
      was: 'available',
    });
  });

  it('offers an Inactive agent nothing, however long customers wait', async () => {
    await team.say(lou, 'Hello?');
    team.desk.clock.advance(10 * 60_000);
    await team.desk.app.sweep();
    expect(offersPosted(team.connector, alex)).toHaveLength(1);
    expect(await team.queueLength()).toBe(2);
  });

  it('offers work again once the agent chooses a presence', async () => {
    await team.tell(alex, 'presence available');
    await team.desk.app.sweep();
    expect(await presenceOf(team, alex.aadObjectId)).toBe('available');
    expect(offersPosted(team.connector, alex).length).toBeGreaterThan(1);
  });
});

describe('a missed offer with MISSED_OFFER_INACTIVE=false', () => {
  const team = useTeamworkDesk([alex, bea], {
    NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S),
    MISSED_OFFER_INACTIVE: 'false',
  });

  it('leaves the agent Available, and the next customer is offered to them', async () => {
    const swept = await alexMissesKim(team);
    expect(await presenceOf(team, alex.aadObjectId)).toBe('available');
    expect(panelTexts(swept).some((text) => text.includes('Inactive'))).toBe(false);
    await team.say(lou, 'Hello?');
    expect(offersPosted(team.connector, alex).length).toBeGreaterThan(1);
  });
});
