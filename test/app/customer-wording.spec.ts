import { capText, customerWording } from '../../src/app/customer-wording';

describe('what the customer is told', () => {
  it('uses the fixed wordings', () => {
    expect(customerWording.queued).toBe("Thanks! You're in the queue; an agent will be with you shortly.");
    expect(customerWording.joined('Alice')).toBe("You're now chatting with Alice.");
    expect(customerWording.ended('Alice')).toBe(
      'Alice has ended the conversation. Send a message any time to start a new one.',
    );
    expect(customerWording.rateLimited).toBe("You're sending messages quickly — please wait a moment.");
  });
});

describe('capping text', () => {
  it('keeps text within the cap as it is', () => {
    expect(capText('hello', 5)).toEqual({ text: 'hello', truncated: false });
  });

  it('cuts longer text and marks it "(truncated)"', () => {
    expect(capText('hello world', 5)).toEqual({ text: 'hello (truncated)', truncated: true });
  });

  it('never splits an emoji in half', () => {
    const { text } = capText('ab😀cd', 3);
    expect(text).toBe('ab (truncated)');
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
