/**
 * A channel that did not hear its POST answered sends the same activity again (same id). Over HTTP, with Alex in
 * Teams and a customer on the Emulator: a replayed message is answered 200 and taken once — one queue entry, one
 * "in the queue" notice, one card in Alex's chat, one line in the transcript — whether it comes after the first
 * or alongside it.
 */
import { customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { QUEUED, alex } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'replay-visitor-1', conversationId: 'conv-replay-1' };

describe('a customer message replayed by its channel is taken once', () => {
  const team = useTeamworkDesk([alex]);
  let workItemId: string;

  const transcript = async () =>
    (await team.tables().messages.latest(workItemId, 50)).map((line) => `${line.from}: ${line.text}`);

  it('a new conversation replayed: one queue entry, one notice, one offer', async () => {
    await team.tell(alex, 'hi');
    const first = customerMessage(team.connector.serviceUrl, kim, 'My parcel is late');
    const taken = await team.send(first);
    const replayed = await team.send(first);
    expect(saidTo(taken.calls, kim.conversationId).map(textOf)).toEqual([QUEUED]);
    expect(replayed.calls).toEqual([]);
    expect(await team.queueLength()).toBe(1);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const [session] = await team.sessionsOf(alex);
    workItemId = session!.id;
    expect(await transcript()).toEqual(['customer: My parcel is late']);
  });

  it('a relayed message replayed after its answer: one card in the agent chat, one transcript line', async () => {
    const message = customerMessage(team.connector.serviceUrl, kim, 'It was due on Monday');
    const taken = await team.send(message);
    const replayed = await team.send(message);
    expect(saidTo(taken.calls, alex.conversationId)).toHaveLength(1);
    expect(replayed.calls.filter((call) => call.kind !== 'update')).toEqual([]);
    expect(await transcript()).toEqual(['customer: My parcel is late', 'customer: It was due on Monday']);
  });

  it('the same message posted twice at once is taken once; both POSTs are answered 200', async () => {
    const message = customerMessage(team.connector.serviceUrl, kim, 'Order 4711');
    const mark = team.connector.calls.length;
    const answers = await Promise.all([
      postActivity(team.desk.app.url, message),
      postActivity(team.desk.app.url, message),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const shown = cardTexts(team.connector.calls.slice(mark), alex).filter((text) =>
      text.includes('Order 4711'),
    );
    expect(shown).toHaveLength(1);
    expect((await transcript()).filter((line) => line.includes('Order 4711'))).toHaveLength(1);
  });

  it('a new message with the same text but its own id is taken again', async () => {
    await team.say(kim, 'Order 4711');
    expect((await transcript()).filter((line) => line.includes('Order 4711'))).toHaveLength(2);
  });
});
