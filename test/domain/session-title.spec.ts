import { isAuthenticated, sessionTitle, visitorTitle } from '../../src/domain/session-title';

describe('session title', () => {
  it('is the contact name when the customer is a known contact', () => {
    expect(
      sessionTitle({ contactName: 'Kenny Smith', accountName: 'Contoso', caseTitle: 'Login fails' }),
    ).toBe('Kenny Smith');
  });

  it('falls back to the account name when there is no contact name', () => {
    expect(sessionTitle({ accountName: 'Contoso', caseTitle: 'Login fails' })).toBe('Contoso');
  });

  it('falls back to the case title when there is neither contact nor account', () => {
    expect(sessionTitle({ caseTitle: 'Login fails' })).toBe('Login fails');
  });

  it('ignores blank names as if they were missing', () => {
    expect(sessionTitle({ contactName: '  ', accountName: '', caseTitle: 'Refund', visitorNumber: 3 })).toBe(
      'Refund',
    );
  });

  it('trims the name it shows', () => {
    expect(sessionTitle({ contactName: '  Kenny Smith ' })).toBe('Kenny Smith');
  });

  it('is "Visitor N" for an unauthenticated customer', () => {
    expect(sessionTitle({ visitorNumber: 7 })).toBe('Visitor 7');
  });

  it('refuses an unauthenticated customer without a visitor number', () => {
    expect(() => sessionTitle({})).toThrow(RangeError);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses visitor number %p', (n) => {
    expect(() => visitorTitle(n)).toThrow(RangeError);
  });

  it('counts a customer with any name as authenticated and a visitor as not', () => {
    expect(isAuthenticated({ accountName: 'Contoso' })).toBe(true);
    expect(isAuthenticated({ visitorNumber: 1 })).toBe(false);
    expect(isAuthenticated({ contactName: ' ' })).toBe(false);
  });
});
