import { pkglnkError } from './errors.schema';
import type { SchemaComponents } from './openapi-schema';
import { CONFIRM_PATH, confirmForm, START_PATH, startQuery } from './unity-sign-in';

/**
 * The Unity editor's sign-in (unity-sign-in.ts) in the OpenAPI document: browser pages, not
 * JSON resources, so they carry `x-linktally-edge` like the other pages (the fuzzer leaves them
 * out); their errors are the pkglnk envelope, their inputs the schemas the handlers parse.
 */

export const UNITY_SIGN_IN_TAG = {
  name: 'Editor sign-in',
  description: 'The pkglnk Unity editor client\'s browser sign-in: the editor opens the start page, the person confirms, the browser brings a token to the editor\'s listener on localhost',
};

export function unitySignInPaths(components: SchemaComponents): Record<string, Record<string, object>> {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: components.output(pkglnkError) } } });
  const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
  const redirect = (description: string, to: string) => ({ description, headers: { Location: { description: to, schema: { type: 'string' } } } });
  const common = { tags: [UNITY_SIGN_IN_TAG.name], 'x-linktally-edge': true };
  return {
    [START_PATH]: {
      get: {
        ...common,
        operationId: 'getAuthUnityStart',
        summary: 'Start the editor\'s sign-in: a page asking the signed-in person to allow the editor (no session: a redirect to sign in first)',
        // Anyone may open it; with a session it shows the confirmation, without one it sends the browser to sign in.
        security: [{ sessionCookie: [] }, {}],
        parameters: components.parameters(startQuery, 'query'),
        responses: {
          200: html('The confirmation page, whose form POSTs to the confirm step'),
          302: redirect('Not signed in: to the dashboard\'s sign-in, which comes back here afterwards', '/signin?next=…'),
          400: error('No port, or not one from 1024 to 65535'),
        },
      },
    },
    [CONFIRM_PATH]: {
      post: {
        ...common,
        operationId: 'postAuthUnityConfirm',
        summary: 'Allow or cancel the editor\'s sign-in: allow mints a token (packages:read, packages:write, analytics:read; 90 days) and sends the browser to the editor with it',
        security: [{ sessionCookie: [] }],
        requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: components.input(confirmForm) } } },
        responses: {
          302: redirect('To the editor\'s listener: with token, username, avatar_url and user_id (allow), or error=access_denied (cancel)', 'http://localhost:{port}/?…'),
          400: error('A missing or bad port, csrf_token or decision'),
          401: error('Not signed in'),
          403: error('Missing or wrong csrf_token (the form field)'),
          413: error('Form over 4 KB'),
          // Its every success is the redirect: what is left is a server error.
          default: error('Any other answer: a server error'),
        },
      },
    },
  };
}
