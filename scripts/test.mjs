#!/usr/bin/env node
// The one test command: builds, brings up real infrastructure (Postgres, Redis, Kafka)
// for the integration and end-to-end tiers, then runs every compiled test file with
// node's built-in test runner.
//   node scripts/test.mjs                 all tiers
//   node scripts/test.mjs --tier unit     *.spec.ts only (no servers needed)
//   node scripts/test.mjs --tier int      *.int-spec.ts (real servers)
//   node scripts/test.mjs --tier e2e      e2e/**/*.e2e-spec.ts (real processes)
//   node scripts/test.mjs libs/huim       restrict to a folder (any tier)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let tiers = ['unit', 'int', 'e2e'];
const folders = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tier') tiers = args[++i].split(',');
  else folders.push(args[i]);
}
const suffix = { unit: '.spec.js', int: '.int-spec.js', e2e: '.e2e-spec.js' };

function run(cmd, cmdArgs, opts = {}) {
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, ...opts });
  if (res.status !== 0) {
    console.error(`\n${cmd} ${cmdArgs.join(' ')} failed with exit code ${res.status}`);
    process.exit(res.status ?? 1);
  }
}

function findCompiled(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findCompiled(path, out);
    else out.push(path);
  }
  return out;
}

// With folders given, build only those projects (and what they reference).
const buildTargets = folders.length ? folders : ['tsconfig.json'];
console.log(`> building (tsc -b ${buildTargets.join(' ')})`);
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...buildTargets]);

// Generated code must match its sources (only on full runs, which is what CI does).
if (folders.length === 0 && tiers.length === 3) {
  console.log('> checking generated proto stubs are up to date (buf lint + generate)');
  run('bash', [join(root, 'scripts/proto-gen.sh'), '--check']);
  console.log('> checking docs/openapi.json matches the gateway (npm run openapi:gen)');
  run(process.execPath, [join(root, 'scripts/openapi-gen.mjs'), '--check']);
  console.log("> checking docs/configuration.md matches the services' config definitions (npm run config:docs)");
  run(process.execPath, [join(root, 'scripts/config-docs.mjs'), '--check']);
}

// The Helm chart and Kubernetes manifests: lint, render, chart tests (offline; helm and
// kubectl come from an npm package, cached). Part of every full run.
if (folders.length === 0 && tiers.length === 3) {
  console.log('> checking the Helm chart and Kubernetes manifests (scripts/check-deploy.sh)');
  run('bash', [join(root, 'scripts/check-deploy.sh')]);
}

if (tiers.includes('int') || tiers.includes('e2e')) {
  console.log('> bringing up Postgres, Redis and Kafka (scripts/infra/up.sh)');
  // up.sh prints `export NAME=value` lines with the connection facts; the tests read them.
  const up = spawnSync('bash', [join(root, 'scripts/infra/up.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (up.status !== 0) {
    console.error(`scripts/infra/up.sh failed with exit code ${up.status}`);
    process.exit(up.status ?? 1);
  }
  for (const match of up.stdout.matchAll(/^export ([A-Z_][A-Z0-9_]*)=(.*)$/gm)) {
    process.env[match[1]] = match[2].replace(/^['"]|['"]$/g, '');
    console.log(`  ${match[1]}=${process.env[match[1]]}`);
  }
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL;
}

const searchRoots = folders.length ? folders.map((f) => join(root, f)) : ['libs', 'services', 'apps', 'e2e'].map((f) => join(root, f));
const files = [];
for (const searchRoot of searchRoots) {
  for (const path of findCompiled(searchRoot, [])) {
    if (!path.includes(`${'/dist/'}`)) continue;
    const tier = Object.entries(suffix).find(([, s]) => path.endsWith(s) && !(s === '.spec.js' && /\.(int|e2e)-spec\.js$/.test(path)));
    if (tier && tiers.includes(tier[0])) files.push(path);
  }
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Unit tests run concurrently; tiers that share real servers run one file at a time.
// Each tier also writes TAP to .cache/test-results so the totals can be summed at the end.
mkdirSync(join(root, '.cache/test-results'), { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const tier of tiers) {
  const tierFiles = files.filter((f) => f.endsWith(suffix[tier]) && !(tier === 'unit' && /\.(int|e2e)-spec\.js$/.test(f)));
  if (tierFiles.length === 0) continue;
  console.log(`> ${tier} tier: ${tierFiles.length} files`);
  for (const f of tierFiles) console.log(`  ${relative(root, f)}`);
  const tapFile = join(root, '.cache/test-results', `${tier}-${process.pid}.tap`); // per run: concurrent runs must not share it
  const res = spawnSync(
    process.execPath,
    ['--test', `--test-concurrency=${tier === 'unit' ? 2 : 1}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...tierFiles],
    { stdio: 'inherit', cwd: root, env: { ...process.env, TESSERA_TEST_TIER: tier } },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (label) => Number((tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (res.status !== 0) {
    exitCode = res.status ?? 1;
    if (count('fail') + count('cancelled') === 0) failed += 1; // the runner itself failed
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
