import type { Floor } from '../../domain/floor';
import type {
  AssignResponse,
  ForceCloseResponse,
  MonitorResponse,
  SUPERVISOR_API,
  TransferResponse,
} from '../supervisor-api';
import { EXPORT_PATHS } from '../../shared/export-paths';
import type { AgentApiCaller } from './quick-replies-client';
import type { FileDownloads } from './save-file';

/** The supervisor API's routes; the type keeps them the server's (its module is not for the browser bundle). */
const ROUTES = {
  floor: '/api/supervisor/floor',
  actions: '/api/supervisor/actions',
} as const satisfies typeof SUPERVISOR_API;

/** The supervisor API (src/web/supervisor-api.ts), over the tab's signed-in client: 403 for anyone else. */
export class FloorClient {
  constructor(private readonly api: AgentApiCaller & FileDownloads) {}

  /** Every conversation not closed and every member of staff; the tab filters them itself. */
  floor(): Promise<Floor> {
    return this.api.call<Floor>('GET', ROUTES.floor);
  }

  /** 409 when it is closed already (or there is none with that id). */
  forceClose(workItemId: string): Promise<ForceCloseResponse> {
    return this.api.call<ForceCloseResponse>('POST', ROUTES.actions, { verb: 'forceClose', workItemId });
  }

  /** Monitor, Join or Stop monitoring: the conversation on the supervisor's own panel (409 with the reason). */
  supervise(verb: 'monitor' | 'join' | 'stopMonitor', workItemId: string): Promise<MonitorResponse> {
    return this.api.call<MonitorResponse>('POST', ROUTES.actions, { verb, workItemId });
  }

  /** Offers an Open conversation to the agent; 409 `over-capacity` (ask, then send again with `overCapacity`). */
  assign(workItemId: string, agentId: string, overCapacity = false): Promise<AssignResponse> {
    const body = { verb: 'assign', workItemId, agentId, ...(overCapacity ? { overCapacity } : {}) };
    return this.api.call<AssignResponse>('POST', ROUTES.actions, body);
  }

  /** An Active or Waiting conversation to an agent (who must accept), or to the head of the queue. */
  transfer(workItemId: string, to: { toAgentId: string } | { toQueue: true }): Promise<TransferResponse> {
    return this.api.call<TransferResponse>('POST', ROUTES.actions, { verb: 'transfer', workItemId, ...to });
  }

  /** Any conversation's transcript, saved as a text file. */
  transcript(workItemId: string): Promise<void> {
    return this.api.download(EXPORT_PATHS.supervisorTranscript(workItemId), 'relaydesk-transcript.txt');
  }

  /** The conversations created from `from` to `to` (UTC days, YYYY-MM-DD), saved as CSV; 400 for a bad range. */
  conversationsCsv(from: string, to: string): Promise<void> {
    return this.api.download(EXPORT_PATHS.conversationsCsv(from, to), 'relaydesk-conversations.csv');
  }
}
