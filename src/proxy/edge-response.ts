import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from '../lib/request-context';

type HeaderArgument = OutgoingHttpHeaders | OutgoingHttpHeader[];

/**
 * The web server's responses (createServer's ServerResponse option), which can add the request's
 * X-Request-Id as they are written rather than before the route runs.
 *
 * Why: a header set with setHeader before `writeHead(status, headers)` sends that call down
 * Node's slower path, where each of its headers is set, validated and lower-cased one at a time
 * and then written from that map. The redirect answers with `writeHead(302, {...})` alone; with
 * the id added to its headers object instead, it takes Node's direct path (about 2 % of the
 * redirect's CPU, BENCHMARKS.md). Express gives its responses its own prototype, so routes that
 * reach the API app set the id with setHeader before they run (proxy/edge.ts).
 */
export class EdgeResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Written with the head when set; '' for a response whose id was set with setHeader. */
  requestId = '';

  override writeHead(statusCode: number, reasonOrHeaders?: string | HeaderArgument, headers?: HeaderArgument): this {
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    let given = typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders;
    if (this.requestId !== '' && !this.hasHeader(REQUEST_ID_HEADER)) {
      // No headers object (an implicit head after setHeader calls, Node's slow path anyway) or raw pairs.
      if (given === undefined || Array.isArray(given)) this.setHeader('X-Request-Id', this.requestId);
      else if (!namesRequestId(given)) given = { 'X-Request-Id': this.requestId, ...given };
    }
    // Node reads headers in the third place when no reason is given.
    return super.writeHead(statusCode, reason, given);
  }
}

/** Whether a route wrote its own X-Request-Id, in any letter case: then it is the one sent. */
function namesRequestId(headers: OutgoingHttpHeaders): boolean {
  for (const name in headers) {
    if (name.length === REQUEST_ID_HEADER.length && name.toLowerCase() === REQUEST_ID_HEADER) return true;
  }
  return false;
}
