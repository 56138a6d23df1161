#!/usr/bin/env node
// Converts test files from the node:test subset this repository uses to jest globals.
//   node scripts/codemods/node-test-to-jest.mjs [--check] [<file-or-folder>...]   (default: libs services apps e2e)
//
// The subset (CONVENTIONS.md): describe, it, test, before, after, beforeEach, afterEach, with or
// without an options object as second argument ({ timeout }, { skip }), and mock.method with
// .mock.callCount() / .mock.restore(). What it does:
//   - removes `import { ... } from 'node:test'` (jest's globals replace it; @types/jest types them);
//   - before → beforeAll, after → afterAll;
//   - test(name, { timeout: T }, fn)        → test(name, fn, T)
//   - test(name, { skip: S }, fn)           → (S ? test.skip : test)(name, fn)
//   - before(fn, { timeout: T })            → beforeAll(fn, T)
//   - describe(name, { timeout: T }, fn)    → describe(name, () => { jest.setTimeout(T); ... })
//     (jest has no per-suite timeout: the suite's budget becomes the file's per-test/hook timeout);
//   - mock.method(o, 'm'[, impl]) → jest.spyOn(o, 'm')[.mockImplementation(impl)],
//     x.mock.callCount() → x.mock.calls.length, x.mock.restore() → x.mockRestore().
// node:assert/strict assertions stay as they are: a thrown AssertionError fails a jest test.
//
// Idempotent: a file without a node:test import is left alone, so re-running it on the whole tree
// after a merge converts only the newly added node:test files. A file using anything outside the
// subset (aliases, the test context `t`, done callbacks, other options) is reported and left
// unchanged; the exit code is then 1. --check only reports what would change (exit 1 if anything).
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;
const HOOKS = { before: 'beforeAll', after: 'afterAll', beforeEach: 'beforeEach', afterEach: 'afterEach' };
const BLOCKS = new Set(['describe', 'it', 'test']);
const SUPPORTED = new Set([...BLOCKS, ...Object.keys(HOOKS), 'mock']);

class Unsupported extends Error {}

