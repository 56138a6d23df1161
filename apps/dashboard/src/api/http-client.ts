import { getSession, refreshSession } from './session-store';

/** An answer other than 2xx, with the API's own message (a 403 names what the role cannot do). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function messageOf(status: number, body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return `the server answered ${status}`;
}

async function send(path: string, init: RequestInit, token: string | undefined): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return fetch(path, { ...init, headers });
}

/** fetch with the session's token; on a 401 refreshes once and retries. */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  let session = getSession();
  if (session && session.expiresAt - Date.now() < 10_000) session = await refreshSession();
  let response = await send(path, init, session?.token);
  if (response.status === 401 && session) {
    const next = await refreshSession();
    if (next) response = await send(path, init, next.token);
  }
  return response;
}

export async function api<T>(path: string, options: { method?: string; json?: unknown; query?: Query } = {}): Promise<T> {
  const init: RequestInit = { method: options.method ?? 'GET' };
  if (options.json !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(options.json);
  }
  const response = await authorizedFetch(withQuery(path, options.query), init);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) throw new ApiError(response.status, messageOf(response.status, body), body);
  return body as T;
}

/** Downloads a file the API renders (CSV export) with the session's token. */
export async function download(path: string, query: Query, fileName: string): Promise<void> {
  const response = await authorizedFetch(withQuery(path, query));
  if (!response.ok) throw new ApiError(response.status, `the export failed (${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A multipart upload with progress (fetch has no upload progress; XHR does). */
export function uploadWithProgress<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  const attempt = (token: string | undefined) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', path);
      if (token) request.setRequestHeader('Authorization', `Bearer ${token}`);
      request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
      request.onload = () => {
        let body: unknown;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          body = request.responseText;
        }
        resolve({ status: request.status, body });
      };
      request.onerror = () => reject(new ApiError(0, 'the upload was interrupted (network error)'));
      request.send(form);
    });
  return (async () => {
    let answer = await attempt(getSession()?.token);
    if (answer.status === 401) {
      const next = await refreshSession();
      if (next) answer = await attempt(next.token);
    }
    if (answer.status < 200 || answer.status >= 300) throw new ApiError(answer.status, messageOf(answer.status, answer.body), answer.body);
    onProgress(1);
    return answer.body as T;
  })();
}
