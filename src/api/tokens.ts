import { z } from 'zod';
import { issueToken, revokeToken } from '../db/token-store';
import { SCOPES } from '../lib/tokens';
import type { ApiRouter } from './route';

const generateBody = z.object({
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
}).strict();

export function registerTokenRoutes(api: ApiRouter): void {
  api.add({
    method: 'post',
    path: '/api/v1/tokens/generate',
    tag: 'Tokens',
    summary: 'Generate a new API token (shown once)',
    auth: 'tokens:manage',
    body: generateBody,
    responses: {
      201: {
        description: 'The new token',
        schema: z.object({ success: z.literal(true), api_token: z.string(), expires_at: z.string(), scopes: z.array(z.string()), message: z.string() }),
      },
    },
    handler: async ({ body, auth, res, services }) => {
      const issued = await issueToken(services.db, auth.user.id, body.scopes ?? SCOPES, body.expires_in_days);
      res.status(201).json({
        success: true,
        api_token: issued.token,
        expires_at: issued.record.expires_at?.toISOString() ?? null,
        scopes: issued.record.scopes,
        message: 'API token generated successfully. Store this token securely - it will not be shown again.',
      });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/tokens/revoke',
    tag: 'Tokens',
    summary: 'Revoke the token used to make this request',
    auth: 'tokens:manage',
    responses: { 200: { description: 'Revoked', schema: z.object({ success: z.literal(true), message: z.string() }) } },
    handler: async ({ auth, res, services }) => {
      await revokeToken(services.db, auth.token.id);
      res.json({ success: true, message: 'API token revoked successfully' });
    },
  });
}
