import { z } from 'zod';
import { changePlan } from '../domain/accounts';
import { createInvite, deleteInvite, listInvites, type InviteRecord } from '../db/invite-store';
import { listUsersWithUsage } from '../db/user-store';
import { PLANS } from '../lib/plans';
import { ApiError } from './errors';
import { successMessage } from './envelopes.schema';
import { requestsToday } from './rate-limit';
import type { ApiRouter } from './route';
import { idParam } from '../lib/schemas';
import { presentUser, userObject } from './sessions.schema';

/**
 * Administration, for users with is_admin (the first account of an install, or one the CLI
 * made). A token needs settings:manage besides; a session has every scope.
 */
const adminUser = userObject.extend({
  links: z.number().int(),
  packages: z.number().int(),
  clicks: z.number().int(),
  installs: z.number().int(),
  requests_today: z.number().int(),
});

const inviteObject = z.object({
  id: z.number().int(),
  status: z.enum(['pending', 'used', 'expired']),
  created_by: z.number().int().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  used_at: z.string().nullable(),
  used_by: z.number().int().nullable(),
});

function presentInvite(invite: InviteRecord): z.infer<typeof inviteObject> {
  const status = invite.used_at ? 'used' : invite.expires_at.getTime() <= Date.now() ? 'expired' : 'pending';
  return {
    id: invite.id,
    status,
    created_by: invite.created_by,
    created_at: invite.created_at.toISOString(),
    expires_at: invite.expires_at.toISOString(),
    used_at: invite.used_at?.toISOString() ?? null,
    used_by: invite.used_by,
  };
}

const idParams = z.object({ id: idParam });

export function registerAdminRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/admin/users',
    tag: 'Admin',
    summary: 'Every user with plan, role and usage (links, packages, clicks, installs, API requests today)',
    auth: 'settings:manage',
    admin: true,
    responses: { 200: { description: 'Users', schema: z.object({ success: z.literal(true), users: z.array(adminUser) }) }, 403: { description: 'Not an administrator' } },
    handler: async ({ res, services }) => {
      const users = await listUsersWithUsage(services.db);
      const today = await requestsToday(services, users.map((u) => u.id));
      res.json({
        success: true,
        users: users.map((u, i) => ({ ...presentUser(u), links: u.links, packages: u.packages, clicks: u.clicks, installs: u.installs, requests_today: today[i] ?? 0 })),
      });
    },
  });

  api.add({
    method: 'patch',
    path: '/api/v1/admin/users/:id',
    tag: 'Admin',
    summary: 'Change a user\'s plan (fires subscription.updated, as the CLI does)',
    auth: 'settings:manage',
    admin: true,
    params: idParams,
    body: z.object({ plan: z.enum(PLANS) }).strict(),
    bodyLimit: '16kb',
    responses: {
      200: { description: 'The user', schema: z.object({ success: z.literal(true), user: userObject }) },
      403: { description: 'Not an administrator' },
      404: { description: 'No such user' },
    },
    handler: async ({ params, body, res, services }) => {
      const user = await changePlan(services, { id: params.id }, body.plan);
      res.json({ success: true, user: presentUser(user) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/admin/invites',
    tag: 'Admin',
    summary: 'Create a one-use invite link (its URL is shown once)',
    auth: 'settings:manage',
    admin: true,
    body: z.object({ expires_in_days: z.number().int().min(1).max(90).optional() }).strict(),
    bodyLimit: '16kb',
    responses: {
      201: { description: 'The invite', schema: z.object({ success: z.literal(true), invite: z.object({ id: z.number().int(), url: z.string(), expires_at: z.string() }) }) },
      403: { description: 'Not an administrator' },
      409: { description: 'Sign-up is closed (SIGNUP=closed): an invite could not be used' },
    },
    handler: async ({ body, auth, res, services }) => {
      if (services.config.signup === 'closed') throw new ApiError(409, 'Sign-up is closed (SIGNUP=closed): invites cannot be used');
      const { token, invite } = await createInvite(services.db, auth.user.id, body.expires_in_days ?? 7);
      res.status(201).json({ success: true, invite: { id: invite.id, url: `${services.config.publicBaseUrl}/invite/${token}`, expires_at: invite.expires_at.toISOString() } });
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/admin/invites',
    tag: 'Admin',
    summary: 'Invites, newest first, with their status (never their URLs)',
    auth: 'settings:manage',
    admin: true,
    responses: { 200: { description: 'Invites', schema: z.object({ success: z.literal(true), invites: z.array(inviteObject) }) }, 403: { description: 'Not an administrator' } },
    handler: async ({ res, services }) => {
      res.json({ success: true, invites: (await listInvites(services.db)).map(presentInvite) });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/v1/admin/invites/:id',
    tag: 'Admin',
    summary: 'Withdraw an invite',
    auth: 'settings:manage',
    admin: true,
    params: idParams,
    responses: { 200: { description: 'Deleted', schema: successMessage }, 403: { description: 'Not an administrator' }, 404: { description: 'No such invite' } },
    handler: async ({ params, res, services }) => {
      if (!(await deleteInvite(services.db, params.id))) throw new ApiError(404, 'Invite not found');
      res.json({ success: true, message: 'Invite deleted' });
    },
  });
}
