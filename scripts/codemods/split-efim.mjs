#!/usr/bin/env node
// Splits libs/huim/src/efim.ts (EFIM in one file) into its parts, by structure, not by lines:
//   efim-prepared-database.ts  what preparation and search exchange (the declarations before
//                              chooseMerging, plus ThresholdShare)
//   efim-prepare.ts            chooseMerging ... prepare: pruning, renaming, sorting, merging
//   efim-search-level.ts       class Level: the storage of one search level
//   efim-miner.ts              class Miner and anything else after Level: the search
//   efim.ts                    the header comment and re-exports of what efim.ts exported before
// Imports between the parts are computed from the identifiers each part uses; a declaration used
// by another part is exported. Run it again after merging a branch that changed the single-file
// efim.ts: take that branch's efim.ts, then `node scripts/codemods/split-efim.mjs`.
// A file that is already the re-export module is left alone (idempotent).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Optional argument: another libs/huim/src folder (to try the split on a branch's copy).
const dir = process.argv[2] ?? join(new URL('../..', import.meta.url).pathname, 'libs/huim/src');
const sourcePath = join(dir, 'efim.ts');
const text = readFileSync(sourcePath, 'utf8');
const source = ts.createSourceFile(sourcePath, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
if (!source.statements.some((s) => ts.isClassDeclaration(s) && s.name?.text === 'Miner')) {
  console.log('libs/huim/src/efim.ts is already split (no class Miner in it): nothing to do');
  process.exit(0);
}

const HEADERS = {
  'efim-prepared-database': `/**
 * What the two halves of EFIM (efim.ts) exchange: the prepared database that preparation
 * (efim-prepare.ts) hands to the search (efim-miner.ts), and what the search returns.
 */`,
  'efim-prepare': `/**
 * EFIM's preparation of the database before the search, from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * TWU-based pruning of items (iterated to a fixpoint here), renaming by the ascending-TWU
 * total order, sorting transactions in the reverse-lexicographic order so that identical ones
 * are adjacent, and merging them (high-utility transaction merging at the top level).
 * The search over the result is efim-miner.ts; efim.ts describes the whole algorithm.
 */`,
  'efim-search-level': `/**
 * The storage of one level of EFIM's depth-first search (efim-miner.ts): a projected database
 * in flat typed arrays plus the item -> (transaction, position) bucket index of its Primary
 * items (the item-indexed pseudo-projection described in efim.ts).
 */`,
  'efim-miner': `/**
 * EFIM's depth-first search over a prepared database (efim-prepare.ts), from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * Database projection, high-utility transaction merging of identical projected transactions,
 * and the revised sub-tree utility (Primary items) and local utility (Secondary items) upper
 * bounds computed in one scan with utility-bin arrays; with the item-indexed and compact
 * projections described in efim.ts.
 */`,
};
const PARTS = Object.keys(HEADERS);

const declaredName = (s) => {
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) return [s.name.text];
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  return [];
};
const isTypeOnly = (s) => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s);
const isExported = (s) => !!ts.getModifiers?.(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

const imports = source.statements.filter(ts.isImportDeclaration);
const body = source.statements.filter((s) => !ts.isImportDeclaration(s));
const index = (pred, what) => {
  const i = body.findIndex(pred);
  if (i < 0) throw new Error(`efim.ts: ${what} not found`);
  return i;
};
const chooseMerging = index((s) => declaredName(s).includes('chooseMerging'), 'function chooseMerging');
const level = index((s) => ts.isClassDeclaration(s) && s.name?.text === 'Level', 'class Level');

const partOf = new Map(); // statement -> part
body.forEach((s, i) => {
  const names = declaredName(s);
  if (names.includes('ThresholdShare')) partOf.set(s, 'efim-prepared-database');
  else if (i < chooseMerging) partOf.set(s, 'efim-prepared-database');
  else if (i < level) partOf.set(s, 'efim-prepare');
  else if (i === level) partOf.set(s, 'efim-search-level');
  else partOf.set(s, 'efim-miner');
});

const declaredIn = new Map(); // name -> { part, statement }
for (const s of body) for (const name of declaredName(s)) declaredIn.set(name, { part: partOf.get(s), statement: s });

function usedIdentifiers(node, out = new Set()) {
  const visit = (n) => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isPropertyName =
        (p && ts.isPropertyAccessExpression(p) && p.name === n) ||
        (p && (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === n);
      if (!isPropertyName) out.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

// Which names each part needs from another part (or from the original imports).
const needs = new Map(PARTS.map((p) => [p, new Set()]));
for (const s of body) for (const name of usedIdentifiers(s)) needs.get(partOf.get(s)).add(name);
const mustExport = new Set();
for (const [part, names] of needs) for (const name of names) {
  const declared = declaredIn.get(name);
  if (declared && declared.part !== part) mustExport.add(declared.statement);
}

const statementText = (s) => {
  let out = s.getFullText(source).replace(/^\s*\n/, '');
  if (mustExport.has(s) && !isExported(s)) {
    const offset = s.getStart(source) - s.getFullStart() - (s.getFullText(source).length - out.length);
    out = `${out.slice(0, offset)}export ${out.slice(offset)}`;
  }
  return out.trimEnd();
};

for (const part of PARTS) {
  const mine = body.filter((s) => partOf.get(s) === part);
  const used = needs.get(part);
  const lines = [HEADERS[part]];
  for (const declaration of imports) {
    const named = declaration.importClause?.namedBindings;
    if (!named || !ts.isNamedImports(named)) continue;
    const wanted = named.elements.filter((e) => used.has(e.name.text)).map((e) => e.getText(source));
    if (wanted.length) lines.push(`import ${declaration.importClause.isTypeOnly ? 'type ' : ''}{ ${wanted.join(', ')} } from ${declaration.moduleSpecifier.getText(source)};`);
  }
  for (const other of PARTS) {
    if (other === part) continue;
    const names = [...used].filter((n) => declaredIn.get(n)?.part === other).sort();
    if (names.length === 0) continue;
    const allTypes = names.every((n) => isTypeOnly(declaredIn.get(n).statement));
    const specifiers = names.map((n) => (!allTypes && isTypeOnly(declaredIn.get(n).statement) ? `type ${n}` : n));
    lines.push(`import ${allTypes ? 'type ' : ''}{ ${specifiers.join(', ')} } from './${other}';`);
  }
  writeFileSync(join(dir, `${part}.ts`), `${lines.join('\n')}\n\n${mine.map(statementText).join('\n\n')}\n`);
}

// efim.ts: the header comment, a map of the parts, re-exports of what it exported before.
const header = text.slice(0, imports[0]?.getStart(source) ?? body[0].getStart(source)).trimEnd().replace(/\s*\*\/$/, '');
const exported = body.filter(isExported);
const reexports = PARTS.map((part) => {
  const values = exported.filter((s) => partOf.get(s) === part && !isTypeOnly(s)).flatMap(declaredName);
  const types = exported.filter((s) => partOf.get(s) === part && isTypeOnly(s)).flatMap(declaredName);
  return [types.length ? `export type { ${types.join(', ')} } from './${part}';` : '', values.length ? `export { ${values.join(', ')} } from './${part}';` : ''].filter(Boolean).join('\n');
}).filter(Boolean);
writeFileSync(
  sourcePath,
  `${header}
 *
 * The code is in three parts: efim-prepare.ts (pruning, renaming, sorting, merging),
 * efim-miner.ts (the search) with efim-search-level.ts (the storage of one search level),
 * and efim-prepared-database.ts (what they exchange). This module is their entry point.
 */
${reexports.join('\n')}
`,
);
console.log(`split libs/huim/src/efim.ts into ${PARTS.map((p) => `${p}.ts`).join(', ')}`);
