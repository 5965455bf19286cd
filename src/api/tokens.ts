import { z } from 'zod';
import { issueToken, listLiveTokens, ParentTokenGone, revokeTokenTree, type ApiToken, type Authenticated } from '../db/token-store';
import { SCOPES, type Scope } from '../lib/tokens';
import { ApiError } from './errors';
import { successMessage } from './envelopes.schema';
import type { ApiRouter } from './route';
import { idParam, singleLine } from '../lib/schemas';

const generateBody = z.object({
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
  name: singleLine('Name').trim().min(1).max(100).optional(),
}).strict();

const tokenObject = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  parent_id: z.number().int().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
}).meta({ id: 'ApiToken', description: 'A token as listed: never the secret itself' });

function presentToken(token: ApiToken): z.infer<typeof tokenObject> {
  return {
    id: token.id,
    name: token.name,
    prefix: token.display_prefix,
    scopes: token.scopes,
    parent_id: token.parent_token_id,
    created_at: token.created_at.toISOString(),
    last_used_at: token.last_used_at?.toISOString() ?? null,
    expires_at: token.expires_at?.toISOString() ?? null,
  };
}

/**
 * A token generates tokens with at most its own scopes (by default exactly them) that expire no
 * later than it does, and records itself as their parent: revoking it revokes them. A browser
 * session acts with every scope and is not their parent: a token made in the dashboard is
 * meant to outlive the sign-in it was made in (CI, scripts), so it is bounded only by the
 * usual 1-3650 days and ends when revoked.
 */
function generationLimits(auth: Authenticated, requested: readonly Scope[] | undefined): { scopes: readonly Scope[]; notAfter: Date | null; parentId?: number } {
  const scopes = requested ?? auth.scopes;
  const beyond = scopes.filter((s) => !auth.scopes.includes(s));
  if (beyond.length > 0) throw new ApiError(403, `A token cannot grant scopes it lacks: ${beyond.join(', ')}`);
  if (!auth.token) return { scopes, notAfter: null };
  return { scopes, notAfter: auth.token.expires_at, parentId: auth.token.id };
}

export function registerTokenRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/tokens/generate',
    tag: 'Tokens',
    summary: 'Generate a new API token (shown once): at most the caller\'s scopes, expiring no later than the calling token',
    auth: 'tokens:manage',
    body: generateBody,
    bodyLimit: '16kb',
    responses: {
      201: {
        description: 'The new token',
        schema: z.object({ success: z.literal(true), api_token: z.string(), token: tokenObject, expires_at: z.string().nullable(), scopes: z.array(z.string()), message: z.string() }),
      },
      403: { description: 'A scope was asked for that the calling token lacks' },
    },
    handler: async ({ body, auth, res, services }) => {
      const limits = generationLimits(auth, body.scopes);
      let issued;
      try {
        issued = await issueToken(services.db, auth.user.id, limits.scopes, { days: body.expires_in_days, notAfter: limits.notAfter, name: body.name, parentId: limits.parentId });
      } catch (err) {
        if (err instanceof ParentTokenGone) throw new ApiError(401, 'Invalid or expired API token');
        throw err;
      }
      res.status(201).json({
        success: true,
        api_token: issued.token,
        token: presentToken(issued.record),
        expires_at: issued.record.expires_at?.toISOString() ?? null,
        scopes: issued.record.scopes,
        message: 'API token generated successfully. Store this token securely - it will not be shown again.',
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/tokens',
    tag: 'Tokens',
    summary: 'List your live API tokens (never the secrets), newest first',
    auth: 'tokens:manage',
    responses: { 200: { description: 'Live tokens', schema: z.object({ success: z.literal(true), tokens: z.array(tokenObject) }) } },
    handler: async ({ auth, res, services }) => {
      const tokens = await listLiveTokens(services.db, auth.user.id);
      res.json({ success: true, tokens: tokens.map(presentToken) });
    },
  });

  const revoked = z.object({ success: z.literal(true), message: z.string(), revoked: z.number().int() });

  // Before /api/v1/tokens/:id, which would otherwise take "revoke" as an id.
  api.add({
    method: 'delete',
    path: '/api/v1/tokens/revoke',
    tag: 'Tokens',
    summary: 'Revoke the token used to make this request, and every token it generated',
    auth: 'tokens:manage',
    responses: {
      200: { description: 'Revoked', schema: successMessage },
      400: { description: 'The request was made with a session, not a token' },
    },
    handler: async ({ auth, res, services }) => {
      if (!auth.token) throw new ApiError(400, 'This request was made with a session, not a token: revoke a token with DELETE /api/v1/tokens/{id}');
      await revokeTokenTree(services.db, auth.token.id);
      res.json({ success: true, message: 'API token revoked successfully' });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/tokens/:id',
    tag: 'Tokens',
    summary: 'Revoke one of your tokens, and every token it generated',
    auth: 'tokens:manage',
    params: z.object({ id: idParam }),
    responses: {
      200: { description: 'Revoked', schema: revoked },
      404: { description: 'No such live token of yours' },
    },
    handler: async ({ params, auth, res, services }) => {
      const count = await revokeTokenTree(services.db, params.id, auth.user.id);
      if (count === 0) throw new ApiError(404, 'API token not found');
      res.json({ success: true, message: 'API token revoked successfully', revoked: count });
    },
  });
}
