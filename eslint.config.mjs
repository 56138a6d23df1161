// ESLint with type information (typescript-eslint) over every TypeScript source of the repo.
//   npm run lint          (also a step of `npm test`, before the test tiers)
// What it enforces, and why (docs/decisions/module-boundaries-with-nx-eslint.md):
//   - no floating or misused promises: an unhandled rejection in a service is a crash or a lost error;
//   - no deep imports across packages (@tessera/x/src/..., @tessera/x/dist/...): a package is
//     used through its entry point only, so its internals can move;
//   - Nx module boundaries from the tags in each package.json (nx.tags): a hub service cannot
//     import store-node code (and the reverse), shared code imports only shared code, and a pure
//     algorithm library (type:pure) imports no framework and no other kind of library.
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Frameworks and infrastructure clients a type:pure library must not import.
const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'kafkajs', '@grpc/*', 'express', 'pg', 'ioredis', 'rxjs', 'passport*', 'prom-client', 'pino', '@opentelemetry/*', '@electric-sql/*', 'busboy', 'class-validator', 'class-transformer', 'reflect-metadata', 'opossum', 'helmet', 'jsonwebtoken'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'libs/proto/src/gen/**', '.cache/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'scripts/lint-fixtures/**', 'scripts/codemods/fixtures/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, '@nx': nx },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tessera/*/src', '@tessera/*/src/**', '@tessera/*/dist', '@tessera/*/dist/**'], message: 'Import a @tessera package through its entry point, not its files.' },
            // Inside a project, Nx's rule below refuses relative paths into another project; these
            // catch the same from files outside any project (e2e/).
            { group: ['../libs/*/src/**', '../services/*/src/**', '../apps/*/src/**', '../../libs/*/src/**', '../../services/*/src/**', '../../apps/*/src/**'], message: 'Relative paths may not leave a package: import @tessera/<package>.' },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            { sourceTag: 'scope:hub', onlyDependOnLibsWithTags: ['scope:hub', 'scope:shared'] },
            { sourceTag: 'scope:store-node', onlyDependOnLibsWithTags: ['scope:store-node', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:app', 'scope:hub', 'scope:store-node', 'scope:shared'] },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: FRAMEWORKS },
          ],
        },
      ],
    },
  },
  {
    // Integration tests of a hub service may start store-node services in-process (the round
    // test runs a whole federation in one process); production code of a hub service may not.
    files: ['**/*.int-spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'scope:hub', onlyDependOnLibsWithTags: ['scope:hub', 'scope:store-node', 'scope:shared'] },
            { sourceTag: 'scope:store-node', onlyDependOnLibsWithTags: ['scope:store-node', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:app', 'scope:hub', 'scope:store-node', 'scope:shared'] },
            { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: FRAMEWORKS },
          ],
        },
      ],
    },
  },
);
