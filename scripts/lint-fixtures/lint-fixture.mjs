#!/usr/bin/env node
// Lints one fixture of this folder with the repository's eslint.config.mjs as if the file lived
// at <as-path> (a path inside a project), and prints the messages as JSON.
//   node scripts/lint-fixtures/lint-fixture.mjs hub-imports-store-node.ts services/federation/src/fixture.ts
// The fixture is not part of any tsconfig program, so the type-aware rules are switched off for
// it (they need a program); every other rule, the boundaries above all, is the real config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = new URL('../..', import.meta.url).pathname;
const [fixture, asPath] = process.argv.slice(2);
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  ],
});
const [result] = await eslint.lintText(readFileSync(join(root, 'scripts/lint-fixtures', fixture), 'utf8'), { filePath: join(root, asPath) });
process.stdout.write(JSON.stringify(result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line }))));
