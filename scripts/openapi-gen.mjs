#!/usr/bin/env node
// Writes docs/openapi.json from the gateway's controllers (the same document /api/docs
// serves), without starting anything. `--check` fails if the committed file is stale.
//   npm run openapi:gen                 builds the gateway, then writes the file
//   node scripts/openapi-gen.mjs --check
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'services/gateway/dist/index.js');
const target = join(root, 'docs/openapi.json');
if (!existsSync(entry)) {
  console.error('the gateway is not built: run `npm run build` (or `npm run openapi:gen`, which builds it) first');
  process.exit(2);
}
const { generateOpenApiDocument, openApiJson } = createRequire(import.meta.url)(entry);
const json = openApiJson(await generateOpenApiDocument());
if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (current !== json) {
    console.error("docs/openapi.json is stale: the gateway's routes or DTOs changed. Run 'npm run openapi:gen' and commit the result.");
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date');
} else {
  writeFileSync(target, json);
  console.log(`wrote docs/openapi.json (${Object.keys(JSON.parse(json).paths).length} paths)`);
}
process.exit(0);
