import type restify from 'restify';

/** A JSON answer that no cache keeps (every API answer here is about one signed-in person or conversation). */
export function sendJson(res: restify.Response, status: number, body: unknown): void {
  res.header('Cache-Control', 'no-store');
  res.send(status, body);
}

/** A plain-text answer, written as is (restify's formatters are not involved). */
export function sendText(res: restify.Response, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}
