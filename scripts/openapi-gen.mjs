#!/usr/bin/env node
// Writes one OpenAPI document per gateway role from its controllers (the same document its
// /api/docs serves), without starting anything. `--check` fails if a committed file is stale.
//   docs/openapi.hub.json         GATEWAY_ROLE=hub
//   docs/openapi.store-node.json  GATEWAY_ROLE=store-node
//   docs/openapi.json             GATEWAY_ROLE=all (the all-in-one process: every route)
//   npm run openapi:gen                 builds the gateway, then writes the files
//   node scripts/openapi-gen.mjs --check
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'services/gateway/dist/index.js');
if (!existsSync(entry)) {
  console.error('the gateway is not built: run `npm run build` (or `npm run openapi:gen`, which builds it) first');
  process.exit(2);
}
const { generateOpenApiDocument, openApiJson, OPENAPI_ROLES } = createRequire(import.meta.url)(entry);
const fileOf = (role) => (role === 'all' ? 'docs/openapi.json' : `docs/openapi.${role}.json`);
let stale = 0;
for (const role of OPENAPI_ROLES) {
  const file = fileOf(role);
  const target = join(root, file);
  const json = openApiJson(await generateOpenApiDocument(role));
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== json) {
      console.error(`${file} is stale: the gateway's routes or DTOs (role ${role}) changed. Run 'npm run openapi:gen' and commit the result.`);
      stale++;
    } else console.log(`${file} is up to date`);
  } else {
    writeFileSync(target, json);
    console.log(`wrote ${file} (${Object.keys(JSON.parse(json).paths).length} paths, role ${role})`);
  }
}
process.exit(stale ? 1 : 0);
