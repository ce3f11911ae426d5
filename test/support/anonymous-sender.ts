import type { Logger } from '../../src/app/ports';
import type { CardSlots } from '../../src/teams/card-slots';
import { createAdapter } from '../../src/teams/adapter';
import type { Delivery } from '../../src/teams/delivery';
import { ProactiveSender } from '../../src/teams/proactive-sender';

/** A proactive sender on an adapter in anonymous mode (no MicrosoftAppId), as the tests' outboxes use it. */
export function anonymousSender(options: {
  readonly cardSlots: CardSlots;
  readonly delivery: Delivery;
  readonly logger: Logger;
  readonly now: () => number;
}): ProactiveSender {
  const { cardSlots, delivery, logger, now } = options;
  const adapter = createAdapter(
    {
      microsoftAppId: '',
      microsoftAppPassword: '',
      microsoftAppTenantId: '',
      microsoftAppType: 'MultiTenant',
    },
    logger,
  );
  return new ProactiveSender({ connectors: adapter, cardSlots, delivery, logger, now });
}
