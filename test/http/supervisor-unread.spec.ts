/**
 * The unread count of a supervisor's session over HTTP: Sam (a supervisor who takes no work) monitors, then joins,
 * Alex's conversation with Kim. What Kim and Alex write while Sam's session is not the one Sam has open counts on
 * Sam's row of the tab's panel, with the badge and the tooltip of any session ("9+" from 10); focusing the session
 * clears it, and what Sam writes himself never counts for him.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { useTeamworkDesk } from '../support/teamwork-desk';
import { api, devSignIn } from '../web/agent-api-support';
import type { PanelRow } from '../../src/domain/agent-sessions';
import type { WorkspaceState } from '../../src/web/agent-api';

const sam: TestAgent = {
  aadObjectId: 'aad-sam-unread',
  userId: '29:sam-unread',
  name: 'Sam Supervisor',
  conversationId: 'a:chat-sam-unread',
};
const kim: TestCustomer = { userId: 'unread-visitor-1', conversationId: 'conv-unread-1' };

describe('a supervisor’s session counts the conversation’s new messages unread', () => {
  const team = useTeamworkDesk([alex, bea], {
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let samToken: string;
  let kimItem: string;

  const supervise = async (verb: 'monitor' | 'join') => {
    const answer = await api(team.desk.app.baseUrl, 'POST', '/api/supervisor/actions', {
      token: samToken,
      body: { verb, workItemId: kimItem },
    });
    expect(answer.status).toBe(200);
  };
  /** Sam's row for Kim's conversation as the tab reads it. */
  const samsRow = async (): Promise<PanelRow | undefined> => {
    const workspace = await api<WorkspaceState>(team.desk.app.baseUrl, 'GET', '/api/agent/workspace', {
      token: samToken,
    });
    expect(workspace.status).toBe(200);
    return workspace.body.panel.rows.find((row) => row.id === kimItem);
  };
  const focus = (sessionId: string) => team.press(sam, 'focus', { sessionId });

  beforeAll(async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    samToken = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
  });

  it('the customer’s and the agent’s messages count on a monitoring session Sam does not have open', async () => {
    await supervise('monitor');
    await focus('home');
    expect(await samsRow()).not.toHaveProperty('badge');

    await team.say(kim, 'Are you still there?');
    await team.say(kim, 'Hello?');
    await team.press(alex, 'reply', { sessionId: kimItem, text: 'Yes, checking the courier now.' });

    expect(await samsRow()).toMatchObject({
      statusText: 'Monitor',
      badge: '3',
      unread: 3,
      unreadText: 'Visitor 1. 3 new updates in your conversation.',
      tooltip: 'Visitor 1. 3 new updates in your conversation.',
      alert: false,
      readOnly: true,
    });
  });

  it('focusing the session clears the count, and nothing counts while it is open', async () => {
    await focus(kimItem);
    const opened = await samsRow();
    expect(opened).toMatchObject({
      focused: true,
      tooltip: 'Visitor 1. Monitoring: read-only, and nobody is told.',
    });
    expect(opened).not.toHaveProperty('badge');
    await team.say(kim, 'Any news?');
    expect(await samsRow()).not.toHaveProperty('unread');
  });

  it('ten messages or more read "9+", the count itself kept', async () => {
    await focus('home');
    for (let n = 1; n <= 10; n += 1) await team.say(kim, `Message ${n}`);
    expect(await samsRow()).toMatchObject({ badge: '9+', unread: 10 });
  });

  it('on a joined session, what Sam writes himself does not count for him; the others’ messages do', async () => {
    await supervise('join');
    await focus('home');
    expect(await samsRow()).toMatchObject({ statusText: 'Joined' });
    expect(await samsRow()).not.toHaveProperty('badge');

    await team.press(sam, 'reply', { sessionId: kimItem, text: 'I am looking into it too.' });
    expect(await samsRow()).not.toHaveProperty('badge');
    await team.press(alex, 'reply', { sessionId: kimItem, text: 'Sam is helping.' });
    await team.say(kim, 'Thank you both');
    expect(await samsRow()).toMatchObject({
      badge: '2',
      unread: 2,
      tooltip: 'Visitor 1. 2 new updates in your conversation.',
    });
  });
});
