// Jest's node environment runs each test file in its own V8 realm (a vm context), while code
// that Node runs outside it, fetch (undici) above all, builds its objects in the main realm. An
// array from `await response.json()` then has another Array.prototype than an array literal in
// the test, and node:assert/strict's deepEqual, which compares prototypes, fails with "Compared
// values have no visual difference". This environment makes Response#json parse in the test's
// own realm, so a JSON body compares like any value the test builds itself.
const { TestEnvironment } = require('jest-environment-node');

class TesseraNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const realmJson = this.global.JSON;
    const outerFetch = this.global.fetch;
    if (typeof outerFetch !== 'function') return;
    this.global.fetch = async function fetch(...args) {
      const response = await outerFetch(...args);
      Object.defineProperty(response, 'json', { configurable: true, value: async () => realmJson.parse(await response.text()) });
      return response;
    };
  }
}

module.exports = TesseraNodeEnvironment;
