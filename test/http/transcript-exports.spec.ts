/**
 * Transcripts and the conversations CSV over HTTP: Alex and Bea are agents, Sam a supervisor who takes no work.
 * Kim's conversation is Alex's; Lou waits in the queue. An agent exports only their own sessions (404 for anyone
 * else's), a supervisor any conversation and the CSV of a range of days; anyone else is answered 403, and nothing
 * of it is logged as an error. The desk's clock is fake, so every time in the files is exact.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { alex, bea, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { useTeamworkDesk } from '../support/teamwork-desk';
import { api, devSignIn } from '../web/agent-api-support';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'export-visitor-1', conversationId: 'conv-export-1' };
const lou: TestCustomer = { userId: 'export-visitor-2', conversationId: 'conv-export-2' };

const CSV_HEADER = 'id,channel,title,agents,created,accepted,ended,wait s,handle s,outcome,CSAT';

const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const iso = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('exports: transcripts as text, conversations as CSV', () => {
  const team = useTeamworkDesk([alex, bea], {
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  const tokens = new Map<string, string>();
  let kimItem: string;
  let louItem: string;
  let createdAt: number;

  const get = async (agent: TestAgent, path: string) => {
    const token =
      tokens.get(agent.aadObjectId) ?? (await devSignIn(team.desk.app.baseUrl, agent.aadObjectId));
    tokens.set(agent.aadObjectId, token);
    return api<string>(team.desk.app.baseUrl, 'GET', path, { token });
  };
  const errorsLogged = () => team.desk.lines.filter((line) => line.level >= 50);

  beforeAll(async () => {
    await team.tell(alex, 'hi');
    await team.tell(bea, 'hi');
    createdAt = team.desk.clock.now();
    await team.say(kim, 'My parcel is late');
    team.desk.clock.advance(30_000);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    team.desk.clock.advance(15_000);
    await team.tell(alex, 'Sorry to hear that, let me look');
    await team.say(kim, 'Order 1234\nplaced on Monday');
    await team.say(lou, '=HYPERLINK("http://evil.example","click")');
    louItem = (await team.tables().queue.get('default')).entries[0]!.workItemId;
  });

  it("exports the agent's own session as a text file: the header, then every line with its time and sender", async () => {
    const answer = await get(alex, `/api/agent/sessions/${kimItem}/transcript.txt`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="relaydesk-transcript-visitor-1-${day(createdAt)}.txt"`,
    );
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const [header, body] = answer.body.split('\n\n');
    expect(header!.split('\n')).toEqual([
      'Relaydesk transcript',
      'Conversation: Visitor 1',
      `Id: ${kimItem}`,
      'Channel: emulator',
      `Created: ${iso(createdAt)}`,
      'State: Active',
      'Agents: Alex Agent',
      `Exported: ${iso(team.desk.clock.now())}`,
      'Lines: 3',
    ]);
    expect(body!.split('\n')).toEqual([
      `${iso(createdAt)}  Visitor 1: My parcel is late`,
      `${iso(createdAt + 45_000)}  Alex Agent: Sorry to hear that, let me look`,
      `${iso(createdAt + 45_000)}  Visitor 1: Order 1234`,
      '    placed on Monday',
      '',
    ]);
  });

  it("answers 404 to another agent asking for that session's transcript, as for the session itself", async () => {
    const answer = await get(bea, `/api/agent/sessions/${kimItem}/transcript.txt`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'NotFound' });
    expect(errorsLogged()).toEqual([]);
  });

  it('exports any conversation to a supervisor: one being worked on, and one still in the queue', async () => {
    const kimFile = await get(sam, `/api/supervisor/conversations/${kimItem}/transcript.txt`);
    expect(kimFile.status).toBe(200);
    expect(kimFile.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(kimFile.body).toContain(
      `${iso(createdAt + 45_000)}  Alex Agent: Sorry to hear that, let me look\n`,
    );
    const louFile = await get(sam, `/api/supervisor/conversations/${louItem}/transcript.txt`);
    expect(louFile.status).toBe(200);
    expect(louFile.body).toContain('State: Open (in the queue)\nAgents: none\n');
    expect(louFile.body).toContain(`Visitor 2: =HYPERLINK("http://evil.example","click")\n`);
    const unknown = await get(sam, '/api/supervisor/conversations/no-such-item/transcript.txt');
    expect(unknown.status).toBe(404);
  });

  it('answers 403 to an agent who is not a supervisor, on both supervisor routes, logging no error', async () => {
    const transcript = await get(alex, `/api/supervisor/conversations/${kimItem}/transcript.txt`);
    const csv = await get(
      alex,
      `/api/supervisor/conversations.csv?from=${day(createdAt)}&to=${day(createdAt)}`,
    );
    expect([transcript.status, csv.status]).toEqual([403, 403]);
    expect(csv.body).toMatchObject({ code: 'Forbidden' });
    expect(errorsLogged()).toEqual([]);
  });

  it('exports the conversations created in a range of days as CSV: accepted, ended, wait and handle times', async () => {
    team.desk.clock.advance(60_000);
    const closed = await api(team.desk.app.baseUrl, 'POST', '/api/supervisor/actions', {
      token: tokens.get(sam.aadObjectId)!,
      body: { verb: 'forceClose', workItemId: kimItem },
    });
    expect(closed.status).toBe(200);
    const today = day(createdAt);
    const answer = await get(sam, `/api/supervisor/conversations.csv?from=${today}&to=${today}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      `attachment; filename="relaydesk-conversations-${today}-to-${today}.csv"`,
    );
    // Oldest first; Lou, still queued, has no accepted, ended or outcome yet. Kim's accepted is when Alex took
    // it (30 s), not Alex's first line (45 s).
    expect(answer.body.split('\r\n')).toEqual([
      CSV_HEADER,
      `${kimItem},emulator,Visitor 1,Alex Agent,${iso(createdAt)},${iso(createdAt + 30_000)},` +
        `${iso(createdAt + 105_000)},30,75,Closed by a supervisor,`,
      `${louItem},emulator,Visitor 2,,${iso(createdAt + 45_000)},,,,,,`,
      '',
    ]);
    const before = day(createdAt - 86_400_000);
    const none = await get(sam, `/api/supervisor/conversations.csv?from=${before}&to=${before}`);
    expect(none.body).toBe(`${CSV_HEADER}\r\n`);
  });

  it.each([
    ['no range', ''],
    ['no "to"', '?from=2026-01-05'],
    ['a day that is not a date', '?from=2026-01-05&to=yesterday'],
    ['a day no calendar has', '?from=2026-02-30&to=2026-03-01'],
    ['"to" before "from"', '?from=2026-01-05&to=2026-01-04'],
    ['a range over 366 days', '?from=2025-01-01&to=2026-01-02'],
    ['an unknown parameter', '?from=2026-01-05&to=2026-01-05&state=closed'],
  ])('refuses %s with 400', async (_name, query) => {
    const answer = await get(sam, `/api/supervisor/conversations.csv${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'BadRequest' });
  });

  it('takes a full leap year (366 days) as one range', async () => {
    const answer = await get(sam, '/api/supervisor/conversations.csv?from=2024-01-01&to=2024-12-31');
    expect(answer.status).toBe(200);
  });
});
