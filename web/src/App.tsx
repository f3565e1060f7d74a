import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { setToken } from './api/client';
import { endpoints } from './api/endpoints';
import { useToken } from './auth';
import { LangSwitch } from './components/LangSwitch';
import { useI18n, type MessageKey } from './i18n';
import { OverviewPage } from './pages/Overview';
import { SignIn } from './pages/SignIn';
import { Loading } from './components/ui';
import { statusFacts } from './lib/status';

const ProvidersPage = lazy(() => import('./pages/Providers').then((m) => ({ default: m.ProvidersPage })));
const RoutingPage = lazy(() => import('./pages/Routing').then((m) => ({ default: m.RoutingPage })));
const ClassifierPage = lazy(() => import('./pages/Classifier').then((m) => ({ default: m.ClassifierPage })));
const GeneratePage = lazy(() => import('./pages/Generate').then((m) => ({ default: m.GeneratePage })));
const PlaygroundPage = lazy(() => import('./pages/Playground').then((m) => ({ default: m.PlaygroundPage })));

const NAV: { to: string; key: MessageKey }[] = [
  { to: '/', key: 'nav.overview' },
  { to: '/providers', key: 'nav.providers' },
  { to: '/routing', key: 'nav.routing' },
  { to: '/classifier', key: 'nav.classifier' },
  { to: '/generate', key: 'nav.generate' },
  { to: '/playground', key: 'nav.playground' },
];

function StatusPill() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['status'], queryFn: endpoints.status, refetchInterval: 15_000, retry: false });
  if (!q.data) return null;
  const { version, differs } = statusFacts(q.data);
  return (
    <NavLink to="/generate" className={`status-pill${differs || !version ? ' warn' : ''}`} title={t('status.title')}>
      <span className="dot" aria-hidden="true" />
      {version ? <code>{version.slice(0, 10)}</code> : <span className="status-note">{t('status.notApplied')}</span>}
      {version && differs && <span className="status-note">{t('status.pending')}</span>}
    </NavLink>
  );
}

export function App() {
  const token = useToken();
  const { t } = useI18n();
  const qc = useQueryClient();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (!token) qc.clear();
  }, [token, qc]);
  useEffect(() => setMenuOpen(false), [location.pathname]);

  const current = NAV.find((n) => (n.to === '/' ? location.pathname === '/' : location.pathname.startsWith(n.to)));
  useEffect(() => {
    document.title = current ? `${t(current.key)} · sparouter` : 'sparouter';
  }, [current, t]);

  if (!token) return <SignIn />;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          sparouter
        </div>
        <button
          type="button"
          className="btn ghost menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          {t('nav.menu')}
        </button>
        <nav id="main-nav" className={`mainnav${menuOpen ? ' open' : ''}`} aria-label={t('nav.label')}>
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.to === '/'}>
              {t(n.key)}
            </NavLink>
          ))}
        </nav>
        <div className={`topbar-right${menuOpen ? ' open' : ''}`}>
          <StatusPill />
          <LangSwitch />
          <button type="button" className="btn ghost" onClick={() => setToken(null)}>
            {t('auth.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/providers" element={<ProvidersPage />} />
          <Route path="/routing" element={<RoutingPage />} />
          <Route path="/classifier" element={<ClassifierPage />} />
          <Route path="/generate" element={<GeneratePage />} />
          <Route path="/playground" element={<PlaygroundPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
        </Suspense>
      </main>
    </div>
  );
}
