/**
 * Malformed, oversized and marked-up input to `transfer` and `note` (issue 14), through POST /api/messages
 * (Action.Execute) and the tab's POST /api/agent/actions: refused with a clear card or a 400 and nothing stored, or
 * kept as written and shown escaped. Also what a careless agent can do: a transfer to someone already promised
 * work, a conversation ended or closed while its transfer waits.
 */
import { escapeCardText } from '../../src/cards/escape';
import { NOTE_MAX_CHARS, cleanAgentText } from '../../src/domain/notes';
import { TRANSFER_NOTE_MAX_CHARS } from '../../src/domain/transfer';
import type { WorkspaceState } from '../../src/web/agent-api';
import { agentInvoke, customerMessage } from '../support/activities';
import { actionData, actionsWithVerb, cardOf, textBlocks } from '../support/cards';
import { recordReliabilityRow } from '../support/reliability-rows';
import {
  NO_LONGER_AVAILABLE,
  offersTo,
  testAgent,
  testCustomer,
  updatesTo,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';
import { api, devSignIn } from '../web/agent-api-support';
import { TransferStage } from './transfer-stage';

const alex = testAgent('Alex');
const bea = testAgent('Bea');
const cleo = testAgent('Cleo');
const AGENTS = [alex, bea, cleo];
const CONNECTING = "I'm connecting you with a colleague. Your conversation history is kept.";
const CANNOT_TAKE =
  'That agent cannot take a transfer now: choose someone Available or Busy with free capacity.';
const noteTooLong = (length: number) =>
  `A note holds at most ${NOTE_MAX_CHARS} characters; this one has ${length}. Shorten it and add it again.`;
const transferNoteTooLong = (length: number) =>
  `A transfer note holds at most ${TRANSFER_NOTE_MAX_CHARS} characters; this one has ${length}. Shorten it and transfer again.`;

/** Markup, mentions, control and bidi characters: what an agent might paste into a note. */
const MARKED_UP = [
  '[click](http://evil.example) **bold** <at>Bea Agent</at> <script>x</script>',
  '# Heading\n- item\n1. first\n> quote | a | b |',
  'safe\u0000\u0007\u001b[31m red \u202Edesrever\u202C \u2066iso\u2069 ${$root.x} {{DATE(2017-02-14T06:08:39Z)}}',
];

const tally = { attempts: 0, asExpected: 0 };

describe('transfer and note input, through chat and the tab', () => {
  const scene = useReliabilityScene(AGENTS, {
    env: { AGENT_CAPACITY: '2', MAX_SESSIONS: '10', NOTIFICATION_TIMEOUT_S: '60', WRAP_UP_HOLD_S: '0' },
  });
  const stage = new TransferStage({
    serviceUrl: () => scene.serviceUrl,
    urls: () => [scene.app.url],
    apps: () => [scene.app],
    connector: () => scene.connector,
    agents: AGENTS,
  });
  let token: string;

  beforeAll(async () => {
    for (const agent of AGENTS) await scene.tell(agent, 'hi');
    token = await devSignIn(scene.app.baseUrl, alex.aadObjectId);
  });

  beforeEach(async () => {
    await stage.closeAll();
    for (const agent of AGENTS) await scene.tell(agent, 'presence available');
  });

  afterAll(() => {
    recordReliabilityRow({
      scenario: '3c. transfer and note input',
      load: `${tally.attempts} transfer and note actions (chat cards and the tab API)`,
      faults:
        'oversized and non-string notes, toQueue false, both destinations, markup, control and bidi characters',
      sent: tally.attempts,
      delivered: tally.asExpected,
      lost: tally.attempts - tally.asExpected,
      duplicated: 0,
      note: 'delivered = refused with nothing stored, or kept as written and shown escaped',
    });
  });

  const tab = (body: Record<string, unknown>) =>
    api<{ view: { kind: string; text?: string; title?: string } }>(
      scene.app.baseUrl,
      'POST',
      '/api/agent/actions',
      {
        token,
        body,
      },
    );

  async function invoke(verb: string, data: Record<string, unknown>) {
    const result = await scene.post(agentInvoke(scene.serviceUrl, alex, verb, data));
    expect(result.status).toBe(200);
    return { body: result.body as InvokeBody, calls: result.calls };
  }

  /** A press whose data cannot be used: botbuilder answers the invoke 400 with the problem named. */
  async function unusable(verb: string, data: Record<string, unknown>) {
    const result = await scene.post(agentInvoke(scene.serviceUrl, alex, verb, data));
    expect(result.status).toBe(400);
    return { said: JSON.stringify(result.body), calls: result.calls };
  }

  async function notesOf(workItemId: string): Promise<string[]> {
    const { body } = await invoke('note', { sessionId: workItemId });
    return textBlocks(body.value);
  }

  it(`refuses a note over ${NOTE_MAX_CHARS} characters with a clear card, in chat and in the tab; nothing is kept`, async () => {
    const { workItemId } = await stage.conversationFor(alex, 'long-note');
    const long = 'n'.repeat(NOTE_MAX_CHARS + 1);
    tally.attempts += 2;
    const { body } = await invoke('note', { sessionId: workItemId, text: long });
    expect(textBlocks(body.value)).toContain(noteTooLong(NOTE_MAX_CHARS + 1));
    const viaTab = await tab({ verb: 'note', sessionId: workItemId, text: `  ${long}  ` });
    expect(viaTab.status).toBe(200);
    expect(viaTab.body.view.text).toBe(noteTooLong(NOTE_MAX_CHARS + 1));
    expect(await notesOf(workItemId)).not.toContain(long);
    tally.asExpected += 2;

    tally.attempts += 1;
    const exact = 'e'.repeat(NOTE_MAX_CHARS);
    const kept = await invoke('note', { sessionId: workItemId, text: exact });
    expect(textBlocks(kept.body.value)).toContain(exact);
    tally.asExpected += 1;
  });

  it.each([
    ['a number', 42],
    ['an object', { text: 'nested' }],
    ['an array', ['a', 'b']],
    ['true', true],
  ])(
    'refuses a note whose text is %s with a 400, in chat and in the tab; nothing is kept',
    async (_what, text) => {
      const { workItemId } = await stage.conversationFor(alex, `junk-note-${typeof text}`);
      tally.attempts += 2;
      const { said } = await unusable('note', { sessionId: workItemId, text });
      expect(said).toContain(JSON.stringify('"text" must be a string').slice(1, -1));
      const viaTab = await tab({ verb: 'note', sessionId: workItemId, text });
      expect(viaTab.status).toBe(400);
      expect(await notesOf(workItemId)).toContain('No notes yet.');
      tally.asExpected += 2;
    },
  );

  it(`refuses a transfer note over ${TRANSFER_NOTE_MAX_CHARS} characters (it used to be cut): nothing offered, nobody told`, async () => {
    const { workItemId, customer } = await stage.conversationFor(alex, 'long-handover');
    const long = 'h'.repeat(TRANSFER_NOTE_MAX_CHARS + 1);
    tally.attempts += 2;
    const { body, calls } = await invoke('transfer', {
      sessionId: workItemId,
      toAgentId: bea.aadObjectId,
      note: long,
    });
    expect(textBlocks(body.value)).toContain(transferNoteTooLong(TRANSFER_NOTE_MAX_CHARS + 1));
    expect(offersTo(calls, bea)).toEqual([]);
    expect(stage.textsTo(calls, customer.conversationId)).toEqual([]);
    const viaTab = await tab({
      verb: 'transfer',
      sessionId: workItemId,
      toAgentId: bea.aadObjectId,
      note: long,
    });
    expect(viaTab.body.view.text).toBe(transferNoteTooLong(TRANSFER_NOTE_MAX_CHARS + 1));
    expect((await scene.workItem(workItemId))?.item.transfer).toBeUndefined();
    expect(
      (await scene.agentDoc(alex))?.panel.sessions.find((s) => s.id === workItemId)?.transferPendingTo,
    ).toBe(undefined);
    tally.asExpected += 2;

    tally.attempts += 1;
    const exact = 'x'.repeat(TRANSFER_NOTE_MAX_CHARS);
    const kept = await invoke('transfer', {
      sessionId: workItemId,
      toAgentId: bea.aadObjectId,
      note: ` ${exact}\n`,
    });
    expect(textBlocks(kept.body.value)[0]).toBe('Transfer requested');
    expect(stage.textsTo(kept.calls, customer.conversationId)).toEqual([CONNECTING]);
    expect(textBlocks(cardOf(offersTo(kept.calls, bea).at(-1)))).toContain(exact);
    expect((await scene.workItem(workItemId))?.item.transfer?.note).toBe(exact);
    tally.asExpected += 1;
  });

  it.each([
    ['toQueue: false', { toQueue: false }, '"toQueue" must be true when given'],
    ['toQueue: "true"', { toQueue: 'true' }, '"toQueue" must be true when given'],
    [
      'both an agent and the queue',
      { toAgentId: bea.aadObjectId, toQueue: true },
      'names both an agent and the queue: choose one',
    ],
    ['a numeric agent id', { toAgentId: 7 }, '"toAgentId" must be a non-empty string'],
    ['an empty agent id', { toAgentId: '  ' }, '"toAgentId" must be a non-empty string'],
    ['a note that is not a string', { toAgentId: 'aad-bea', note: { text: 'x' } }, '"note" must be a string'],
  ])(
    'refuses a transfer with %s with a 400 naming it, in chat and in the tab; nothing changes',
    async (_what, data, says) => {
      const { workItemId, customer } = await stage.conversationFor(alex, `bad-transfer-${_what.length}`);
      const before = await stage.snapshot(workItemId, AGENTS);
      tally.attempts += 2;
      const { said, calls } = await unusable('transfer', { sessionId: workItemId, ...data });
      expect(said).toContain(JSON.stringify(says).slice(1, -1));
      expect(stage.textsTo(calls, customer.conversationId)).toEqual([]);
      const viaTab = await tab({ verb: 'transfer', sessionId: workItemId, ...data });
      expect(viaTab.status).toBe(400);
      expect((viaTab.body as unknown as { message: string }).message).toBe(`transfer: ${says}`);
      expect(await stage.snapshot(workItemId, AGENTS)).toEqual(before);
      tally.asExpected += 2;
    },
  );

  it.each(MARKED_UP.map((text, index) => [index + 1, text] as const))(
    'markup %i in a note and a transfer note is kept as written and shown escaped on the notes card and the offer',
    async (index, text) => {
      const { workItemId } = await stage.conversationFor(alex, `markup-${index}`);
      tally.attempts += 2;
      const noted = await invoke('note', { sessionId: workItemId, text });
      const stored = cleanAgentText(text);
      for (const control of ['\u0000', '\u0007', '\u001b']) expect(stored).not.toContain(control);
      expect(textBlocks(noted.body.value)).toContain(escapeCardText(stored));
      const { calls } = await invoke('transfer', {
        sessionId: workItemId,
        toAgentId: bea.aadObjectId,
        note: text,
      });
      const offer = cardOf(offersTo(calls, bea).at(-1));
      expect(textBlocks(offer)).toEqual(expect.arrayContaining([escapeCardText(stored)]));
      for (const card of [noted.body.value, offer]) {
        const json = JSON.stringify(card);
        expect(json).not.toContain('<');
        expect(json).not.toContain('\u202E');
        expect(json).not.toMatch(/[^\\]\]\(http/);
      }
      expect(actionsWithVerb(offer, 'accept')).toHaveLength(1);
      tally.asExpected += 2;
    },
  );

  it('a transfer to a colleague already offered a queued conversation counts that offer: refused at capacity', async () => {
    await stage.fillTo(bea, 1, 'promised');
    const { workItemId } = await stage.conversationFor(alex, 'promised-transfer');
    // A new customer while Alex and Cleo are away: offered to Bea, who leaves it unanswered (her last free room).
    await scene.tell(alex, 'presence away');
    await scene.tell(cleo, 'presence away');
    const waiting = testCustomer('promised-waiting');
    const queued = await scene.send(customerMessage(scene.serviceUrl, waiting, 'Anyone there?'));
    expect(offersTo(queued.calls, bea)).toHaveLength(1);
    tally.attempts += 1;
    const { body } = await invoke('transfer', { sessionId: workItemId, toAgentId: bea.aadObjectId });
    expect(textBlocks(body.value)).toContain(CANNOT_TAKE);
    const picker = await invoke('transfer', { sessionId: workItemId });
    expect(JSON.stringify(picker.body.value)).not.toContain(bea.aadObjectId);
    expect((await scene.workItem(workItemId))?.item.transfer).toBeUndefined();
    tally.asExpected += 1;
    await stage.answerAll(bea, queued.calls, 'reject');
  });

  it.each(['end', 'closeConfirm'])(
    "%s while a transfer waits: the target's offer card loses its buttons, their tab's offers drop it",
    async (verb) => {
      const { workItemId, accept } = await stage.pendingTransfer(alex, bea, `withdrawn-${verb}`);
      const beaToken = await devSignIn(scene.app.baseUrl, bea.aadObjectId);
      const offersBefore = await api<WorkspaceState>(scene.app.baseUrl, 'GET', '/api/agent/workspace', {
        token: beaToken,
      });
      expect(offersBefore.body.offers.map((offer) => offer.workItemId)).toEqual([workItemId]);
      tally.attempts += 1;
      const { calls } = await invoke(verb, { sessionId: workItemId });
      const updated = updatesTo(calls, bea.conversationId).filter(
        (call) => call.activityId === accept.activityId,
      );
      expect(updated).toHaveLength(1);
      expect(textBlocks(cardOf(updated[0]))).toContain(NO_LONGER_AVAILABLE);
      expect(actionsWithVerb(cardOf(updated[0]), 'accept')).toEqual([]);
      const offersAfter = await api<WorkspaceState>(scene.app.baseUrl, 'GET', '/api/agent/workspace', {
        token: beaToken,
      });
      expect(offersAfter.body.offers).toEqual([]);
      const late = await scene.press(bea, 'accept', actionData(cardOf(accept), 'accept'), accept.activityId);
      expect(late.texts).toContain(NO_LONGER_AVAILABLE);
      expect(await stage.problems(workItemId, 2)).toEqual([]);
      tally.asExpected += 1;
    },
  );

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
