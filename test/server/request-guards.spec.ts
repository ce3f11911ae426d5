import {
  encodingRefusal,
  hostNameOf,
  hostRefusal,
  lengthRefusal,
  servedHosts,
} from '../../src/server/request-guards';

const head = (headers: Record<string, string | string[] | undefined>) => ({ headers });

describe('refusing a request from its headers', () => {
  describe('Content-Encoding', () => {
    it('takes no encoding, and identity in any case or list', () => {
      for (const encoding of [undefined, 'identity', ' IDENTITY ', 'identity, identity']) {
        expect(encodingRefusal(head({ 'content-encoding': encoding }))).toBeUndefined();
      }
    });

    it('refuses every other coding with 415, naming it for the log (cut short)', () => {
      for (const encoding of ['gzip', 'deflate', 'br', 'gzip, identity', 'x'.repeat(500)]) {
        const refusal = encodingRefusal(head({ 'content-encoding': encoding }));
        expect(refusal).toMatchObject({ status: 415, code: 'UnsupportedMediaType' });
        expect(refusal?.reason.length).toBeLessThanOrEqual(140);
      }
    });
  });

  describe('Content-Length', () => {
    it('refuses a declared length over the limit with 413, and leaves the rest to the body reader', () => {
      expect(lengthRefusal(head({ 'content-length': '1025' }), 1024)).toMatchObject({ status: 413 });
      expect(lengthRefusal(head({ 'content-length': '1024' }), 1024)).toBeUndefined();
      expect(lengthRefusal(head({}), 1024)).toBeUndefined();
      expect(lengthRefusal(head({ 'content-length': 'lots' }), 1024)).toBeUndefined();
    });
  });

  describe('Host', () => {
    const served = servedHosts('https://desk.example.com/relay', '127.0.0.1');

    it('serves loopback names and addresses on any port, and the public base URL’s host', () => {
      expect([...served].sort()).toEqual(['127.0.0.1', '[::1]', 'desk.example.com', 'localhost']);
      for (const host of ['localhost:3978', '127.0.0.1', '[::1]:80', 'LOCALHOST:1', 'desk.example.com']) {
        expect(hostRefusal(head({ host }), served)).toBeUndefined();
      }
    });

    it('refuses any other name, a missing Host and a malformed one with 421', () => {
      for (const host of [
        'rebind.attacker.example',
        'localhost.attacker.example:3978',
        'desk.example.com.attacker.example',
        '10.0.0.5',
        undefined,
        '',
        'localhost/evil',
        'user@localhost',
      ]) {
        expect(hostRefusal(head({ host }), served)).toMatchObject({
          status: 421,
          code: 'MisdirectedRequest',
        });
      }
    });

    it('also serves the address it listens on, when that is a specific one', () => {
      expect(servedHosts('http://localhost:3978', '192.168.1.20').has('192.168.1.20')).toBe(true);
      expect(servedHosts('http://localhost:3978', '0.0.0.0').has('0.0.0.0')).toBe(false);
      expect(servedHosts('http://localhost:3978', '::').has('[::]')).toBe(false);
    });

    it('reads host names as URLs do', () => {
      expect(hostNameOf('Example.COM:8080')).toBe('example.com');
      expect(hostNameOf('[::1]:3978')).toBe('[::1]');
      expect(hostNameOf('a b')).toBeUndefined();
    });
  });
});
