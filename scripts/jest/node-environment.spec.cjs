// The test environment (node-environment.cjs): a JSON body read with fetch compares with
// node:assert/strict's deepEqual like a value the test builds itself.
const assert = require('node:assert/strict');
const { createServer } = require('node:http');

let server;
let url;
beforeAll(async () => {
  server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ lines: [3, 5], nested: { ok: true } }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('a fetched JSON body deep-equals literals of the test', async () => {
  const body = await (await fetch(url)).json();
  assert.deepEqual(body.lines, [3, 5]);
  assert.deepEqual(body, { lines: [3, 5], nested: { ok: true } });
  assert.ok(Array.isArray(body.lines) && body.lines instanceof Array, 'an Array of this realm');
});
