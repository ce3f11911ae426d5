import type { AgentView } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import { TURN_ERROR_TEXT } from '../../src/teams/adapter';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type PostResult,
  type TestAgent,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardMentions, cardOf, textOf } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, FakeClock, startTestDesk, type TestDesk } from '../support/harness';
import { readStored } from '../support/desk-tables';
import { SURVEY } from '../support/fixtures';

const alex: TestAgent = {
  aadObjectId: 'aad-alex',
  userId: '29:alex',
  name: 'Alex Agent',
  conversationId: 'a:alex',
};
const sam: TestAgent = {
  aadObjectId: 'aad-sam',
  userId: '29:sam',
  name: 'Sam Agent',
  conversationId: 'a:sam',
};
const kim: TestCustomer = { userId: 'web-kim', conversationId: 'emulator-kim' };
const lee: TestCustomer = { userId: 'web-lee', conversationId: 'emulator-lee' };

describe('the bot on /api/messages', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  /** A view kind the renderer fails on, to see how a failing turn is handled. */
  let brokenKind: AgentView['kind'] | undefined;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    const renderer = new CardRenderer();
    desk = await startTestDesk(
      { AGENT_IDS: `${alex.aadObjectId},${sam.aadObjectId}`, RATE_LIMIT_PER_MINUTE: '0' },
      {
        clock,
        outbox: ASYNC_OUTBOX,
        renderCard: (view) => {
          if (view.kind === brokenKind) throw new Error(`renderer broke on ${view.kind}`);
          return renderer.renderAgentView(view, { now: clock.now() });
        },
      },
    );
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  afterEach(() => {
    brokenKind = undefined;
  });

  async function send(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const mark = connector.calls.length;
    const result = await postActivity(desk.app.url, activity);
    expect(result.status).toBe(200);
    return { ...result, calls: connector.calls.slice(mark) };
  }

  const inChat = (calls: RecordedCall[], conversationId: string, kind?: RecordedCall['kind']) =>
    calls.filter(
      (call) =>
        call.conversationId === conversationId && (kind ? call.kind === kind : call.kind !== 'update'),
    );

  const panelId = async () => {
    const stored = await readStored(desk.app, [`card/${alex.aadObjectId}:panel`]);
    return (stored[`card/${alex.aadObjectId}:panel`] as { activityId: string } | undefined)?.activityId;
  };

  function agentUpdate(membersAdded: boolean): ActivityJson {
    return {
      ...agentMessage(connector.serviceUrl, alex, undefined),
      type: 'conversationUpdate',
      membersAdded: membersAdded ? [{ id: 'relaydesk-bot' }] : [],
    };
  }

  describe('first contact', () => {
    it('posts the panel when the bot is added to a new agent’s chat, and only the first time', async () => {
      const first = await send(agentUpdate(true));
      expect(inChat(first.calls, alex.conversationId)).toHaveLength(1);
      expect(cardMentions(cardOf(first.calls[0]), 'Alex Agent')).toBe(true);
      const again = await send(agentUpdate(true));
      expect(again.calls).toEqual([]);
    });

    it('keeps a customer’s conversation reference from a conversationUpdate and sends nothing', async () => {
      const result = await send({
        ...customerMessage(connector.serviceUrl, lee, ''),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: 'web-lee' }],
      });
      expect(result.calls).toEqual([]);
      const stored = await readStored(desk.app, ['reference/customer:emulator:web-lee']);
      expect(stored['reference/customer:emulator:web-lee']).toMatchObject({
        reference: { conversation: { id: lee.conversationId }, serviceUrl: connector.serviceUrl },
      });
    });
  });

  describe('agent text commands', () => {
    it('"help" answers the help card', async () => {
      const { calls } = await send(agentMessage(connector.serviceUrl, alex, 'help'));
      expect(calls).toHaveLength(1);
      expect(cardMentions(cardOf(calls[0]), 'Relaydesk commands')).toBe(true);
    });

    it('"sessions" refreshes the panel in place and answers the Home dashboard', async () => {
      const { calls } = await send(agentMessage(connector.serviceUrl, alex, 'sessions'));
      expect(inChat(calls, alex.conversationId, 'update').map((call) => call.activityId)).toEqual([
        await panelId(),
      ]);
      const posted = inChat(calls, alex.conversationId);
      expect(posted).toHaveLength(1);
      expect(cardMentions(cardOf(posted[0]), 'Agent dashboard')).toBe(true);
    });

    it('"end" and "close" with Home focused say to select a session first', async () => {
      for (const command of ['end', 'close']) {
        const { calls } = await send(agentMessage(connector.serviceUrl, alex, command));
        expect(calls).toHaveLength(1);
        expect(cardMentions(cardOf(calls[0]), `then type "${command}"`)).toBe(true);
      }
    });

    it('"presence busy" updates the panel only; an unknown presence is explained', async () => {
      const busy = await send(agentMessage(connector.serviceUrl, alex, 'presence busy'));
      expect(inChat(busy.calls, alex.conversationId)).toEqual([]);
      expect(cardMentions(cardOf(inChat(busy.calls, alex.conversationId, 'update').at(-1)), 'Busy')).toBe(
        true,
      );

      const sleepy = await send(agentMessage(connector.serviceUrl, alex, 'presence sleepy'));
      expect(cardMentions(cardOf(inChat(sleepy.calls, alex.conversationId).at(-1)), 'Unknown presence')).toBe(
        true,
      );
      await send(agentMessage(connector.serviceUrl, alex, 'presence available'));
    });
  });

  describe('Action.Submit (the Emulator’s fallback for Action.Execute)', () => {
    let offer: RecordedCall;
    let workItemId: string;

    it('accept from a submitted card updates the offer card in place', async () => {
      const queued = await send(customerMessage(connector.serviceUrl, kim, 'My parcel never arrived'));
      offer = inChat(queued.calls, alex.conversationId).at(-1)!;
      const ids = actionData(cardOf(offer), 'accept');
      workItemId = ids['workItemId']!;

      const { calls } = await send(
        agentMessage(connector.serviceUrl, alex, undefined, {
          value: { verb: 'accept', ...ids },
          replyToId: offer.activityId,
        }),
      );
      const replaced = inChat(calls, alex.conversationId, 'update').filter(
        (c) => c.activityId === offer.activityId,
      );
      expect(replaced).toHaveLength(1);
      expect(cardMentions(cardOf(replaced[0]), 'Accepted')).toBe(true);
      expect(inChat(calls, kim.conversationId).map(textOf)).toEqual(["You're now chatting with Alex Agent."]);
    });

    it('"close" asks on the focused session; cancelling from the submitted card puts the panel in its place', async () => {
      const asked = await send(agentMessage(connector.serviceUrl, alex, 'close'));
      const confirm = inChat(asked.calls, alex.conversationId).at(-1)!;
      expect(actionData(cardOf(confirm), 'closeConfirm')).toEqual({ sessionId: workItemId });

      const { calls } = await send(
        agentMessage(connector.serviceUrl, alex, undefined, {
          value: { verb: 'closeCancel', sessionId: workItemId },
          replyToId: confirm.activityId,
        }),
      );
      const replaced = inChat(calls, alex.conversationId, 'update').filter(
        (c) => c.activityId === confirm.activityId,
      );
      expect(cardMentions(cardOf(replaced[0]), 'Close cancelled.')).toBe(true);
    });

    it('answers with a new card when the card to update is gone', async () => {
      connector.forget(offer.activityId);
      const submit = agentMessage(connector.serviceUrl, alex, undefined, {
        value: { verb: 'focus', sessionId: workItemId },
        replyToId: offer.activityId,
      });
      const { calls } = await send(submit);
      // Focus also re-sends the session's Active Conversation card; the answer is the reply to this very submit.
      const answers = inChat(calls, alex.conversationId).filter((call) => call.replyToId === submit['id']);
      expect(answers).toHaveLength(1);
      expect(answers[0]?.kind).toBe('reply');
    });

    it('answers a submit it cannot read with a card saying so, and a log line', async () => {
      const { calls } = await send(
        agentMessage(connector.serviceUrl, alex, undefined, { value: { verb: 'end', sessionId: '' } }),
      );
      expect(cardMentions(cardOf(calls.at(-1)), 'That action could not be used')).toBe(true);
      expect(desk.lines.some((line) => line.msg === 'malformed card submit' && line.level === 40)).toBe(true);
    });

    it('"end" ends the focused session and tells the customer', async () => {
      const { calls } = await send(agentMessage(connector.serviceUrl, alex, 'end'));
      expect(inChat(calls, kim.conversationId).map(textOf)).toEqual([
        'Alex Agent has ended the conversation. Send a message any time to start a new one.',
        SURVEY,
      ]);
      expect(cardMentions(cardOf(inChat(calls, alex.conversationId).at(-1)), 'ended')).toBe(true);
    });
  });

  describe('the panel card', () => {
    it('is posted afresh once a card action on it answered with another card', async () => {
      const queued = await send(customerMessage(connector.serviceUrl, lee, 'Hello?'));
      const offer = inChat(queued.calls, alex.conversationId).at(-1)!;
      await send(
        agentInvoke(
          connector.serviceUrl,
          alex,
          'accept',
          actionData(cardOf(offer), 'accept'),
          offer.activityId,
        ),
      );
      const before = await panelId();
      const sessionId = actionData(cardOf(offer), 'accept')['workItemId']!;

      // Close pressed on the panel: the answer (a confirmation) replaces the panel card in the chat.
      await send(agentInvoke(connector.serviceUrl, alex, 'close', { sessionId }, before));
      expect(await panelId()).toBeUndefined();

      const { calls } = await send(agentInvoke(connector.serviceUrl, alex, 'closeConfirm', { sessionId }));
      const fresh = inChat(calls, alex.conversationId);
      expect(fresh).toHaveLength(1);
      expect(await panelId()).toBe(fresh[0]?.activityId);
      expect(inChat(calls, alex.conversationId, 'update').filter((c) => c.activityId === before)).toEqual([]);
    });
  });

  describe('customers', () => {
    it('refuses a submitted card from a customer with a card, and changes nothing', async () => {
      const { calls } = await send({
        ...customerMessage(connector.serviceUrl, kim, ''),
        text: undefined,
        value: { verb: 'accept', workItemId: 'w', offerId: 'o' },
      });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.conversationId).toBe(kim.conversationId);
      expect(cardMentions(cardOf(calls[0]), 'for agents')).toBe(true);
    });

    it('ignores, with a debug line, a customer message without text and activity types it does not handle', async () => {
      const empty = await send(customerMessage(connector.serviceUrl, kim, '   '));
      const typing = await send({ ...customerMessage(connector.serviceUrl, kim, ''), type: 'typing' });
      const reaction = await send({
        ...agentMessage(connector.serviceUrl, alex, undefined),
        type: 'messageReaction',
      });
      expect([...empty.calls, ...typing.calls, ...reaction.calls]).toEqual([]);
      const debug = desk.lines.filter((line) => line.level === 20).map((line) => line.msg);
      expect(debug).toEqual(
        expect.arrayContaining(['customer message without text ignored', 'activity type ignored']),
      );
    });
  });

  describe('invokes the bot does not handle', () => {
    it('answers an action that is not Action.Execute with botbuilder’s 400 NotSupported error body', async () => {
      const invoke = agentInvoke(connector.serviceUrl, alex, 'focus', { sessionId: 'home' });
      const result = await postActivity(desk.app.url, {
        ...invoke,
        value: { action: { type: 'Action.OpenUrl', url: 'https://example.com' } },
      });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'NotSupported', message: "The action 'Action.OpenUrl' is not supported." },
      });
    });

    it('answers an invoke without an action with a 400 error body', async () => {
      const invoke = agentInvoke(connector.serviceUrl, alex, 'focus', { sessionId: 'home' });
      const result = await postActivity(desk.app.url, { ...invoke, value: 'focus' });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ value: { message: 'The invoke carries no action.' } });
    });

    it('leaves other invoke names to the Teams handler, which does not implement them', async () => {
      const invoke = agentInvoke(connector.serviceUrl, alex, 'focus', { sessionId: 'home' });
      const result = await postActivity(desk.app.url, { ...invoke, name: 'composeExtension/query' });
      expect(result.status).toBe(501);
    });
  });

  describe('installation (last: Sam becomes a second agent routing could offer work to)', () => {
    const installation = (action: string): ActivityJson => ({
      ...agentMessage(connector.serviceUrl, sam, undefined),
      type: 'installationUpdate',
      action,
    });

    it('posts the panel when the app is installed for a new agent, and nothing when it is removed', async () => {
      const removed = await send(installation('remove'));
      expect(removed.calls).toEqual([]);
      const added = await send(installation('add'));
      expect(inChat(added.calls, sam.conversationId)).toHaveLength(1);
      expect(cardMentions(cardOf(added.calls[0]), 'Sam Agent')).toBe(true);
    });

    it('keeps the display name current from later activities (install events may carry none)', async () => {
      const renamed: TestAgent = { ...sam, name: 'Samantha Agent' };
      await send(agentMessage(connector.serviceUrl, renamed, 'help'));
      const stored = await readStored(desk.app, [`agent/${sam.aadObjectId}`]);
      expect(stored[`agent/${sam.aadObjectId}`]).toMatchObject({ name: 'Samantha Agent' });
    });
  });

  describe('failures', () => {
    it('a failing turn is answered 500 (nothing says it was handled), logged with conversation and activity ids, and the user reads a neutral sentence', async () => {
      brokenKind = 'help';
      const activity = agentMessage(connector.serviceUrl, alex, 'help');
      const mark = connector.calls.length;
      const result = await postActivity(desk.app.url, activity);
      expect(result.status).toBe(500);
      expect(result.body).toEqual({
        code: 'InternalError',
        message: 'The desk could not handle this activity.',
      });
      expect(connector.calls.slice(mark).map(textOf)).toEqual([TURN_ERROR_TEXT]);
      expect(desk.lines).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: 'activity not handled: the turn failed',
          status: 500,
          conversationId: alex.conversationId,
          activityId: activity['id'],
        }),
      );
      const failed = desk.lines.find((line) => line.msg === 'turn failed');
      expect(failed).toMatchObject({
        level: 50,
        conversationId: alex.conversationId,
        activityId: activity['id'],
      });
    });

    it('a failing card action answers 500 with an error body', async () => {
      brokenKind = 'panel';
      const result = await postActivity(
        desk.app.url,
        agentInvoke(connector.serviceUrl, alex, 'togglePanel', { sessionId: 'home' }),
      );
      expect(result.status).toBe(500);
      expect(result.body).toMatchObject({
        statusCode: 500,
        type: 'application/vnd.microsoft.error',
        value: { code: 'InternalError', message: TURN_ERROR_TEXT },
      });
    });
  });
});
