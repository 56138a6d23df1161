import assert from 'node:assert/strict';
import { DASHBOARD_CSP, fileOf, isDashboardPath } from './dashboard-static';

describe('dashboard static serving', () => {
  it('leaves the API, probes and metrics to their own routes', () => {
    for (const path of ['/api', '/api/stores', '/health', '/health/ready', '/metrics']) assert.equal(isDashboardPath(path), false, path);
    for (const path of ['/', '/stores/a/mining', '/assets/index-abc.js', '/apiary', '/healthy']) assert.equal(isDashboardPath(path), true, path);
  });

  it('never resolves a path outside the build', () => {
    const root = '/srv/dashboard';
    assert.equal(fileOf(root, '/assets/a.js'), '/srv/dashboard/assets/a.js');
    assert.equal(fileOf(root, '/../etc/passwd'), undefined);
    assert.equal(fileOf(root, '/%2e%2e/%2e%2e/etc/passwd'), undefined);
    assert.equal(fileOf(root, '/assets/%00.js'), undefined);
    assert.equal(fileOf(root, '/%E0%A4%A'), undefined);
  });

  it('allows only its own origin, no inline script or style, and no framing', () => {
    const d = DASHBOARD_CSP.directives;
    assert.deepEqual(d.scriptSrc, ["'self'"]);
    assert.deepEqual(d.styleSrc, ["'self'"]);
    assert.deepEqual(d.connectSrc, ["'self'"]);
    assert.deepEqual(d.frameAncestors, ["'none'"]);
    assert.ok(!JSON.stringify(d).includes('unsafe'));
  });
});
