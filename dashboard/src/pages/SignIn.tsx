import { useState } from 'preact/hooks';
import { authOptions, forgetAccount, signIn, signUp, type User } from '../api/accounts';
import { api, ok, setApiToken } from '../api/client';
import { A, ErrorNote, Field, useAction, useLoad } from '../components/ui';
import { navigate } from '../router';

/** Where a server page that sent the person here to sign in wants them back (the editor sign-in only: never another site). */
function returnPath(): string | null {
  const next = new URLSearchParams(location.search).get('next');
  return next && /^\/auth\/unity-start\?port=\d{1,5}$/.test(next) ? next : null;
}

/** /signin, /signup and /invite/<token>: email and password, or (for API users) a token. */
export function SignIn({ mode, invite, onSignedIn }: { mode: 'signin' | 'signup'; invite?: string; onSignedIn: (user: User | null) => void }) {
  const options = useLoad(() => authOptions(), []);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const signup = mode === 'signup';
  const accountsMissing = options.data === null;
  const canSignUp = options.data ? options.data.signup === 'open' || Boolean(invite) || options.data.needs_first_user : false;
  const title = signup ? (invite ? 'Accept your invitation' : 'Create your account') : 'Sign in to Linktally';
  return (
    <main id="main" class="auth">
      <h1>{title}</h1>
      {accountsMissing ? <p class="notice">This server does not offer accounts in the browser yet. Sign in with an API token below (make one with <code>npm run cli -- users:create</code>).</p> : null}
      <ErrorNote error={options.error} />
      {!accountsMissing && (!signup || canSignUp) ? (
        <form onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const user = signup ? await signUp({ email, password, ...(invite ? { invite } : {}) }) : await signIn(email, password);
            setApiToken(null);
            onSignedIn(user);
            const next = returnPath();
            if (next) location.assign(next);
            else navigate('/');
          });
        }}>
          <Field label="Email"><input type="email" name="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} /></Field>
          <Field label="Password" hint={signup ? 'At least 10 characters.' : undefined}>
            <input type="password" name="password" autoComplete={signup ? 'new-password' : 'current-password'} required minLength={signup ? 10 : undefined} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          <ErrorNote error={action.error} />
          <button type="submit" class="primary" disabled={action.busy}>{signup ? 'Create account' : 'Sign in'}</button>
        </form>
      ) : null}
      {signup && options.data && !canSignUp ? <p class="notice">Sign-up on this server is by invitation only. Ask an administrator for an invite link.</p> : null}
      {!accountsMissing ? (
        <p>{signup ? <>Already have an account? <A href="/signin">Sign in</A></>
          : options.data?.needs_first_user || options.data?.signup === 'open' ? <>New here? <A href="/signup">Create an account</A></>
          : options.data?.signup === 'invite' ? <>New accounts on this server are by invitation: ask an administrator for an invite link, then open it to create your account.</>
          : null}</p>
      ) : null}
      <details open={accountsMissing}>
        <summary>Use an API token instead</summary>
        <form onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            setApiToken(token.trim());
            forgetAccount();
            try {
              await ok(api.GET('/api/v1/settings'));
            } catch (err) {
              setApiToken(null);
              throw err;
            }
            onSignedIn(null);
            navigate('/');
          });
        }}>
          <Field label="API token" hint="Kept in this tab only."><input name="token" autoComplete="off" required pattern="pk_live_[A-Za-z0-9]{32}" value={token} onInput={(e) => setToken(e.currentTarget.value)} /></Field>
          <button type="submit" disabled={action.busy}>Use token</button>
        </form>
      </details>
    </main>
  );
}
