// Jest runs the JavaScript that `tsc -b` already compiled (dist/**/*.spec.js and friends):
// no transform, so a test run costs no second compilation (docs/decisions/jest-on-compiled-output.md).
// scripts/test.mjs picks the files per tier and passes them with --runTestsByPath.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/apps', '<rootDir>/e2e', '<rootDir>/scripts'],
  // jest-environment-node, with fetch's JSON bodies parsed in the test's realm (see the file).
  testEnvironment: '<rootDir>/scripts/jest/node-environment.cjs',
  // No transform of our own code; the one ES-module dependency is rewritten to CommonJS for
  // jest's registry (scripts/jest/esm-to-commonjs.cjs says why).
  transform: { '/node_modules/@bsull/augurs/.+\\.js$': '<rootDir>/scripts/jest/esm-to-commonjs.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!@bsull/augurs/)'],
  testMatch: ['**/dist/**/*.spec.js', '**/dist/**/*.int-spec.js', '**/dist/**/*.e2e-spec.js', '**/scripts/lint-fixtures/*.spec.cjs', '**/scripts/codemods/*.spec.cjs', '**/scripts/jest/*.spec.cjs'],
  testPathIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
  watchman: false,
  cacheDirectory: '<rootDir>/.cache/jest',
};
