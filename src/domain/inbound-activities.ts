/**
 * A channel that did not hear its POST answered (a timeout, a dropped connection) sends the same activity again,
 * with the same id. The desk remembers the ids of a customer's latest messages so such a replay is taken once.
 */

/** How many of a customer's latest message ids are remembered: far more than a channel's retries span. */
export const REMEMBERED_ACTIVITY_IDS = 32;
/** An id longer than this is not remembered (its replays are not recognised); channels' ids are far shorter. */
export const MAX_REMEMBERED_ID_CHARS = 256;

/** True when the customer's message with this id was already taken. */
export function isReplayedActivity(
  remembered: readonly string[] | undefined,
  activityId: string | undefined,
): boolean {
  return activityId !== undefined && activityId !== '' && (remembered ?? []).includes(activityId);
}

/** The ids to remember once the message with `activityId` is taken: the latest last, the oldest dropped. */
export function rememberActivity(
  remembered: readonly string[] | undefined,
  activityId: string | undefined,
): readonly string[] | undefined {
  if (activityId === undefined || activityId === '' || activityId.length > MAX_REMEMBERED_ID_CHARS) {
    return remembered;
  }
  return [...(remembered ?? []), activityId].slice(-REMEMBERED_ACTIVITY_IDS);
}
