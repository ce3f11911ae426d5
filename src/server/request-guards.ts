/**
 * Checks made on every request before any route runs and before a byte of its body is read: what a request
 * says about itself in its headers is enough to refuse it.
 */

export interface RequestHead {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface Refusal {
  readonly status: 413 | 415 | 421;
  readonly code: string;
  readonly message: string;
  /** For the log line: what was wrong, never more than a short excerpt of a header. */
  readonly reason: string;
}

export interface RequestGuardOptions {
  /** MAX_BODY_KB in bytes. */
  readonly maxBodyBytes: number;
  /** Host names served (lowercase, IPv6 in brackets); undefined serves every host. */
  readonly allowedHosts?: ReadonlySet<string> | undefined;
}

const MAX_SHOWN_CHARS = 100;

function excerpt(value: string): string {
  return value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Only identity bodies are taken: no Bot Framework client compresses, and an inflated body would be held in
 * memory before its size could be checked.
 */
export function encodingRefusal(head: RequestHead): Refusal | undefined {
  const encoding = single(head.headers['content-encoding']);
  if (encoding === undefined) return undefined;
  const codings = encoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '');
  if (codings.every((coding) => coding === 'identity')) return undefined;
  return {
    status: 415,
    code: 'UnsupportedMediaType',
    message:
      'Compressed request bodies are not accepted: send the body uncompressed (Content-Encoding: identity).',
    reason: `content-encoding ${excerpt(encoding)}`,
  };
}

/** A body whose declared length is over the limit is refused before it is read. */
export function lengthRefusal(head: RequestHead, maxBodyBytes: number): Refusal | undefined {
  const declared = single(head.headers['content-length']);
  if (declared === undefined || !/^\d+$/.test(declared.trim())) return undefined;
  const length = Number(declared.trim());
  if (length <= maxBodyBytes) return undefined;
  return {
    status: 413,
    code: 'PayloadTooLarge',
    message: `The request body is larger than ${Math.floor(maxBodyBytes / 1024)} KB.`,
    reason: `content-length ${length}`,
  };
}

/** The host name of a Host header (lowercase, IPv6 in brackets, no port), or undefined when it is not one. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '' || /[\s/?#@\\]/.test(header)) return undefined;
  try {
    const url = new URL(`http://${header}`);
    return url.hostname === '' ? undefined : url.hostname;
  } catch {
    return undefined;
  }
}

/**
 * In anonymous mode only this machine's names and the public base URL's host are served: a web page on a
 * domain that rebinds to 127.0.0.1 sends its own name as Host, and must not get a dev sign-in token.
 */
export function hostRefusal(head: RequestHead, allowedHosts: ReadonlySet<string>): Refusal | undefined {
  const header = single(head.headers['host']);
  const host = hostNameOf(header);
  if (host !== undefined && allowedHosts.has(host)) return undefined;
  return {
    status: 421,
    code: 'MisdirectedRequest',
    message: 'This server does not answer for that host name.',
    reason: header === undefined ? 'no Host header' : `host ${excerpt(header)}`,
  };
}

/** The first reason to refuse a request from its headers alone, or undefined to go on. */
export function requestRefusal(head: RequestHead, options: RequestGuardOptions): Refusal | undefined {
  return (
    (options.allowedHosts ? hostRefusal(head, options.allowedHosts) : undefined) ??
    encodingRefusal(head) ??
    lengthRefusal(head, options.maxBodyBytes)
  );
}

/**
 * The host names anonymous mode serves: loopback by name and address, PUBLIC_BASE_URL's host, and the address
 * it listens on when that is a specific one (the server calls itself there; a rebinding page never sends an
 * address, only its own domain name).
 */
export function servedHosts(publicBaseUrl: string, listenHost: string): ReadonlySet<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '[::1]']);
  for (const candidate of [
    publicBaseUrl,
    `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}`,
  ]) {
    try {
      hosts.add(new URL(candidate).hostname);
    } catch {
      // The config has already checked both; a bad one adds no host.
    }
  }
  hosts.delete('0.0.0.0');
  hosts.delete('[::]');
  return hosts;
}
