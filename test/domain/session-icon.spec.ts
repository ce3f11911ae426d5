import { sessionIcon } from '../../src/domain/session-icon';

describe('session icon', () => {
  it.each([
    ['Visitor 7', 'Vi'],
    ['Kenny Smith', 'Ke'],
    ['Home', 'Ho'],
    ['Émile Zola', 'Ém'],
    ['E\u0301mile', 'E\u0301m'],
    ['渡辺 健', '渡辺'],
    ['👩‍💻 Dev Team', '👩‍💻D'],
    ['🇫🇷🇩🇪 Europe', '🇫🇷🇩🇪'],
    ['A Bc', 'AB'],
    ['  Zoë', 'Zo'],
    ['X', 'X'],
    ['', ''],
  ])('of "%s" is "%s"', (title, icon) => {
    expect(sessionIcon(title)).toBe(icon);
  });

  it('never splits a grapheme, whatever the title', () => {
    const title = 'ﾃｽﾄ🧑🏽‍🚀é\u0301';
    const icon = sessionIcon(title);
    expect(title.startsWith(icon)).toBe(true);
    expect([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(icon)]).toHaveLength(2);
  });
});
