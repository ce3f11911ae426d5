import { hasLiveWorkItem } from '../app/customer-status';
import type { DeskPorts } from '../app/desk-context';
import type { Logger } from '../app/ports';
import type { Config } from '../config/config';
import type { SqlDatabase } from '../store/sql/open-database';
import { SqlPrechatStates } from '../store/sql/prechat-states';
import type { PrechatSurvey } from '../teams/prechat/prechat-survey';
import type { ProactiveNotifier } from '../teams/proactive-notifier';

type SurveyModule = typeof import('../teams/prechat/prechat-survey');

/**
 * The pre-chat survey when PRECHAT_QUESTIONS asks anything. Its module is loaded only then: botbuilder-dialogs is a
 * third of the bot's load time, which every process (and every test file) paid for a survey that is off by default.
 */
export function createPrechat(
  config: Config,
  logger: Logger,
  database: SqlDatabase,
  ports: DeskPorts,
  notifier: ProactiveNotifier,
): PrechatSurvey | undefined {
  if (config.prechatQuestions.length === 0) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const survey = require('../teams/prechat/prechat-survey') as SurveyModule;
  return new survey.PrechatSurvey({
    questions: config.prechatQuestions,
    states: new SqlPrechatStates(database),
    hasLiveWorkItem: (customerId) => hasLiveWorkItem(ports, customerId),
    send: (turn, customerId, activity) =>
      notifier.sendActivity({ kind: 'customer', id: customerId }, activity, {
        label: 'prechat-question',
        ...(turn.activity.id ? { replyToId: turn.activity.id } : {}),
      }),
    logger,
  });
}
