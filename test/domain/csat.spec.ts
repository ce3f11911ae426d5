import {
  CSAT_ANSWER_WINDOW_MS,
  CSAT_COMMENT_MAX_CHARS,
  checkAnswer,
  cleanComment,
  csatSummary,
  parseRating,
  ratingText,
  startOfLocalDay,
  surveyDecision,
  type CsatSurvey,
  type EndedBy,
} from '../../src/domain/csat';

/** The post-conversation survey's rules (src/domain/csat.ts), each named after what it settles. */

const ended = { lastAgentId: 'ada', channelId: 'webchat' } as const;

describe('who is asked for a rating', () => {
  it('asks after an End by the agent or by the customer', () => {
    expect(surveyDecision(true, 'agent', ended)).toEqual({ ask: true });
    expect(surveyDecision(true, 'customer', ended)).toEqual({ ask: true });
  });

  it.each<EndedBy>(['wrap-up-timeout', 'force-close', 'abandoned', 'overflow', 'expired'])(
    'never after %s (no End of the customer’s or the agent’s)',
    (endedBy) => {
      expect(surveyDecision(true, endedBy, ended)).toEqual({ ask: false, reason: 'not-an-end' });
    },
  );

  it('asks nobody when CSAT_SURVEY is off', () => {
    expect(surveyDecision(false, 'agent', ended)).toEqual({ ask: false, reason: 'off' });
  });

  it('asks nobody who ended before any agent took part (a queued customer giving up)', () => {
    expect(surveyDecision(true, 'customer', { channelId: 'webchat' })).toEqual({
      ask: false,
      reason: 'no-agent',
    });
  });

  it('asks nobody who has left (their chat is gone)', () => {
    expect(surveyDecision(true, 'agent', { ...ended, customerLeftAt: 5 })).toEqual({
      ask: false,
      reason: 'customer-left',
    });
  });

  it('asks on channels that show a card or the page’s form, not on those that show text only', () => {
    for (const channelId of ['msteams', 'emulator', 'webchat', 'directline']) {
      expect(surveyDecision(true, 'agent', { ...ended, channelId }).ask).toBe(true);
    }
    expect(surveyDecision(true, 'agent', { ...ended, channelId: 'sms' })).toEqual({
      ask: false,
      reason: 'channel-shows-no-cards',
    });
  });
});

