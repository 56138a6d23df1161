import type { ReactNode } from 'react';
import { ApiError } from '../api/http-client';

/** An API failure said plainly; a 403 says the role or store is out of reach rather than "error". */
export function ErrorNotice({ error, what }: { error: unknown; what?: string }) {
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : 0;
  const message = error instanceof Error ? error.message : String(error);
  const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 429 ? 'Too many requests' : status >= 500 || status === 0 ? 'The service is not answering' : 'Could not load';
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}{what ? `: ${what}` : ''}.</strong> {status === 403 ? `Your account cannot do this (${message}).` : message}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}
