#!/usr/bin/env node
// `npm start`: build (incrementally) and run every service in one process on embedded defaults.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// The dashboard (Vite): rebuilt only when a source is newer than the last build.
const dashboard = join(root, 'apps/dashboard');
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}
const built = join(dashboard, 'dist/index.html');
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(dashboard, p)).filter(existsSync);
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
  const vite = spawnSync('npm', ['run', 'build', '-w', '@tessera/dashboard'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

const run = spawnSync(process.execPath, [`${root}apps/cli/bin/tessera.js`, 'start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