/** Returns the converted text, or undefined when the file has no node:test import. */
export function convert(text, fileName = 'test.ts') {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports = source.statements.filter((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && (s.moduleSpecifier.text === 'node:test' || s.moduleSpecifier.text === 'test'));
  if (imports.length === 0) return undefined;
  const edits = []; // { start, end, text }
  const names = new Set();
  for (const declaration of imports) {
    const clause = declaration.importClause;
    const bindings = clause?.namedBindings;
    if (!clause || clause.name || !bindings || !ts.isNamedImports(bindings)) throw new Unsupported('only `import { ... } from \'node:test\'` is supported');
    for (const element of bindings.elements) {
      if (element.propertyName && element.propertyName.text !== element.name.text) throw new Unsupported(`aliased import ${element.propertyName.text} as ${element.name.text}`);
      if (!SUPPORTED.has(element.name.text)) throw new Unsupported(`node:test export ${element.name.text}`);
      names.add(element.name.text);
    }
    let end = declaration.getEnd();
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    edits.push({ start: declaration.getStart(source), end, text: '' });
  }

  const nodeText = (node) => node.getText(source);
  const options = (node) => {
    if (!ts.isObjectLiteralExpression(node)) throw new Unsupported(`options must be an object literal: ${nodeText(node)}`);
    const found = {};
    for (const property of node.properties) {
      let key;
      let value;
      if (ts.isShorthandPropertyAssignment(property)) [key, value] = [property.name.text, property.name.text];
      else if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) [key, value] = [property.name.text, nodeText(property.initializer)];
      else throw new Unsupported(`option ${nodeText(property)}`);
      if (key !== 'timeout' && key !== 'skip') throw new Unsupported(`option ${key} (only timeout and skip are converted)`);
      found[key] = value;
    }
    return found;
  };
  const checkCallback = (fn, what) => {
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) throw new Unsupported(`${what}: the callback must be a function literal`);
    if (fn.parameters.length > 0) throw new Unsupported(`${what}: the test context / done callback (${nodeText(fn.parameters[0])}) has no jest equivalent`);
  };

  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      // base name and modifier: test(...), test.skip(...), describe.only(...)
      let base;
      let modifier = '';
      if (ts.isIdentifier(callee)) base = callee;
      else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && ['skip', 'only', 'todo'].includes(callee.name.text)) [base, modifier] = [callee.expression, callee.name.text];
      const name = base?.text;
      if (base && names.has(name) && (BLOCKS.has(name) || name in HOOKS)) {
        const args = node.arguments;
        const isHook = name in HOOKS;
        const jestName = isHook ? HOOKS[name] : name;
        if (isHook) {
          if (modifier) throw new Unsupported(`${name}.${modifier}`);
          checkCallback(args[0], name);
          const timeout = args[1] ? options(args[1]).timeout : undefined;
          if (args[1] && options(args[1]).skip) throw new Unsupported(`${name} with skip`);
          const fnText = convertInner(args[0]);
          edits.push({ start: node.getStart(source), end: node.getEnd(), text: `${jestName}(${fnText}${timeout ? `, ${timeout}` : ''})` });
          return;
        }
        if (args.length === 3 || (args.length === 2 && ts.isObjectLiteralExpression(args[1]))) {
          const opts = options(args[1]);
          const fn = args[2];
          checkCallback(fn, `${name}(${nodeText(args[0])})`);
          const head = modifier ? `${name}.${modifier}` : name;
          const callTarget = opts.skip && !modifier ? `(${opts.skip} ? ${name}.skip : ${name})` : head;
          let fnText = convertInner(fn);
          let trailing = '';
          if (opts.timeout) {
            if (name === 'describe') {
              if (!ts.isBlock(fn.body)) throw new Unsupported('describe with an expression body and a timeout');
              const offset = fn.body.getStart(source) + 1 - fn.getStart(source);
              fnText = `${fnText.slice(0, offset)}\n  jest.setTimeout(${opts.timeout});${fnText.slice(offset)}`;
            } else trailing = `, ${opts.timeout}`;
          }
          edits.push({ start: node.getStart(source), end: node.getEnd(), text: `${callTarget}(${nodeText(args[0])}, ${fnText}${trailing})` });
          return;
        }
        if (args[1]) checkCallback(args[1], `${name}(${nodeText(args[0])})`);
        if (ts.isIdentifier(callee) && jestName !== name) edits.push({ start: callee.getStart(source), end: callee.getEnd(), text: jestName });
      }
      if (names.has('mock') && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'mock') {
        if (callee.name.text !== 'method' || node.arguments.length < 2 || node.arguments.length > 3) throw new Unsupported(`mock.${callee.name.text}`);
        const [target, method, impl] = node.arguments.map((a) => convertInner(a));
        edits.push({ start: node.getStart(source), end: node.getEnd(), text: `jest.spyOn(${target}, ${method})${impl ? `.mockImplementation(${impl})` : ''}` });
        return;
      }
      // x.mock.callCount() / x.mock.restore()
      if (names.has('mock') && ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'mock' && node.arguments.length === 0) {
        const owner = nodeText(callee.expression.expression);
        if (callee.name.text === 'callCount') edits.push({ start: node.getStart(source), end: node.getEnd(), text: `${owner}.mock.calls.length` });
        else if (callee.name.text === 'restore') edits.push({ start: node.getStart(source), end: node.getEnd(), text: `${owner}.mockRestore()` });
        else throw new Unsupported(`.mock.${callee.name.text}()`);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };

  // Converts a sub-tree on its own (nested calls inside a converted call's arguments).
  const convertInner = (node) => {
    const before = edits.length;
    ts.forEachChild(node, visit);
    const inner = edits.splice(before).sort((a, b) => b.start - a.start);
    let out = nodeText(node);
    const base = node.getStart(source);
    for (const e of inner) out = out.slice(0, e.start - base) + e.text + out.slice(e.end - base);
    return out;
  };

  ts.forEachChild(source, visit);
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function walk(path, out) {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'dist' && !name.startsWith('.')) walk(join(path, name), out);
  } else if (TEST_FILE.test(path)) out.push(path);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const targets = args.filter((a) => a !== '--check');
  const files = (targets.length ? targets : ['libs', 'services', 'apps', 'e2e']).flatMap((t) => walk(join(root, t).startsWith(root) && !t.startsWith('/') ? join(root, t) : t, []));
  let changed = 0;
  let refused = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    try {
      const out = convert(text, file);
      if (out === undefined || out === text) continue;
      changed++;
      console.log(`${check ? 'would convert' : 'converted'} ${relative(root, file)}`);
      if (!check) writeFileSync(file, out);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      refused++;
      console.error(`left unchanged ${relative(root, file)}: ${error.message}`);
    }
  }
  console.log(`${files.length} test files, ${changed} ${check ? 'to convert' : 'converted'}, ${refused} outside the supported subset`);
  process.exit(refused > 0 || (check && changed > 0) ? 1 : 0);
}
