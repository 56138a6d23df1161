#!/usr/bin/env node
// Every workspace package (libs/*, services/*, apps/*) declares what it imports, where it imports it:
//   - a package imported by production code is in "dependencies";
//   - a package imported only by tests (*.spec.ts, *.int-spec.ts, src/testing/) is in "devDependencies";
//   - a declared package nothing imports is removed.
// Imports are read from the TypeScript sources (import/export from, import(), require()).
// Only packages with a name that can be imported are judged; @types/* and the like are left alone.
//   node scripts/check-workspace-deps.mjs           report, exit 1 if anything is off (a step of npm test)
//   node scripts/check-workspace-deps.mjs --fix     rewrite the package.json files (then run npm install)
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fix = process.argv.includes('--fix');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]((?:@[^/'"]+\/)?[^/'".][^/'"]*)/gm;
const isTest = (path) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(path) || path.includes('/testing/');

function sources(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'gen') continue;
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

let problems = 0;
for (const group of ['libs', 'services', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    // The dashboard is a browser bundle: everything it uses is build-time (devDependencies), so the
    // production image installs none of React; its .tsx sources and Vite config are not scanned here.
    if (group === 'apps' && name === 'dashboard') continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const prod = new Set();
    const test = new Set();
    for (const file of [...sources(join(dir, 'src')), ...sources(join(dir, 'bin'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) (isTest(file) ? test : prod).add(match[1]);
    }
    const dependencies = { ...manifest.dependencies };
    const devDependencies = { ...manifest.devDependencies };
    const notes = [];
    for (const [dep, version] of Object.entries(dependencies)) {
      if (dep.startsWith('@types/') || prod.has(dep)) continue;
      delete dependencies[dep];
      if (test.has(dep)) {
        devDependencies[dep] = version;
        notes.push(`${dep} is used by tests only: devDependencies`);
      } else notes.push(`${dep} is declared but never imported: removed`);
    }
    for (const dep of Object.keys(devDependencies)) {
      if (dep.startsWith('@types/') || test.has(dep)) continue;
      if (prod.has(dep)) {
        dependencies[dep] = devDependencies[dep];
        notes.push(`${dep} is used by production code: dependencies`);
      } else notes.push(`${dep} (devDependency) is never imported: removed`);
      delete devDependencies[dep];
    }
    for (const dep of prod) {
      if (dep.startsWith('@tessera/') && dep !== manifest.name && !(dep in dependencies)) notes.push(`${dep} is imported but not declared (add it to dependencies)`);
    }
    if (notes.length === 0) continue;
    problems += notes.length;
    for (const note of notes) console.log(`${group}/${name}: ${note}`);
    if (fix) {
      const next = {};
      for (const [key, value] of Object.entries(manifest)) {
        if (key === 'devDependencies') continue;
        next[key] = key === 'dependencies' ? dependencies : value;
        if (key === 'dependencies' && Object.keys(devDependencies).length) next.devDependencies = devDependencies;
      }
      if (!('dependencies' in manifest) && Object.keys(devDependencies).length) next.devDependencies = devDependencies;
      writeFileSync(manifestPath, `${JSON.stringify(next, null, 2)}\n`);
    }
  }
}
if (problems && !fix) console.error(`\n${problems} dependency declaration(s) to fix: node scripts/check-workspace-deps.mjs --fix, then npm install`);
if (problems && fix) console.log('\npackage.json files rewritten: run npm install to update package-lock.json');
process.exit(problems && !fix ? 1 : 0);
