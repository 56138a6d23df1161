import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_POLICY } from './access.decorator';
import type { AccessPolicy } from './access-policy';

export interface RouteEntry {
  /** "GET /api/transactions" */
  key: string;
  method: string;
  path: string;
  controller: string;
  handler: string;
  policy?: AccessPolicy;
}

function join(...parts: string[]): string {
  const path = '/' + parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
  return path.replace(/:(\w+)/g, ':$1');
}

function asArray(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Every route of the given controllers with its declared policy (undefined when it has none). */
export function routeTable(controllers: Type<unknown>[]): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const controller of controllers) {
    const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor') continue;
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler);
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const policy = Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy | undefined;
      for (const prefix of prefixes) {
        for (const path of asArray(paths)) {
          const full = join(prefix, path);
          routes.push({ key: `${method} ${full}`, method, path: full, controller: controller.name, handler: name, policy });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
