import { Template } from 'adaptivecards-templating';
import { escapeCardText, stripControlCharacters } from '../../src/cards/escape';

/** A `](` that a markdown parser would read as the middle of a link: the `]` is not backslash-escaped. */
const UNESCAPED_LINK = /(^|[^\\])\]\(/;

describe('escapeCardText', () => {
  it('leaves ordinary sentences as they are', () => {
    for (const text of [
      'Hello, my order 40-1187 has not arrived (yet). Can you help?!',
      'Visitor 7',
      'Ça coûte 12,50 € — merci !',
      '你好，我的路由器坏了。',
      'Thanks 🙂',
    ]) {
      expect(escapeCardText(text)).toBe(text);
    }
  });

  it('turns a markdown link into inert text', () => {
    const escaped = escapeCardText('[click](http://evil)');
    expect(escaped).toBe('\\[click\\](http://evil)');
    expect(escaped).not.toMatch(UNESCAPED_LINK);
    expect(escapeCardText('![img](http://evil/x.png)')).not.toMatch(UNESCAPED_LINK);
  });

  it('escapes emphasis, code, strike-through and table markers', () => {
    expect(escapeCardText('**bold** _it_ `code` ~~gone~~ a|b')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~ a\\|b',
    );
  });

  it('escapes the backslash itself first, so an escape cannot be undone', () => {
    expect(escapeCardText('\\*not bold\\*')).toBe('\\\\\\*not bold\\\\\\*');
    expect(escapeCardText('\\[x\\](http://evil)')).not.toMatch(UNESCAPED_LINK);
  });

  it('neutralises <at> mentions and HTML: no "<" survives', () => {
    const mention = escapeCardText('<at>Agent</at> hi');
    expect(mention).toBe('＜at＞Agent＜/at＞ hi');
    expect(mention).not.toMatch(/<at/i);
    expect(escapeCardText('<AT>x</AT>')).not.toMatch(/<at/i);
    const script = escapeCardText('<script>alert(1)</script><img src=x onerror=y>');
    expect(script).not.toContain('<');
    expect(script).not.toContain('>');
    expect(escapeCardText('<http://evil>')).not.toContain('<');
  });

  it('does not let an HTML entity spell a tag', () => {
    expect(escapeCardText('&lt;at&gt;x&#60;/at&#62;')).toBe('\\&lt;at\\&gt;x\\&#60;/at\\&#62;');
    expect(escapeCardText('Fish & chips')).toBe('Fish & chips');
  });

  it('escapes block markers at the start of a line only', () => {
    expect(escapeCardText('# Title\n- item\n+ item\n  1. first\n2) second\n===\n> quote')).toBe(
      '\\# Title\n\\- item\n\\+ item\n  1\\. first\n2\\) second\n\\===\n＞ quote',
    );
    expect(escapeCardText('a - b + c # d 3. e')).toBe('a - b + c # d 3. e');
  });

  it('breaks the {{DATE()}} / {{TIME()}} functions of Adaptive Card text', () => {
    const escaped = escapeCardText('{{DATE(2017-02-14T06:08:39Z, SHORT)}}');
    expect(escaped).not.toContain('{{');
    expect(escaped).not.toContain('}}');
  });

  it('keeps a JSON blob and a template expression as plain characters', () => {
    expect(escapeCardText('{"type":"Action.OpenUrl","url":"http://evil"}')).toBe(
      '\\{"type":"Action.OpenUrl","url":"http://evil"\\}',
    );
    expect(escapeCardText('${evil}')).toBe('$\\{evil\\}');
  });

  it('strips control characters but keeps newlines; tabs become spaces', () => {
    expect(escapeCardText('a\u0000b\u0007c\u001bd\u007fe\u0085f\u200eg')).toBe('abcdef\u200eg');
    expect(escapeCardText('line 1\r\nline 2\rline 3\nline 4')).toBe('line 1\nline 2\nline 3\nline 4');
    expect(escapeCardText('a\tb')).toBe('a b');
    expect(escapeCardText('abc\u202Egpj.exe')).toBe('abcgpj.exe');
  });
});

describe('stripControlCharacters', () => {
  it('removes control characters and nothing else', () => {
    expect(stripControlCharacters('**[x](y)** <at>\u0000\u0008')).toBe('**[x](y)** <at>');
    expect(stripControlCharacters('a\u2028b')).toBe('a\nb');
  });
});

describe('adaptivecards-templating', () => {
  it('expands only the template, never expressions inside the data', () => {
    const template = new Template({
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: '${text}' },
        { type: 'TextBlock', text: 'Close ${text}?' },
        { $data: '${lines}', type: 'TextBlock', text: '${value}' },
      ],
    });
    const hostile = '${secret} ${$root.secret} ${if(true, secret, secret)}';
    const card = template.expand({
      $root: { text: hostile, secret: 'LEAKED', lines: [{ value: hostile }] },
    }) as { body: Array<{ text: string }> };
    expect(card.body.map((block) => block.text)).toEqual([hostile, `Close ${hostile}?`, hostile]);
  });
});