describe('a rating as given', () => {
  it.each<[unknown, number | undefined]>([
    [1, 1],
    [5, 5],
    ['4', 4],
    [' 3 ', 3],
    [0, undefined],
    [6, undefined],
    [4.5, undefined],
    ['4.0', undefined],
    ['five', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
    [[4], undefined],
    [{ rating: 4 }, undefined],
    [Number.NaN, undefined],
    ['١', undefined],
  ])('%p is %p', (given, rating) => {
    expect(parseRating(given)).toBe(rating);
  });
});

describe('a comment as kept', () => {
  it('strips control characters and bidi overrides, keeps line breaks (one blank line at most), trims', () => {
    expect(cleanComment('  Quick\u0000 and \u202Ekind\u202C\r\n\r\n\r\n\tThanks  ')).toEqual({
      comment: 'Quick and kind\n\n Thanks',
      truncated: false,
    });
  });

  it('keeps nothing when nothing is left, or when it is no text', () => {
    expect(cleanComment('  \u0007 \n ')).toEqual({ truncated: false });
    expect(cleanComment(42)).toEqual({ truncated: false });
    expect(cleanComment(undefined)).toEqual({ truncated: false });
  });

  it('cuts a long one with "(truncated)", never halving a surrogate pair', () => {
    const long = cleanComment('a'.repeat(CSAT_COMMENT_MAX_CHARS + 500));
    expect(long.truncated).toBe(true);
    expect(long.comment).toBe(`${'a'.repeat(CSAT_COMMENT_MAX_CHARS)} (truncated)`);
    const emoji = cleanComment(`${'a'.repeat(CSAT_COMMENT_MAX_CHARS - 1)}😀😀`);
    expect(emoji.comment).toBe(`${'a'.repeat(CSAT_COMMENT_MAX_CHARS - 1)} (truncated)`);
    expect(cleanComment('b'.repeat(CSAT_COMMENT_MAX_CHARS))).toEqual({
      comment: 'b'.repeat(CSAT_COMMENT_MAX_CHARS),
      truncated: false,
    });
  });
});

describe('whether an answer is taken', () => {
  const asked: CsatSurvey = {
    workItemId: 'wi-1',
    surveyId: 'survey-1',
    customerId: 'webchat:kim',
    workstream: 'default',
    agentId: 'ada',
    askedAt: 1_000,
  };
  const claim = { customerId: 'webchat:kim', workItemId: 'wi-1', surveyId: 'survey-1', rating: '4' };
  const pending = { latestWorkItemId: 'wi-1', now: 2_000 };

  it('takes the first answer of the customer asked, carrying the survey’s own id, rated 1–5', () => {
    expect(checkAnswer(asked, claim, pending)).toEqual({ ok: true, rating: 4 });
  });

  it.each<[string, CsatSurvey | undefined, Partial<typeof claim>, Partial<typeof pending>, string]>([
    ['no survey asked', undefined, {}, {}, 'not-asked'],
    ['a survey of another conversation', asked, { workItemId: 'wi-2' }, {}, 'not-asked'],
    ['another customer', asked, { customerId: 'webchat:eve' }, {}, 'other-customer'],
    ['a forged id', asked, { surveyId: 'survey-2' }, {}, 'wrong-survey-id'],
    ['an id one character longer', asked, { surveyId: 'survey-1x' }, {}, 'wrong-survey-id'],
    ['an empty id', asked, { surveyId: '' }, {}, 'wrong-survey-id'],
    ['a rating out of range', asked, { rating: '9' }, {}, 'rating-out-of-range'],
    ['a new conversation since', asked, {}, { latestWorkItemId: 'wi-3' }, 'no-longer-pending'],
    ['a day too late', asked, {}, { now: 1_000 + CSAT_ANSWER_WINDOW_MS + 1 }, 'expired'],
  ])('refuses %s', (_name, survey, claimed, context, reason) => {
    expect(checkAnswer(survey, { ...claim, ...claimed }, { ...pending, ...context })).toEqual({
      ok: false,
      reason,
    });
  });

  it('refuses a second answer: the first stands', () => {
    const answered = { ...asked, answer: { rating: 5, answeredAt: 1_500 } };
    expect(checkAnswer(answered, claim, pending)).toEqual({ ok: false, reason: 'answered-already' });
  });

  it('settles who may answer before anything else: a forged answer learns nothing of the survey', () => {
    const answered = { ...asked, answer: { rating: 5, answeredAt: 1_500 } };
    const forged = { ...claim, surveyId: 'guess', rating: 'nonsense' };
    expect(checkAnswer(answered, forged, { latestWorkItemId: 'wi-9', now: 1e12 })).toEqual({
      ok: false,
      reason: 'wrong-survey-id',
    });
  });

  it('takes an answer at the very end of the day it may be given in', () => {
    expect(checkAnswer(asked, claim, { ...pending, now: 1_000 + CSAT_ANSWER_WINDOW_MS }).ok).toBe(true);
  });
});

describe('the team’s CSAT', () => {
  it('is the mean rating to one decimal, and none without answers', () => {
    expect(csatSummary(0, 0)).toEqual({ answers: 0 });
    expect(csatSummary(3, 13)).toEqual({ answers: 3, average: 4.3 });
    expect(csatSummary(2, 9)).toEqual({ answers: 2, average: 4.5 });
    expect(ratingText(4)).toBe('4 of 5');
  });

  it('counts from midnight of the desk’s day, in its zone', () => {
    const noon = Date.UTC(2026, 0, 5, 12, 0, 0);
    expect(startOfLocalDay(noon, 'UTC')).toBe(Date.UTC(2026, 0, 5));
    // Berlin is an hour ahead in January: its day began at 23:00 UTC the day before.
    expect(startOfLocalDay(noon, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 4, 23));
    // Just after midnight in Tokyo (UTC+9) it is still the 5th in UTC.
    expect(startOfLocalDay(Date.UTC(2026, 0, 5, 15, 30), 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 5, 15));
  });

  it('finds midnight on a day the clocks change', () => {
    // Europe/Berlin moves to summer time at 02:00 on 29 March 2026: that day began at 23:00 UTC on the 28th.
    expect(startOfLocalDay(Date.UTC(2026, 2, 29, 20), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 28, 23));
    // And back at 03:00 on 25 October 2026: that day began at 22:00 UTC on the 24th.
    expect(startOfLocalDay(Date.UTC(2026, 9, 25, 20), 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 24, 22));
    // Santiago (Chile) skips midnight itself on 6 September 2026: the day begins at 01:00, 04:00 UTC.
    expect(startOfLocalDay(Date.UTC(2026, 8, 6, 15), 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
  });
});
