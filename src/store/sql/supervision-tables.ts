import type { AgentAwayTable } from './away-marks';
import type { CsatSurveysTable } from './csat-surveys';
import type { PositionNoticesTable } from './position-notices';

/**
 * The tables of the customer's queue feedback, of keeping work from sitting with an absent agent, and of the
 * post-conversation survey.
 */
export interface SupervisionTables {
  position_notices: PositionNoticesTable;
  agent_away: AgentAwayTable;
  csat_surveys: CsatSurveysTable;
}
