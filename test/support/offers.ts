import { agentInvoke, postActivity, type PostResult, type TestAgent } from './activities';
import { actionData, cardMentions, cardOf } from './cards';
import type { FakeConnector, RecordedCall } from './fake-connector';

/** The newest offer card (one with Accept) posted to the agent's chat, if any. */
export function latestOffer(connector: FakeConnector, agent: TestAgent): RecordedCall | undefined {
  return offersPosted(connector, agent).at(-1);
}

/** Every offer card posted to the agent's chat so far. */
export function offersPosted(connector: FakeConnector, agent: TestAgent): RecordedCall[] {
  return connector.posted(agent.conversationId).filter((call) => cardMentions(cardOf(call), 'Accept'));
}

/** The agent presses Accept on their newest offer card, as Teams would post the press. */
export async function acceptLatestOffer(
  url: string,
  connector: FakeConnector,
  agent: TestAgent,
): Promise<PostResult> {
  const offer = latestOffer(connector, agent);
  if (!offer) throw new Error(`no offer card in ${agent.name}'s chat`);
  return postActivity(
    url,
    agentInvoke(connector.serviceUrl, agent, 'accept', actionData(cardOf(offer), 'accept'), offer.activityId),
  );
}
