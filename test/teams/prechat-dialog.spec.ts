import type { Activity } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import {
  MAX_ANSWER_CHARS,
  NO_ANSWER,
  PrechatDialog,
  normaliseAnswer,
  retryPrompt,
  type PrechatResult,
} from '../../src/teams/prechat/prechat-dialog';

const NAME = { id: 'name', prompt: 'What is your name?' };
const TOPIC = { id: 'topic', prompt: 'What can we help you with?' };

function surveyClient(questions = [NAME, TOPIC], maxAnswerChars?: number) {
  const dialog = new PrechatDialog(questions, maxAnswerChars === undefined ? {} : { maxAnswerChars });
  return new DialogTestClient('test', dialog, { firstMessage: 'My printer is on fire' });
}

function textOf(reply: Partial<Activity> | undefined): string | undefined {
  return reply?.text;
}

function resultOf(client: DialogTestClient): PrechatResult {
  expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
  return client.dialogTurnResult.result as PrechatResult;
}

describe('the pre-chat dialog', () => {
  it('asks each question in order, one per turn, and ends with the first message and the answers', async () => {
    const client = surveyClient();

    expect(textOf(await client.sendActivity('My printer is on fire'))).toBe(NAME.prompt);
    expect(client.getNextReply()).toBeUndefined();
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);

    expect(textOf(await client.sendActivity('Sam'))).toBe(TOPIC.prompt);
    expect(await client.sendActivity('Printing')).toBeUndefined();

    expect(resultOf(client)).toEqual({
      firstMessage: 'My printer is on fire',
      answers: [
        { question: NAME.prompt, answer: 'Sam' },
        { question: TOPIC.prompt, answer: 'Printing' },
      ],
    });
  });

  it('trims answers', async () => {
    const client = surveyClient([NAME]);
    await client.sendActivity('hello');
    await client.sendActivity('   Sam Smith \n');
    expect(resultOf(client).answers).toEqual([{ question: NAME.prompt, answer: 'Sam Smith' }]);
  });

  it('asks again once when an answer is empty, then records "(no answer)" and moves on', async () => {
    const client = surveyClient();
    await client.sendActivity('hello');

    expect(textOf(await client.sendActivity(''))).toBe(retryPrompt(NAME.prompt));
    expect(textOf(await client.sendActivity('   '))).toBe(TOPIC.prompt);
    expect(await client.sendActivity('Billing')).toBeUndefined();

    expect(resultOf(client).answers).toEqual([
      { question: NAME.prompt, answer: NO_ANSWER },
      { question: TOPIC.prompt, answer: 'Billing' },
    ]);
  });

  it('takes the answer given after the second asking', async () => {
    const client = surveyClient([NAME]);
    await client.sendActivity('hello');
    expect(textOf(await client.sendActivity(' '))).toBe(retryPrompt(NAME.prompt));
    expect(await client.sendActivity('Sam')).toBeUndefined();
    expect(resultOf(client).answers).toEqual([{ question: NAME.prompt, answer: 'Sam' }]);
  });

  it('treats a message without text (an attachment only) as an empty answer', async () => {
    const client = surveyClient([NAME]);
    await client.sendActivity('hello');
    const reply = await client.sendActivity({ type: 'message', attachments: [] });
    expect(textOf(reply)).toBe(retryPrompt(NAME.prompt));
  });

  it(`caps long answers at ${MAX_ANSWER_CHARS} characters`, async () => {
    const client = surveyClient([NAME, TOPIC]);
    await client.sendActivity('hello');
    await client.sendActivity(`  ${'x'.repeat(500)}`);
    await client.sendActivity('y'.repeat(MAX_ANSWER_CHARS));
    const [name, topic] = resultOf(client).answers;
    expect(name?.answer).toBe('x'.repeat(MAX_ANSWER_CHARS));
    expect(topic?.answer).toBe('y'.repeat(MAX_ANSWER_CHARS));
  });

  it('takes a smaller cap when configured', async () => {
    const client = surveyClient([NAME], 5);
    await client.sendActivity('hello');
    await client.sendActivity('Samantha');
    expect(resultOf(client).answers).toEqual([{ question: NAME.prompt, answer: 'Saman' }]);
  });

  it('never cuts a character made of two UTF-16 units in half', () => {
    expect(normaliseAnswer(`ab${'😀'.repeat(10)}`, 4)).toBe('ab😀😀');
    expect(normaliseAnswer(undefined)).toBe(NO_ANSWER);
  });

  it('refuses to be built without questions', () => {
    expect(() => new PrechatDialog([])).toThrow(RangeError);
  });
});
