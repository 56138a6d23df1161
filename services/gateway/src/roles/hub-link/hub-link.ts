import * as http from 'node:http';
import * as https from 'node:https';
import { HttpException, HttpStatus } from '@nestjs/common';
import { ConfigError, type NodeTls } from '@tessera/common';
import { RetryAfterException } from '../../http/retry-after';

export const HUB_LINK = Symbol('HUB_LINK');

export interface HubAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: unknown;
}

export interface HubRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. /api/auth/me or /api/federated/global-patterns?limit=5 */
  path: string;
  /** Bearer token of the caller, forwarded as-is. */
  token?: string;
  json?: unknown;
  requestId?: string;
  /** The end user's address and agent, so the hub's audit rows and lockouts see them, not this node. */
  forwardedFor?: string;
  userAgent?: string;
}

/** The hub could not be reached (refused, reset, timed out, TLS failure): callers fall back or answer 503. */
export class HubUnreachableError extends Error {}

/**
 * The store node's one outbound link to the hub gateway's node front (HUB_URL): HTTPS with
 * this node's client certificate and the consortium CA (NODE_TLS_*), or plain HTTP when
 * NODE_TLS_MODE=plaintext (local development). Nothing dials into the node.
 */
export class HubLink {
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(
    hubUrl: string,
    tls: NodeTls,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(hubUrl);
    if (tls.mode === 'mtls' && this.base.protocol !== 'https:') {
      throw new ConfigError('gateway', [{ variable: 'HUB_URL', message: `must be an https: URL when NODE_TLS_MODE=mtls; got ${JSON.stringify(hubUrl)}` }]);
    }
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...(tls.mode === 'mtls' ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}) }) : new http.Agent({ keepAlive: true });
  }

  get url(): string {
    return this.base.toString();
  }

  request(options: HubRequest): Promise<HubAnswer> {
    const target = new URL(options.path, this.base);
    const body = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(target, { method: options.method, headers, agent: this.agent, timeout: this.timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(new HubUnreachableError(`the hub at ${this.base.origin} broke off its answer: ${error.message}`)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: parsed });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on('error', (error) => reject(new HubUnreachableError(`the hub at ${this.base.origin} is unreachable: ${error.message}`)));
      request.end(body);
    });
  }

  /**
   * A long-lived GET (server-sent events): resolves with the hub's response as a stream once
   * its headers arrive; the socket may idle up to idleMs (the hub sends a heartbeat every 15 s).
   */
  open(options: Omit<HubRequest, 'method' | 'json'>, idleMs = 60_000): Promise<http.IncomingMessage> {
    const target = new URL(options.path, this.base);
    const headers: http.OutgoingHttpHeaders = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.get(target, { headers, agent: this.agent, timeout: idleMs }, resolve);
      request.on('timeout', () => request.destroy(new Error(`nothing from the hub for ${idleMs} ms`)));
      request.on('error', (error) => reject(new HubUnreachableError(`the hub at ${this.base.origin} is unreachable: ${error.message}`)));
    });
  }

  /** A request whose answer is relayed to the caller: the hub's errors pass through with their status; an unreachable hub is 503. */
  async relay(options: HubRequest): Promise<unknown> {
    let answer: HubAnswer;
    try {
      answer = await this.request(options);
    } catch (error) {
      if (error instanceof HubUnreachableError) throw new RetryAfterException(HttpStatus.SERVICE_UNAVAILABLE, `${error.message}; try again shortly (signed-in users keep working on this node)`, 10);
      throw error;
    }
    if (answer.status >= 500) throw new HttpException({ statusCode: HttpStatus.BAD_GATEWAY, error: 'Bad Gateway', message: `the hub answered ${answer.status}`, hub: answer.body }, HttpStatus.BAD_GATEWAY);
    if (answer.status >= 400) {
      const retryAfter = Number(answer.headers['retry-after']);
      const message = messageOf(answer.body) ?? `the hub answered ${answer.status}`;
      if ((answer.status === 429 || answer.status === 503) && retryAfter > 0) throw new RetryAfterException(answer.status, message, retryAfter);
      throw new HttpException(typeof answer.body === 'object' && answer.body ? answer.body : { statusCode: answer.status, message }, answer.status);
    }
    return answer.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

function messageOf(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}
