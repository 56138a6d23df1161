// Loads the @bsull/augurs WebAssembly modules synchronously, once each. The package is ESM
// built by wasm-bindgen; in Node each module is instantiated with
// `initSync({ module: readFileSync(<its .wasm>) })` instead of fetching the file.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as EtsModule from '@bsull/augurs/ets';
import type * as MstlModule from '@bsull/augurs/mstl';
import type * as ChangepointModule from '@bsull/augurs/changepoint';

type Loadable = { initSync(module: { module: Buffer }): unknown };

const loaded = new Map<string, unknown>();

function load<T extends Loadable>(name: string): T {
  const cached = loaded.get(name);
  if (cached) return cached as T;
  // Node >= 20.19 can require() an ES module without top-level await.
  const module = require(`@bsull/augurs/${name}`) as T;
  const directory = dirname(require.resolve(`@bsull/augurs/${name}`));
  module.initSync({ module: readFileSync(join(directory, `${name}_bg.wasm`)) });
  loaded.set(name, module);
  return module;
}

export const augursEts = (): typeof EtsModule => load<typeof EtsModule & Loadable>('ets');
export const augursMstl = (): typeof MstlModule => load<typeof MstlModule & Loadable>('mstl');
export const augursChangepoint = (): typeof ChangepointModule => load<typeof ChangepointModule & Loadable>('changepoint');
