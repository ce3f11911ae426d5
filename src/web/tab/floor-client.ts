import type { Floor } from '../../domain/floor';
import type { ForceCloseResponse, SUPERVISOR_API } from '../supervisor-api';
import type { AgentApiCaller } from './quick-replies-client';

/** The supervisor API's routes; the type keeps them the server's (its module is not for the browser bundle). */
const ROUTES = {
  floor: '/api/supervisor/floor',
  actions: '/api/supervisor/actions',
} as const satisfies typeof SUPERVISOR_API;

/** The supervisor API (src/web/supervisor-api.ts), over the tab's signed-in client: 403 for anyone else. */
export class FloorClient {
  constructor(private readonly api: AgentApiCaller) {}

  /** Every conversation not closed and every member of staff; the tab filters them itself. */
  floor(): Promise<Floor> {
    return this.api.call<Floor>('GET', ROUTES.floor);
  }

  /** 409 when it is closed already (or there is none with that id). */
  forceClose(workItemId: string): Promise<ForceCloseResponse> {
    return this.api.call<ForceCloseResponse>('POST', ROUTES.actions, { verb: 'forceClose', workItemId });
  }
}
