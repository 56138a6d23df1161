import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Logger } from '@tessera/common';

/** services/gateway/dist/dashboard -> apps/dashboard/dist of the same checkout or image. */
export const DEFAULT_DASHBOARD_DIR = resolve(__dirname, '../../../../apps/dashboard/dist');

/** Paths the dashboard never answers: the JSON API, probes and metrics keep their own 404s. */
export function isDashboardPath(path: string): boolean {
  return !/^\/(api|health|metrics)(\/|$)/.test(path);
}

/**
 * What the single-page app needs and nothing more: its own scripts, styles, fetches and
 * images (charts are SVG drawn by script; no inline scripts, no third-party origins).
 */
export const DASHBOARD_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Where a request path points inside the build, or undefined when it would leave it. */
export function fileOf(root: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(root, decoded));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves the dashboard build at / on GET and HEAD: files of the build as they are (hashed
 * assets under /assets/ cached for a year as immutable, everything else revalidated), and
 * index.html for any other path without a file extension, so client-side routes survive a
 * reload (SPA fallback). /api, /health and /metrics pass through untouched. Without a build
 * (the dashboard was not built) every request passes through, as before.
 */
export function serveDashboard(dir: string, logger: Logger) {
  const root = resolve(dir || DEFAULT_DASHBOARD_DIR);
  const index = join(root, 'index.html');
  const headers = helmet({ contentSecurityPolicy: DASHBOARD_CSP });
  if (!existsSync(index)) logger.info({ dir: root }, 'no dashboard build (npm run build builds it); / answers 404');
  return (request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !isDashboardPath(request.path) || !existsSync(index)) return next();
    const file = fileOf(root, request.path);
    if (!file) return next();
    const isFile = existsSync(file) && statSync(file).isFile();
    if (!isFile && extname(request.path)) return next();
    const target = isFile ? file : index;
    const immutable = isFile && request.path.startsWith('/assets/');
    headers(request, response, () => {
      response.sendFile(target, { maxAge: immutable ? 365 * 24 * 3600 * 1000 : 0, immutable, lastModified: true, dotfiles: 'deny', headers: immutable ? {} : { 'Cache-Control': 'no-cache' } }, (error) => {
        if (error && !response.headersSent) next();
      });
    });
  };
}
