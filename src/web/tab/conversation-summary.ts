import type { SessionDetail } from '../agent-api';
import type { PreviousConversation, TranscriptLine } from '../../app/views';
import { ratingText, type CsatAnswer } from '../../domain/csat';
import type { Clamps } from './clamp';
import { h, svg } from './dom';
import { WORK_ITEM_STATE_LABELS, channelLabel, formatClock, formatDate } from './format';
import { messageText } from './message-text';
import { describeTrend, sentimentSparkline } from './sparkline';

/**
 * The Active Conversation pane: who and where, the sentiment over time, and a summary of the conversation
 * (how it started, where it stands, the pre-chat answers) rather than a second copy of the transcript, and
 * the same customer's earlier conversations, each of which `openPrevious` opens read-only.
 */
export function conversationSummary(
  detail: SessionDetail,
  clamps: Clamps,
  openPrevious: (workItemId: string) => void,
): Node[] {
  const { conversation } = detail;
  const row = (label: string, value: string | undefined) =>
    value ? [h('dt', {}, label), h('dd', {}, value)] : [];
  return [
    h(
      'dl',
      { class: 'facts' },
      ...row('Customer', conversation.contactName ?? conversation.title),
      ...row('Account', conversation.accountName),
      ...row('Case', conversation.caseTitle),
      ...row('Channel', channelLabel(conversation.channel)),
      ...row('Started', formatClock(conversation.startedAt)),
      ...row('State', WORK_ITEM_STATE_LABELS[conversation.state]),
      ...row('Sentiment', conversation.sentiment),
      ...row('Customer rating', conversation.csat ? ratingText(conversation.csat.rating) : undefined),
    ),
    ...csatComment(conversation.csat, clamps),
    conversation.nameGiven
      ? h('p', { class: 'name-given', dir: 'auto' }, `Name given: ${conversation.nameGiven}`)
      : null,
    conversation.customerLeft ? h('p', { class: 'customer-left' }, 'Customer left') : null,
    sentimentFigure(detail.sentimentTrend),
    ...quote('Started with', conversation.opening, clamps),
    ...quote('Latest', conversation.latest, clamps),
    ...prechat(conversation.prechat),
    conversation.opening ? null : h('p', { class: 'empty' }, 'No messages yet.'),
    previousConversations(conversation.previous ?? [], openPrevious),
  ].filter((node): node is HTMLElement => node !== null);
}

/** The customer's survey comment, quoted as their messages are (their own words, shown as written). */
function csatComment(csat: CsatAnswer | undefined, clamps: Clamps): HTMLElement[] {
  if (csat?.comment === undefined) return [];
  return [
    h(
      'h4',
      {},
      'Customer comment',
      ' ',
      h('time', { datetime: new Date(csat.answeredAt).toISOString() }, formatClock(csat.answeredAt)),
    ),
    h(
      'blockquote',
      { class: 'summary-quote csat-comment' },
      clamps.wrap(messageText(csat.comment, 'quote-text')),
    ),
  ];
}

function quote(heading: string, line: TranscriptLine | undefined, clamps: Clamps): HTMLElement[] {
  if (!line) return [];
  return [
    h('h4', {}, heading, ' ', h('time', { datetime: new Date(line.at).toISOString() }, formatClock(line.at))),
    h('blockquote', { class: 'summary-quote' }, clamps.wrap(messageText(line.text, 'quote-text'))),
  ];
}

function previousConversations(
  previous: readonly PreviousConversation[],
  open: (workItemId: string) => void,
): HTMLElement | null {
  if (previous.length === 0) return null;
  return h(
    'section',
    { class: 'previous', 'aria-labelledby': 'previous-title' },
    h('h4', { id: 'previous-title' }, `Previous conversations: ${previous.length}`),
    h(
      'ul',
      { class: 'previous-list' },
      ...previous.map((item) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'previous-conversation',
              'data-work-item-id': item.workItemId,
              onclick: () => open(item.workItemId),
            },
            h('span', { class: 'visually-hidden' }, 'Open read-only: '),
            h(
              'span',
              { class: 'previous-when' },
              h('time', { datetime: new Date(item.startedAt).toISOString() }, formatDate(item.startedAt)),
              ` · ${WORK_ITEM_STATE_LABELS[item.state]}`,
            ),
            h('span', { class: 'previous-preview', dir: 'auto' }, item.preview || 'No messages'),
          ),
        ),
      ),
    ),
  );
}

function prechat(answers: SessionDetail['conversation']['prechat']): HTMLElement[] {
  if (answers.length === 0) return [];
  return [
    h('h4', {}, 'Pre-chat answers'),
    h(
      'dl',
      { class: 'facts prechat' },
      ...answers.flatMap((answer) => [h('dt', {}, answer.question), h('dd', { dir: 'auto' }, answer.answer)]),
    ),
  ];
}

function sentimentFigure(trend: SessionDetail['sentimentTrend']): HTMLElement {
  const line = sentimentSparkline(trend);
  const sparkline = svg(
    'svg',
    {
      class: 'sparkline',
      viewBox: `0 0 ${line.width} ${line.height}`,
      width: line.width,
      height: line.height,
      role: 'img',
      'aria-label': `Sentiment over time: ${describeTrend(trend)}`,
    },
    svg('line', { class: 'neutral', x1: 0, x2: line.width, y1: line.neutralY, y2: line.neutralY }),
    line.points.length > 1 ? svg('polyline', { points: line.polyline }) : null,
    ...line.points.map((point) =>
      svg('circle', { cx: point.x, cy: point.y, r: 2.5 }, svg('title', {}, point.level)),
    ),
  );
  return h(
    'figure',
    { class: 'sentiment-trend' },
    h('figcaption', {}, 'Sentiment over time'),
    sparkline,
    h('p', { class: 'trend-words' }, describeTrend(trend)),
  );
}
