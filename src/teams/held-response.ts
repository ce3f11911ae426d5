/**
 * The response object CloudAdapter writes its answer to, held instead of sent: the messages endpoint decides
 * afterwards whether the turn really earned it (a turn that failed, or ran past its deadline, is answered 5xx
 * whatever botbuilder wrote).
 */
export class HeldResponse {
  /** Part of botbuilder's Response shape; only its streaming connections use a socket. */
  readonly socket: unknown = undefined;
  private statusCode = 200;
  private readonly headers = new Map<string, string>();
  private body: unknown;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: unknown): this {
    this.headers.set(name, String(value));
    return this;
  }

  send(body?: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    return this;
  }

  /** What botbuilder answered: status, headers and body. */
  get answer(): { status: number; headers: ReadonlyMap<string, string>; body: unknown } {
    return { status: this.statusCode, headers: this.headers, body: this.body };
  }
}
