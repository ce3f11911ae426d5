/**
 * KEEP_AGENT_S over HTTP, on the sweeper's fake clock: a customer back to a Waiting conversation waits that long for
 * the agent they had; if that agent is not free by then, the next free agent is offered it.
 */
import type { TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { useTeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'keep-visitor-1', conversationId: 'conv-keep-1' };

describe('a customer back to a Waiting conversation', () => {
  const team = useTeamworkDesk([alex, bea], { KEEP_AGENT_S: '120' });

  it('waits KEEP_AGENT_S for the agent they had, then goes to the next free agent', async () => {
    await team.tell(alex, 'hi');
    await team.tell(bea, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const [session] = await team.sessionsOf(alex);
    await team.press(alex, 'close', { sessionId: session!.id });
    await team.press(alex, 'closeConfirm', { sessionId: session!.id });
    expect((await team.tables().workItems.get(session!.id))?.item.state).toBe('waiting');
    await team.tell(alex, 'presence away');
    await team.tell(bea, 'presence available');

    await team.say(kim, 'It still has not come');
    team.desk.clock.advance(119_000);
    await team.desk.app.sweep();
    expect(offersPosted(team.connector, bea)).toEqual([]);
    team.desk.clock.advance(1_000);
    await team.desk.app.sweep();
    expect(offersPosted(team.connector, bea)).toHaveLength(1);
  });
});
