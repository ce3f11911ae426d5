import type { AgentAwayTable } from './away-marks';
import type { PositionNoticesTable } from './position-notices';

/** The tables of the customer's queue feedback and of keeping work from sitting with an absent agent. */
export interface SupervisionTables {
  position_notices: PositionNoticesTable;
  agent_away: AgentAwayTable;
}
