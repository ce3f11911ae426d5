import { TurnContext } from 'botbuilder';
import { agentStatus, ensureAgent } from '../app/agents';
import type { OfferPorts } from '../app/offers';
import { setPresence, showDashboard, showPanel } from '../app/panel-actions';
import { quickRepliesCard, type QuickReplyPorts } from '../app/quick-replies';
import { agentText } from '../app/reply-actions';
import { requestClose } from '../app/session-actions';
import { end } from '../app/wrap-up';
import { consultPicker, type ConsultPorts } from '../app/consults';
import { note } from '../app/notes';
import { floorCard } from '../app/floor-chat';
import type { SupervisionPorts } from '../app/supervision';
import { transferPicker, type TransferPorts } from '../app/transfers';
import type { Logger } from '../app/ports';
import type { AgentView, NoticeView } from '../app/views';
import { HOME_SESSION_ID } from '../domain/agent-sessions';
import { parseAgentCommand } from './agent-commands';
import type { AgentSender } from './sender';
import { fieldsOf, type TurnReplies } from './turn-replies';

/** The ports of the use cases agents' typed commands reach. */
export type AgentTurnPorts = OfferPorts & QuickReplyPorts & TransferPorts & ConsultPorts & SupervisionPorts;

/** How the commands on the focused session are typed, for the hint when Home is focused. */
const SESSION_COMMANDS = { transfer: '/t', consult: '/c', note: '/note' } as const;

function homeFocused(command: string): NoticeView {
  return {
    kind: 'notice',
    title: 'Home is focused',
    text: `Select a session first, then type "${command}".`,
    tone: 'warning',
  };
}

/**
 * First contact creates the agent (Available) and posts their panel. Later activities keep the display
 * name current: install events (as the Agents Playground sends them) carry no name, card actions do.
 */
export async function ensureKnownAgent(ports: AgentTurnPorts, agent: AgentSender): Promise<void> {
  const known = await agentStatus(ports, agent.agentId);
  if (!known) await showPanel(ports, agent.agentId, agent.name);
  else if (agent.name && agent.name !== known.name) await ensureAgent(ports, agent.agentId, agent.name);
}

export interface AgentTurnsOptions {
  readonly ports: AgentTurnPorts;
  readonly replies: TurnReplies;
  readonly logger: Logger;
}

/** What an agent's typed text does: a command ("sessions", "presence busy", "end", …) or a reply. */
export class AgentTurns {
  constructor(private readonly options: AgentTurnsOptions) {}

  async message(context: TurnContext, agent: AgentSender): Promise<void> {
    const activity = context.activity;
    const text = typeof activity.text === 'string' ? TurnContext.removeRecipientMention(activity).trim() : '';
    if (!text) {
      this.options.logger.debug(
        { ...fieldsOf(context), agentId: agent.agentId },
        'agent message without text ignored',
      );
      return;
    }
    const command = parseAgentCommand(text);
    // `sessions` posts the panel itself; every other command first makes sure the agent and their name are known.
    if (command.kind !== 'sessions') await ensureKnownAgent(this.options.ports, agent);
    const view = await this.run(agent, command);
    if (view) await this.options.replies.card(context, agent, view);
  }

  /** The view answering a command, or undefined when the use case has already shown it (in the panel). */
  private async run(
    agent: AgentSender,
    command: ReturnType<typeof parseAgentCommand>,
  ): Promise<AgentView | undefined> {
    const { ports } = this.options;
    const { agentId, name } = agent;
    switch (command.kind) {
      case 'sessions':
        // The panel card is posted or updated by the use case itself.
        await showPanel(ports, agentId, name);
        return showDashboard(ports, agentId);
      case 'presence':
        return unlessPanel(await setPresence(ports, agentId, command.status));
      case 'end':
      case 'close': {
        const sessionId = (await agentStatus(ports, agentId))?.focusedSessionId ?? HOME_SESSION_ID;
        if (sessionId === HOME_SESSION_ID) return homeFocused(command.kind);
        return command.kind === 'end'
          ? end(ports, agentId, sessionId)
          : requestClose(ports, agentId, sessionId);
      }
      case 'help':
        return { kind: 'help' };
      case 'floor':
        return floorCard(ports, agentId);
      case 'quickReplies':
        return quickRepliesCard(ports, agentId, command.query);
      case 'transfer':
      case 'consult':
      case 'note': {
        const sessionId = (await agentStatus(ports, agentId))?.focusedSessionId ?? HOME_SESSION_ID;
        if (sessionId === HOME_SESSION_ID) return homeFocused(SESSION_COMMANDS[command.kind]);
        if (command.kind === 'transfer') return transferPicker(ports, agentId, sessionId);
        if (command.kind === 'consult') return consultPicker(ports, agentId, sessionId);
        return note(ports, agentId, sessionId, command.text);
      }
      case 'text':
        return unlessPanel(await agentText(ports, agentId, command.text, name));
    }
  }
}

/** A panel view has already been posted to the panel slot by the use case; anything else is answered here. */
function unlessPanel(view: AgentView): AgentView | undefined {
  return view.kind === 'panel' ? undefined : view;
}
