// Jest transform for the one ES-module dependency tests load: @bsull/augurs (wasm-bindgen glue).
// Node >= 20.19 require()s an ES module natively, which is how libs/forecast loads it in the
// services; jest's module registry cannot before Node 24.9 ("Must use import to load ES Module"),
// so under jest the glue is rewritten to CommonJS with the TypeScript compiler (already a dev
// dependency). `import.meta.url` only serves wasm-bindgen's fetch path, which Tessera does not
// use (libs/forecast/src/augurs.ts calls initSync with the .wasm bytes); it becomes the file URL.
const ts = require('typescript');

module.exports = {
  process(source, filename) {
    const withoutImportMeta = source.replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href');
    const { outputText } = ts.transpileModule(withoutImportMeta, { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    return { code: outputText };
  },
};
