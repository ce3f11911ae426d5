/**
 * A flood of web chat conversation starts from one client address while chats are live (issue "Hardening: one
 * request must never stop the desk", finding 7). Before, each start past maxConversations ended the chat idle
 * longest, so a second of POSTs ended every live chat. Now the address is limited (429) and a full channel refuses
 * (503): the live chats go on, and nothing they were told was taken goes missing.
 */
import { DIRECT_LINE_PATHS } from '../../src/web/webchat/directline-contract';
import { recordHardeningRow } from '../support/reliability-rows';
import { runBounded, testAgent, useReliabilityScene } from '../support/reliability-scene';
import { WebchatCustomer } from '../support/webchat-client';

const LIVE_CHATS = 5;
const FLOOD = 1001;
const IN_FLIGHT = 20;
/** Small enough that the flood fills the channel before its address runs out of starts: both refusals happen. */
const MAX_CONVERSATIONS = 20;
/** The default maxStartsPerMinutePerAddress; the live chats' own starts count in the same minute. */
const STARTS_PER_MINUTE = 30;
const IDLE_MS = 10 * 60 * 1000;

interface FloodAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
}

interface Acknowledged {
  readonly chat: WebchatCustomer;
  readonly id: string;
  readonly text: string;
}

describe(`${FLOOD} web chat conversation starts from one address while ${LIVE_CHATS} chats are live`, () => {
  const alex = testAgent('Alex');
  const scene = useReliabilityScene([alex], {
    start: {
      webchatLimits: {
        maxConversations: MAX_CONVERSATIONS,
        maxStartsPerMinutePerAddress: STARTS_PER_MINUTE,
        idleMs: IDLE_MS,
      },
    },
  });
  const chats: WebchatCustomer[] = [];
  const acknowledged: Acknowledged[] = [];
  let answers: FloodAnswer[];
  let floodMark: number;

  /** Every live chat says something; what the channel acknowledged is kept to look for afterwards. */
  async function exchange(round: string): Promise<void> {
    for (const [index, chat] of chats.entries()) {
      const text = `Chat ${index + 1}, ${round}`;
      acknowledged.push({ chat, id: await chat.say(text), text });
    }
    await scene.settle();
  }

  async function startOnce(): Promise<FloodAnswer> {
    const response = await fetch(`${scene.app.baseUrl}${DIRECT_LINE_PATHS.conversations}`, {
      method: 'POST',
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  }

  const countOf = (status: number) => answers.filter((answer) => answer.status === status).length;

  /** Acknowledged messages missing from their chat's transcript on the channel or from the desk's work item. */
  async function lostMessages(): Promise<Acknowledged[]> {
    const lost: Acknowledged[] = [];
    for (const chat of chats) {
      const read = await chat.read('0');
      expect(read.status).toBe(200);
      const onChannel = new Set(read.body.activities.map((activity) => activity.id));
      const userId = read.body.activities.find((activity) => activity.from.role === 'user')?.from.id;
      const customer = await scene.read<{ latestWorkItemId?: string }>(`customer/webchat:${userId}`);
      const workItem = customer?.latestWorkItemId
        ? await scene.workItem(customer.latestWorkItemId)
        : undefined;
      const atDesk = new Set(
        (workItem?.transcript ?? []).filter((line) => line.from === 'customer').map((line) => line.text),
      );
      for (const message of acknowledged.filter((entry) => entry.chat === chat)) {
        if (!onChannel.has(message.id) || !atDesk.has(message.text)) lost.push(message);
      }
    }
    return lost;
  }

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    for (let index = 0; index < LIVE_CHATS; index += 1) {
      chats.push(await WebchatCustomer.start(scene.app.baseUrl));
    }
    await exchange('before the flood');
    floodMark = scene.desk.lines.length;
    const flood = await runBounded(
      Array.from({ length: FLOOD }, (_, index) => index),
      IN_FLIGHT,
      startOnce,
    );
    answers = flood.results;
    await exchange('after the flood');
  });

  it('starts only what fits, and refuses the rest with 429 (the address) or 503 (full), each with Retry-After', () => {
    const started = MAX_CONVERSATIONS - LIVE_CHATS;
    const full = STARTS_PER_MINUTE - LIVE_CHATS - started;
    expect({ 201: countOf(201), 429: countOf(429), 503: countOf(503) }).toEqual({
      201: started,
      429: FLOOD - started - full,
      503: full,
    });
    expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
    const refusals = answers.filter((answer) => answer.status === 429 || answer.status === 503);
    expect(refusals.every((answer) => /^[1-9]\d*$/.test(answer.retryAfter ?? ''))).toBe(true);
  });

  it('every live chat goes on: its token posts and reads, and nothing it was told was taken is missing', async () => {
    expect(acknowledged).toHaveLength(2 * LIVE_CHATS);
    expect(await lostMessages()).toEqual([]);
  });

  it('logs each burst of refusals once as a warning, with the address, and no error', () => {
    const warnings = scene.desk.lines
      .slice(floodMark)
      .filter(
        (line) => line.level === 40 && String(line.msg).startsWith('webchat conversation start refused'),
      );
    expect(warnings.map((line) => [line.msg, line['status']])).toEqual(
      expect.arrayContaining([
        ['webchat conversation start refused: the channel is full', 503],
        ['webchat conversation start refused: too many from this address', 429],
      ]),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings.every((line) => /127\.0\.0\.1$/.test(String(line['remoteAddress'])))).toBe(true);
    expect(scene.errors()).toEqual([]);
  });

  it('once the flood’s unused chats idle out, a new chat starts, and the live ones (still polling) go on', async () => {
    scene.desk.clock.advance(IDLE_MS - 60_000);
    for (const chat of chats) expect((await chat.read()).status).toBe(200);
    scene.desk.clock.advance(2 * 60_000);
    expect((await startOnce()).status).toBe(201);
    for (const chat of chats) expect((await chat.read()).status).toBe(200);
  });

  it('the server still answers /healthz; recorded as hardening finding 7', async () => {
    const alive = (await fetch(`${scene.app.baseUrl}/healthz`)).status === 200;
    expect(alive).toBe(true);
    const lost = (await lostMessages()).length;
    recordHardeningRow({
      finding: '7. web chat conversation starts flood',
      attempts: FLOOD,
      refused: countOf(429) + countOf(503),
      lost,
      alive,
      note:
        `${FLOOD} starts from one address, ${IN_FLIGHT} in flight, ${LIVE_CHATS} chats live ` +
        `(maxConversations ${MAX_CONVERSATIONS}, ${STARTS_PER_MINUTE} starts/min/address): ` +
        `${countOf(201)} × 201, ${countOf(503)} × 503, ${countOf(429)} × 429, ` +
        `${answers.length - countOf(201) - countOf(429) - countOf(503)} other; ` +
        `${acknowledged.length} live-chat messages acknowledged, ${lost} missing`,
    });
  });
});
