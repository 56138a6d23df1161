#!/usr/bin/env node
'use strict';
// The `tessera` command. Runs the compiled CLI; tells the user how to build it if missing.
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  console.error('tessera is not built yet: run `npm run build` (or `npm start`, which builds) in the repository root.');
  process.exit(2);
}
require(main)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
