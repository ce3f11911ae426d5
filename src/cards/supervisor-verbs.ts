import { z } from 'zod';
import {
  assignFromChat,
  floorCard,
  forceCloseFromChat,
  stopMonitoringFromChat,
  superviseFromChat,
} from '../app/floor-chat';
import { defineVerb, id, sessionData, type VerbHandler } from './verb-definition';
import { INPUTS, VERBS } from './verbs';

/**
 * The supervisor's verbs on the floor card. A conversation is named by its work item id: `sessionId` for Monitor,
 * Join, Stop monitoring and Force close (it is the session id of the conversation on a panel), `workItemId` for
 * Assign (an Open conversation is on nobody's panel). The use cases refuse anyone who is not a supervisor.
 */

/**
 * The floor card's Assign names the agent in the card's choice (`assignTo`), empty when none was chosen; data naming
 * `agentId` itself (the over-capacity confirmation, the HTTP API's shape) wins.
 */
function withChosenAgent(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const data = raw as Record<string, unknown>;
  const chosen = data[INPUTS.assignTo];
  if (data['agentId'] !== undefined || chosen === undefined || chosen === '') return raw;
  return { ...data, agentId: chosen };
}

const assignData = z.preprocess(
  withChosenAgent,
  z.object({
    workItemId: id,
    agentId: id.optional(),
    overCapacity: z.boolean({ error: 'must be true or false' }).optional(),
  }),
);
const forceCloseData = sessionData.extend({
  confirmed: z.literal(true, { error: 'must be true when given' }).optional(),
});

export const SUPERVISOR_VERB_HANDLERS: readonly VerbHandler[] = [
  defineVerb(VERBS.floor, z.object({}), (ports, agentId) => floorCard(ports, agentId)),
  defineVerb(VERBS.monitor, sessionData, (ports, agentId, { sessionId }) =>
    superviseFromChat(ports, agentId, sessionId, 'monitor'),
  ),
  defineVerb(VERBS.join, sessionData, (ports, agentId, { sessionId }) =>
    superviseFromChat(ports, agentId, sessionId, 'join'),
  ),
  defineVerb(VERBS.stopMonitor, sessionData, (ports, agentId, { sessionId }) =>
    stopMonitoringFromChat(ports, agentId, sessionId),
  ),
  defineVerb(VERBS.assign, assignData, (ports, agentId, { workItemId, agentId: toAgentId, overCapacity }) =>
    assignFromChat(ports, agentId, {
      workItemId,
      ...(toAgentId !== undefined ? { agentId: toAgentId } : {}),
      ...(overCapacity !== undefined ? { overCapacity } : {}),
    }),
  ),
  defineVerb(VERBS.forceClose, forceCloseData, (ports, agentId, { sessionId, confirmed }) =>
    forceCloseFromChat(ports, agentId, sessionId, confirmed === true),
  ),
];
