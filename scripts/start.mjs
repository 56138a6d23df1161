#!/usr/bin/env node
// `npm start`: build (incrementally) and run every service in one process on embedded defaults.
import { spawnSync } from 'node:child_process';
const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [`${root}apps/cli/bin/tessera.js`, 'start', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
