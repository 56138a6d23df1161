import { useState, type FormEvent } from 'react';
import { Navigate } from 'react-router-dom';
import { signIn } from '../api/auth.api';
import { ErrorNotice, Notice } from '../components/status-notice';
import { useSession } from './session-context';

export function SignInPage() {
  const { session, endReason } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (session) return <Navigate to="/" replace />;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="sign-in">
      <h1>Tessera</h1>
      <p className="muted">Federated, privacy-preserving basket analytics for retail stores.</p>
      {endReason && <Notice>{endReason}</Notice>}
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNotice error={error} what="sign-in" />
      </form>
      <p className="muted small">
        <code>npm start</code> prints a demo account for every role.
      </p>
    </main>
  );
}
