import type { OfferView } from '../../src/app/views';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import { AGENT_API, type WorkspaceState } from '../../src/web/agent-api';
import { agentMessage, customerMessage, postActivity, type ActivityJson } from '../support/activities';
import { FakeConnector } from '../support/fake-connector';
import { startTestDesk, type TestDesk } from '../support/harness';
import { EventStreamReader, api, devSignIn, type SseEvent } from './agent-api-support';
import { alex, bea } from '../support/fixtures';

/** How long a change may take to reach an open stream in these tests. */
const BOUNDED_WAIT_MS = 2000;

/** When the desk sent a workspace event, by its clock: the event's only data. */
const sentAt = (event: SseEvent): number => (JSON.parse(event.data) as { at: number }).at;

describe('the agent event stream (Server-Sent Events)', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let alexToken: string;
  let beaToken: string;
  let alexStream: EventStreamReader;
  let beaStream: EventStreamReader;
  let v1: string;

  const send = async (activity: ActivityJson) => {
    expect((await postActivity(desk.app.url, activity)).status).toBe(200);
  };

  const eventsUrl = (token: string) =>
    `${desk.app.baseUrl}${AGENT_API.events}?access_token=${encodeURIComponent(token)}`;

  /**
   * A marker: a later change for `agent` alone (they ask the bot for their panel again), made after the desk's
   * clock moved on, so that its event, and no earlier one, is sent at the returned time.
   */
  const marker = async (agent: typeof alex): Promise<number> => {
    desk.clock.advance(1);
    const markedAt = desk.clock.now();
    await send(agentMessage(connector.serviceUrl, agent, 'sessions'));
    return markedAt;
  };

  /** The workspace events the stream received after its first `seen`, up to the marker's (which must come). */
  const eventsBeforeMarker = async (stream: EventStreamReader, seen: number, markedAt: number) => {
    const isMarker = (event: SseEvent) => sentAt(event) === markedAt;
    await stream.waitFor(
      'the marker event',
      () => stream.named('workspace').slice(seen).some(isMarker),
      BOUNDED_WAIT_MS,
    );
    const after = stream.named('workspace').slice(seen);
    return after.slice(0, after.findIndex(isMarker));
  };

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk(
      { AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`, RATE_LIMIT_PER_MINUTE: '0' },
      // A window wide enough that ten POSTs in a row fall in it on any backend and any load.
      { eventHeartbeatMs: 50, eventCoalesceMs: 500 },
    );
    alexToken = await devSignIn(desk.app.baseUrl, alex.aadObjectId);
    beaToken = await devSignIn(desk.app.baseUrl, bea.aadObjectId);
    await send(agentMessage(connector.serviceUrl, alex, 'hi'));
    await send(agentMessage(connector.serviceUrl, bea, 'hi'));
    await send(agentMessage(connector.serviceUrl, bea, 'presence away'));
    await send(
      customerMessage(connector.serviceUrl, { userId: 'web-user-1', conversationId: 'conv-1' }, 'Hello'),
    );
    const workspace = await api<WorkspaceState>(desk.app.baseUrl, 'GET', AGENT_API.workspace, {
      token: alexToken,
    });
    const offer = workspace.body.offers[0] as OfferView;
    v1 = offer.workItemId;
    const accepted = await api(desk.app.baseUrl, 'POST', AGENT_API.actions, {
      token: alexToken,
      body: { verb: 'accept', workItemId: v1, offerId: offer.offerId },
    });
    expect(accepted.status).toBe(200);
  });

  afterAll(async () => {
    alexStream?.close();
    beaStream?.close();
    await desk.app.close();
    await connector.close();
  });

  it('opens as text/event-stream with a retry delay and an initial workspace event', async () => {
    alexStream = await EventStreamReader.open(eventsUrl(alexToken));
    expect(alexStream.response.status).toBe(200);
    expect(alexStream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(alexStream.response.headers.get('cache-control')).toBe('no-store');
    await alexStream.waitForEvents('workspace', 1);
    expect(alexStream.retries).toEqual([2000]);
    expect(JSON.parse(alexStream.named('workspace')[0]!.data)).toEqual({ at: desk.clock.now() });

    // The Authorization header works as well (EventSource cannot send it, fetch-based clients can).
    beaStream = await EventStreamReader.open(`${desk.app.baseUrl}${AGENT_API.events}`, {
      authorization: `Bearer ${beaToken}`,
    });
    await beaStream.waitForEvents('workspace', 1);
  });

  it('sends heartbeat comment lines', async () => {
    await alexStream.waitFor(
      'two heartbeats',
      () => alexStream.comments.filter((c) => c === 'heartbeat').length >= 2,
    );
  });

  it("a customer message to the agent's session produces a workspace event for that agent only, within a bounded wait", async () => {
    const alexBefore = alexStream.named('workspace').length;
    const beaBefore = beaStream.named('workspace').length;
    await send(
      customerMessage(
        connector.serviceUrl,
        { userId: 'web-user-1', conversationId: 'conv-1' },
        'Are you there?',
      ),
    );
    await alexStream.waitForEvents('workspace', alexBefore + 1, BOUNDED_WAIT_MS);
    // Bea's first event from now on is the one for her own later change: the message told her stream nothing.
    const markedAt = await marker(bea);
    expect(await eventsBeforeMarker(beaStream, beaBefore, markedAt)).toEqual([]);
  });

  it('a burst of changes reaches the stream as a few events, not one per change', async () => {
    const before = alexStream.named('workspace').length;
    for (let n = 0; n < 10; n += 1) {
      await send(
        customerMessage(connector.serviceUrl, { userId: 'web-user-1', conversationId: 'conv-1' }, `m${n}`),
      );
    }
    await alexStream.waitForEvents('workspace', before + 1, BOUNDED_WAIT_MS);
    // Whatever the burst made reached the stream before the event for a change made after it.
    const burst = await eventsBeforeMarker(alexStream, before, await marker(alex));
    expect(burst.length).toBeGreaterThanOrEqual(1);
    expect(burst.length).toBeLessThan(10);
  });

  it('a new customer in the queue changes every agent’s dashboard, so every open stream hears of it', async () => {
    const beaBefore = beaStream.named('workspace').length;
    await send(
      customerMessage(connector.serviceUrl, { userId: 'web-user-2', conversationId: 'conv-2' }, 'Hi'),
    );
    await beaStream.waitForEvents('workspace', beaBefore + 1, BOUNDED_WAIT_MS);
  });

  it('a queued customer who writes again changes the queue’s rows (the Floor’s last message), so every open stream hears of it', async () => {
    // What earlier changes sent has reached Bea's stream before the message is written.
    await eventsBeforeMarker(beaStream, beaStream.named('workspace').length, await marker(bea));
    desk.clock.advance(1);
    const wroteAt = desk.clock.now();
    const before = beaStream.named('workspace').length;
    await send(
      customerMessage(
        connector.serviceUrl,
        { userId: 'web-user-2', conversationId: 'conv-2' },
        'Is anyone there?',
      ),
    );
    // It is still queued (offered to Alex, not taken): nothing but the message changed.
    const tables = createDeskRepositories(desk.app.database);
    const [entry] = (await tables.queue.get('default')).entries;
    const queued = await tables.workItems.get(entry?.workItemId ?? '');
    expect(queued?.item).toMatchObject({ state: 'open', customerMessageCount: 2 });
    await beaStream.waitFor(
      'the second message’s event',
      () =>
        beaStream
          .named('workspace')
          .slice(before)
          .some((event) => sentAt(event) === wroteAt),
      BOUNDED_WAIT_MS,
    );
  });

  it('an action in the chat reaches the tab too', async () => {
    const before = alexStream.named('workspace').length;
    await send(agentMessage(connector.serviceUrl, alex, 'presence away'));
    await alexStream.waitForEvents('workspace', before + 1, BOUNDED_WAIT_MS);
  });

  it('ends the streams cleanly when the server closes, without waiting for the close grace period', async () => {
    const started = Date.now();
    await desk.app.close();
    await alexStream.ended;
    await beaStream.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(desk.lines.some((line) => line.msg === 'event streams closed' && line['streams'] === 2)).toBe(
      true,
    );
  });
});
