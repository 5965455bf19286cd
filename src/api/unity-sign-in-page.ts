import { escapeHtml } from '../lib/html';

/** The confirmation page of the editor sign-in: plain HTML, no script, every value escaped. */

export interface ConfirmPage {
  username: string;
  port: number;
  csrfToken: string;
  action: string;
}

export function unityConfirmPage(page: ConfirmPage): string {
  const username = escapeHtml(page.username);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sign in to the Unity editor</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f6f7f9; color: #1b1f24; }
main { background: #fff; border: 1px solid #d8dde3; border-radius: 10px; padding: 2rem; max-width: 28rem; }
h1 { font-size: 1.25rem; margin-top: 0; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { font: inherit; padding: .6rem 1.1rem; border-radius: 6px; border: 1px solid #9aa4af; background: #fff; cursor: pointer; }
button[value=allow] { background: #1f5fd6; border-color: #1f5fd6; color: #fff; }
button:focus-visible { outline: 3px solid #f3b53f; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>Sign in to the Unity editor?</h1>
<p>The pkglnk window in your Unity editor asks to act as <strong>${username}</strong>: read and change your packages and read their analytics.</p>
<p>Allow this only if you just clicked “Sign in” in the editor on this computer.</p>
<form method="post" action="${escapeHtml(page.action)}">
<input type="hidden" name="port" value="${page.port}">
<input type="hidden" name="csrf_token" value="${escapeHtml(page.csrfToken)}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>
</main>
</body>
</html>
`;
}
