import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation, useMatch, useNavigate } from 'react-router-dom';
import { ROLE_LABELS, signOut } from './api/auth.api';
import { SessionProvider, useSession } from './auth/session-context';
import { SignInPage } from './auth/sign-in.page';
import { RequireRole, RequireStore } from './auth/guards';
import { GROUP_LABELS, homeOf, VIEW_ROUTES, type ViewRoute } from './routes';
import { TIME_ZONE } from './components/format';
import { fetchStores } from './api/stores.api';

function Navigation() {
  const { session, me } = useSession();
  const navigate = useNavigate();
  const storeMatch = useMatch('/stores/:storeId/*');
  const role = session!.user.role;
  // An admin's account names no stores (it reaches all): list the registered ones.
  const allStores = useQuery({ queryKey: ['stores'], queryFn: fetchStores, enabled: !!me?.allStores });
  const stores = me?.allStores ? (allStores.data?.stores.map((s) => s.storeId) ?? []) : (me?.storeIds ?? []);
  const currentStore = storeMatch?.params.storeId ?? (role === 'store_manager' ? session!.user.storeId : stores[0]) ?? undefined;
  const visible = VIEW_ROUTES.filter((route) => !route.hidden && route.roles.includes(role));
  const groups = (['store', 'region', 'consortium', 'admin'] as ViewRoute['group'][]).filter((group) => visible.some((route) => route.group === group));
  const hrefOf = (route: ViewRoute) => route.path.replace(':storeId', encodeURIComponent(currentStore ?? ''));
  return (
    <nav aria-label="Main" className="sidebar">
      {groups.map((group) => (
        <section key={group} aria-labelledby={`nav-${group}`}>
          <h2 id={`nav-${group}`}>{group === 'store' && role === 'store_manager' ? 'My store' : GROUP_LABELS[group]}</h2>
          {group === 'store' && role !== 'store_manager' && stores.length > 0 && (
            <>
              <label htmlFor="store-picker" className="small">
                Store
              </label>
              <select id="store-picker" value={currentStore ?? ''} onChange={(event) => navigate(`/stores/${encodeURIComponent(event.target.value)}`)}>
                {stores.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </>
          )}
          <ul>
            {visible
              .filter((route) => route.group === group && (group !== 'store' || currentStore))
              .map((route) => (
                <li key={route.path}>
                  <NavLink to={hrefOf(route)} end>
                    {route.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

function Shell() {
  const { session } = useSession();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // Moving focus to the page on navigation tells keyboard and screen-reader users it changed.
  useEffect(() => main.current?.focus(), [location.pathname]);
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  const user = session.user;
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Tessera</span>
        <span className="who" data-testid="who">
          {user.email} · {ROLE_LABELS[user.role]}
          {user.storeId ? ` · ${user.storeId}` : ''}
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <Navigation />
      <main id="main" ref={main} tabIndex={-1}>
        <Routes>
          <Route index element={<Navigate to={homeOf(user.role, user.storeId)} replace />} />
          {VIEW_ROUTES.map((route) => (
            <Route
              key={route.path}
              path={route.path}
              element={<RequireRole roles={route.roles}>{route.group === 'store' ? <RequireStore>{route.element}</RequireStore> : route.element}</RequireRole>}
            />
          ))}
          <Route path="*" element={<p role="alert">There is no page at {location.pathname}.</p>} />
        </Routes>
      </main>
      <footer className="footer small muted">Times in your time zone ({TIME_ZONE}).</footer>
    </div>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/*" element={<Shell />} />
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
