import { useEffect, useState } from 'preact/hooks';
import { currentSession, forgetAccount, signOut, type User } from './api/accounts';
import { apiToken, setApiToken } from './api/client';
import { A, ErrorNote, Loading } from './components/ui';
import { navigate, useLocation } from './router';
import { Admin } from './pages/Admin';
import { CollectionDetail, Collections } from './pages/Collections';
import { Conversions } from './pages/Conversions';
import { Domains } from './pages/Domains';
import { LinkDetail } from './pages/LinkDetail';
import { LinkFormPage } from './pages/LinkForm';
import { Links } from './pages/Links';
import { Live } from './pages/Live';
import { Overview } from './pages/Overview';
import { PackageDetail, Packages } from './pages/Packages';
import { Settings } from './pages/Settings';
import { SignIn } from './pages/SignIn';
import { Transfers } from './pages/Transfers';

const NAV = [
  ['/', 'Overview'], ['/app/links', 'Links'], ['/app/live', 'Live'], ['/app/conversions', 'Conversions'],
  ['/app/packages', 'Packages'], ['/app/collections', 'Collections'], ['/app/domains', 'Domains'], ['/app/transfers', 'Imports and exports'], ['/app/settings', 'Settings'],
] as const;

type Who = { kind: 'session'; user: User } | { kind: 'token' } | { kind: 'none' };

function Route({ path, who }: { path: string; who: Who }) {
  let m: RegExpExecArray | null;
  if (path === '/' || path === '/app' || path === '/app/') return <Overview />;
  if (path === '/app/links') return <Links />;
  if (path === '/app/links/new') return <LinkFormPage />;
  if ((m = /^\/app\/links\/(\d+)\/edit$/.exec(path))) return <LinkFormPage id={Number(m[1])} />;
  if ((m = /^\/app\/links\/(\d+)$/.exec(path))) return <LinkDetail id={Number(m[1])} />;
  if (path === '/app/live') return <Live />;
  if (path === '/app/conversions') return <Conversions />;
  if (path === '/app/packages') return <Packages />;
  if ((m = /^\/app\/packages\/([^/]+)$/.exec(path))) return <PackageDetail slug={decodeURIComponent(m[1] ?? '')} />;
  if (path === '/app/collections') return <Collections />;
  if ((m = /^\/app\/collections\/([^/]+)$/.exec(path))) return <CollectionDetail slug={decodeURIComponent(m[1] ?? '')} />;
  if (path === '/app/domains') return <Domains />;
  if (path === '/app/transfers') return <Transfers />;
  if (path === '/app/settings') return <Settings signedInWithSession={who.kind === 'session'} />;
  if (path === '/app/admin') return <Admin />;
  return <section><h1>Page not found</h1><p>There is nothing at {path}. <A href="/">Go to the overview</A>.</p></section>;
}

export function App() {
  const { path } = useLocation();
  const [who, setWho] = useState<Who | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [menu, setMenu] = useState(false);
  useEffect(() => {
    if (apiToken()) {
      setWho({ kind: 'token' });
      return;
    }
    currentSession().then((user) => setWho(user ? { kind: 'session', user } : { kind: 'none' }), (err: unknown) => { setError(err); setWho({ kind: 'none' }); });
  }, []);
  useEffect(() => setMenu(false), [path]);
  // Move focus to the new page's heading, so keyboard and screen-reader users land on it.
  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [path]);

  if (!who) return <main id="main"><Loading what="Linktally" /></main>;
  const authPage = path === '/signin' || path === '/signup' || path.startsWith('/invite/');
  if (who.kind === 'none' || authPage) {
    if (who.kind !== 'none' && authPage) {
      navigate('/', { replace: true });
      return null;
    }
    const invite = path.startsWith('/invite/') ? decodeURIComponent(path.slice('/invite/'.length)) : undefined;
    return (
      <>
        <ErrorNote error={error} />
        <SignIn mode={path === '/signup' || invite ? 'signup' : 'signin'} invite={invite}
          onSignedIn={(user) => setWho(user ? { kind: 'session', user } : { kind: 'token' })} />
      </>
    );
  }
  const isAdmin = who.kind === 'session' && who.user.is_admin;
  const current = (href: string) => (href === '/' ? path === '/' || path === '/app' : path.startsWith(href));
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <A href="/" class="brand">Linktally</A>
        <button type="button" class="menu-toggle" aria-expanded={menu} aria-controls="nav" onClick={() => setMenu(!menu)}>Menu</button>
        <nav id="nav" aria-label="Main" class={menu ? 'open' : ''}>
          <ul>
            {NAV.map(([href, label]) => <li key={href}><A href={href} aria-current={current(href) ? 'page' : undefined}>{label}</A></li>)}
            {isAdmin ? <li><A href="/app/admin" aria-current={current('/app/admin') ? 'page' : undefined}>Admin</A></li> : null}
          </ul>
        </nav>
        <div class="who">
          <span class="muted">{who.kind === 'session' ? who.user.email : 'API token'}</span>
          <button type="button" class="small" onClick={() => {
            const done = () => { setApiToken(null); forgetAccount(); setWho({ kind: 'none' }); navigate('/signin'); };
            if (who.kind === 'session') void signOut().then(done, done);
            else done();
          }}>Sign out</button>
        </div>
      </header>
      <main id="main">
        <Route path={path} who={who} />
      </main>
    </div>
  );
}
