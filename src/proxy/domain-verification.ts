import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathOf } from '../lib/url-path';
import { verificationAnswer, verificationTokenOf } from '../lib/domain-verification';
import { sendText } from './plain-text';

/**
 * GET /.well-known/linktally/<token> on any host: the token's keyed hash under APP_SECRET,
 * which the verify-domain job compares. No database read: any token is answered, and only a
 * deployment holding the secret can answer it right.
 */
export function createDomainVerificationHandler(appSecret: string) {
  return function answerVerification(req: IncomingMessage, res: ServerResponse): void {
    const token = verificationTokenOf(pathOf(req.url ?? '/'));
    if (token === null) return sendText(res, 404, 'Not found');
    sendText(res, 200, verificationAnswer(appSecret, token));
  };
}
