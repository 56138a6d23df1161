#!/usr/bin/env node
// The one test command: builds, brings up real infrastructure (Postgres, Redis, Kafka)
// for the integration and end-to-end tiers, then runs every compiled test file with jest
// (jest.config.cjs; the files tsc already compiled, no transform).
//   node scripts/test.mjs                 all tiers
//   node scripts/test.mjs --tier unit     *.spec.ts only (no servers needed)
//   node scripts/test.mjs --tier int      *.int-spec.ts (real servers)
//   node scripts/test.mjs --tier e2e      e2e/**/*.e2e-spec.ts (real processes)
//   node scripts/test.mjs libs/huim       restrict to a folder (any tier)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
const buildTargets = folders.length ? folders.filter((f) => !f.startsWith('scripts')) : ['tsconfig.json'];
if (buildTargets.length) {
  console.log(`> building (tsc -b ${buildTargets.join(' ')})`);
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...buildTargets]);
}

// Generated code must match its sources (only on full runs, which is what CI does).
if (folders.length === 0 && tiers.length === 3) {
  console.log('> checking generated proto stubs are up to date (buf lint + generate)');
  run('bash', [join(root, 'scripts/proto-gen.sh'), '--check']);
  console.log('> checking docs/openapi.json, docs/openapi.hub.json and docs/openapi.store-node.json match the gateway roles (npm run openapi:gen)');
  run(process.execPath, [join(root, 'scripts/openapi-gen.mjs'), '--check']);
  console.log("> checking docs/configuration.md matches the services' config definitions (npm run config:docs)");
  run(process.execPath, [join(root, 'scripts/config-docs.mjs'), '--check']);
  console.log('> checking no test still imports node:test (node scripts/codemods/node-test-to-jest.mjs converts them)');
  run(process.execPath, [join(root, 'scripts/codemods/node-test-to-jest.mjs'), '--check']);
  console.log('> checking every workspace declares what it imports, tests-only imports as devDependencies (scripts/check-workspace-deps.mjs)');
  run(process.execPath, [join(root, 'scripts/check-workspace-deps.mjs')]);
}

// The Helm chart and Kubernetes manifests: lint, render, chart tests (offline; helm and
// kubectl come from an npm package, cached). Part of every full run.
if (folders.length === 0 && tiers.length === 3) {
  console.log('> checking the Helm chart and Kubernetes manifests (scripts/check-deploy.sh)');
  run('bash', [join(root, 'scripts/check-deploy.sh')]);
}

// Lint (eslint.config.mjs: type-aware rules, module boundaries) over what is being tested.
// --cache keeps re-runs on a developer machine fast; a fresh clone (CI) lints everything.
console.log(`> linting (eslint ${folders.length ? folders.join(' ') : '.'})`);
// @nx/enforce-module-boundaries reads Nx's cached project graph and silently skips itself when
// there is none (a fresh clone): compute it first, without the daemon or the cloud.
run(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'show', 'projects'], { stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
run(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--cache', '--cache-location', join(root, '.cache/eslint/'), '--max-warnings=0', '--no-error-on-unmatched-pattern', ...(folders.length ? folders : ['.'])]);

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
// Specs of the repository's tooling (lint boundaries, the codemod) are plain CommonJS, run as they are.
const toolingSpecs = ['scripts/lint-fixtures/lint-boundaries.spec.cjs', 'scripts/codemods/node-test-to-jest.spec.cjs', 'scripts/jest/node-environment.spec.cjs'];
for (const spec of toolingSpecs) {
  const wanted = folders.length === 0 || folders.some((f) => spec.startsWith(f.replace(/\/$/, '') + '/'));
  if (tiers.includes('unit') && wanted) files.push(join(root, spec));
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Jest over the compiled files (jest.config.cjs: no transform). Unit tests run on two workers;
// tiers that share real servers run one file at a time (--runInBand). Each tier writes jest's
// JSON summary to .cache/test-results so the totals can be summed at the end.
// Timeouts are generous: node:test had none by default, and the slow tests (property tests,
// whole-dataset mining, multi-process e2e) set their own budget where they need more.
const timeouts = { unit: 5 * 60_000, int: 10 * 60_000, e2e: 20 * 60_000 };
mkdirSync(join(root, '.cache/test-results'), { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const tier of tiers) {
  const tierFiles = files.filter((f) => (f.endsWith(suffix[tier]) || (tier === 'unit' && f.endsWith('.spec.cjs'))) && !(tier === 'unit' && /\.(int|e2e)-spec\.js$/.test(f)));
  if (tierFiles.length === 0) continue;
  console.log(`> ${tier} tier: ${tierFiles.length} files`);
  for (const f of tierFiles) console.log(`  ${relative(root, f)}`);
  const resultFile = join(root, '.cache/test-results', `${tier}-${process.pid}.json`); // per run: concurrent runs must not share it
  rmSync(resultFile, { force: true });
  const res = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/jest/bin/jest.js'),
      '--config', join(root, 'jest.config.cjs'),
      // int/e2e: one process shared by every file; --forceExit so a client a test forgot to close
      // cannot hang CI after the results are in (jest still reports the failure of a test that timed out).
      ...(tier === 'unit' ? ['--maxWorkers=2'] : ['--runInBand', '--forceExit']),
      `--testTimeout=${timeouts[tier]}`,
      '--ci',
      '--json', `--outputFile=${resultFile}`,
      '--runTestsByPath', ...tierFiles.map((f) => relative(root, f)),
    ],
    // --enable-source-maps: stack traces of failures point at the .ts lines (tsc writes .js.map).
    // --experimental-vm-modules: PGlite (the embedded Postgres) loads its WASM glue with a dynamic
    // import, which jest's module sandbox allows only with this flag.
    { stdio: 'inherit', cwd: root, env: { ...process.env, TESSERA_TEST_TIER: tier, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --enable-source-maps --experimental-vm-modules --disable-warning=ExperimentalWarning`.trim() } },
  );
  const summary = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
  passed += summary?.numPassedTests ?? 0;
  failed += (summary?.numFailedTests ?? 0) + (summary?.numRuntimeErrorTestSuites ?? 0); // a file that failed to load counts once
  skipped += (summary?.numPendingTests ?? 0) + (summary?.numTodoTests ?? 0);
  if (res.status !== 0) {
    exitCode = res.status ?? 1;
    if (!summary || summary.numFailedTests + summary.numRuntimeErrorTestSuites === 0) failed += 1; // the runner itself failed
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
