#!/usr/bin/env node
// Static checks of the deployment artefacts around the chart that cannot be run here
// (no Docker engine, no skaffold, no GitHub): skaffold.yaml, the GitHub workflow, the
// Dockerfile and .dockerignore agree with the chart and the service conventions.
//   node --test deploy/helm/tessera/tests/artefacts-test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const chartDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(chartDir, '../../..');
const read = (p) => readFileSync(join(repoRoot, p), 'utf8');

const helm =
  process.env.HELM && existsSync(process.env.HELM)
    ? process.env.HELM
    : execFileSync('bash', [join(repoRoot, 'scripts/helm-tools.sh'), '--path', 'helm'], { encoding: 'utf8' }).trim();
function yamlLib() {
  for (const base of [join(dirname(dirname(helm)), 'package.json'), join(repoRoot, 'package.json')]) {
    try {
      return createRequire(base)('yaml');
    } catch {
      /* next */
    }
  }
  throw new Error('no `yaml` package: run scripts/helm-tools.sh');
}
const yaml = yamlLib();
const parse = (p) => yaml.parse(read(p));

test('skaffold.yaml builds the one image and deploys the chart with role=all, gateway forwarded on 8080', () => {
  const s = parse('skaffold.yaml');
  assert.match(s.apiVersion, /^skaffold\/v4beta\d+$/);
  assert.deepEqual(s.build.artifacts.map((a) => [a.image, a.docker?.dockerfile]), [['tessera', 'Dockerfile']]);
  const [release] = s.deploy.helm.releases;
  assert.equal(release.chartPath, 'deploy/helm/tessera');
  assert.equal(release.setValues.role, 'all');
  assert.equal(release.setValueTemplates['image.repository'], '{{.IMAGE_REPO_tessera}}');
  assert.deepEqual(s.portForward, [{ resourceType: 'service', resourceName: 'tessera-gateway', namespace: 'tessera', port: 8080, localPort: 8080 }]);
  const profiles = Object.fromEntries(s.profiles.map((p) => [p.name, p]));
  assert.deepEqual(Object.keys(profiles).sort(), ['hub', 'kaniko', 'store-node']);
  assert.equal(profiles.kaniko.build.artifacts[0].kaniko.dockerfile, 'Dockerfile');
  assert.equal(profiles.hub.deploy.helm.releases[0].setValues.role, 'hub');
  assert.equal(profiles['store-node'].deploy.helm.releases[0].setValues.role, 'store-node');
});

test('every skaffold release renders with its values files, and its port-forward names a rendered Service', () => {
  const s = parse('skaffold.yaml');
  const configs = [{ deploy: s.deploy, portForward: s.portForward }, ...s.profiles.filter((p) => p.deploy)];
  for (const cfg of configs) {
    for (const r of cfg.deploy.helm.releases) {
      for (const f of r.valuesFiles ?? []) assert.ok(existsSync(join(repoRoot, f)), f);
      const args = ['template', r.name, join(repoRoot, r.chartPath), '--namespace', r.namespace];
      for (const f of r.valuesFiles ?? []) args.push('-f', join(repoRoot, f));
      for (const [k, v] of Object.entries(r.setValues ?? {})) args.push('--set', `${k}=${v}`);
      args.push('--set', 'image.repository=registry.example/tessera', '--set', 'image.tag=abc123@sha256:' + '0'.repeat(64));
      const res = spawnSync(helm, args, { encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      const docs = yaml.parseAllDocuments(res.stdout).map((d) => d.toJS()).filter(Boolean);
      const services = docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name);
      for (const pf of cfg.portForward ?? []) {
        assert.ok(services.includes(pf.resourceName), `${pf.resourceName} in ${services}`);
        assert.equal(pf.namespace, r.namespace);
      }
      const image = docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].image;
      assert.equal(image, 'registry.example/tessera:abc123@sha256:' + '0'.repeat(64));
    }
  }
});

test('GitHub workflow: Node 20, Java 17 temurin with Maven cache, npm ci, buf, .ci/run, Postgres/Redis, deploy-check job', () => {
  const w = parse('.github/workflows/ci.yml');
  assert.ok(w.on.push && 'pull_request' in w.on);
  const ci = w.jobs.ci;
  const uses = (job, action) => job.steps.find((st) => st.uses?.startsWith(action));
  assert.equal(String(uses(ci, 'actions/setup-node').with['node-version']), '20');
  const java = uses(ci, 'actions/setup-java').with;
  assert.deepEqual([java.distribution, String(java['java-version']), java.cache], ['temurin', '17', 'maven']);
  const runs = ci.steps.map((st) => st.run ?? '').join('\n');
  assert.match(runs, /^npm ci$/m);
  assert.match(runs, /npx buf lint/);
  assert.match(runs, /npx buf breaking --against '\.git#branch=main'/);
  assert.match(runs, /bash \.ci\/run/);
  assert.ok(runs.indexOf('npm ci') < runs.indexOf('bash .ci/run'));
  assert.equal(ci.steps.find((st) => /buf breaking/.test(st.run ?? '')).if, "github.event_name == 'pull_request'");
  assert.equal(ci.services.postgres.image, 'postgres:15');
  assert.equal(ci.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/tessera_test');
  assert.ok(ci.env.REDIS_URL);
  assert.match(w.jobs['deploy-check'].steps.map((st) => st.run ?? '').join('\n'), /bash scripts\/check-deploy\.sh/);
});

test('Dockerfile: node:20-slim, multi-stage npm ci / --omit=dev, npm run build, non-root user, tessera CLI entrypoint', () => {
  const d = read('Dockerfile');
  assert.match(d, /^ARG NODE_IMAGE=node:20-slim$/m);
  const froms = [...d.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => [m[1], m[2]]);
  assert.ok(froms.length >= 3, 'multi-stage');
  for (const [image] of froms) assert.equal(image, '${NODE_IMAGE}');
  assert.match(d, /npm ci --omit=dev/);
  assert.match(d, /RUN npm run build/);
  const users = [...d.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(users, ['10001:10001'], 'the last stage switches to the numeric non-root user');
  assert.ok(d.lastIndexOf('USER 10001') > d.lastIndexOf('FROM '), 'USER is set in the runtime stage');
  assert.match(d, /^ENTRYPOINT \["node", "apps\/cli\/bin\/tessera\.js"\]$/m);
  for (const port of [8080, 8081, 8087, 50051, 50057]) assert.match(d, new RegExp(`EXPOSE .*\\b${port}\\b`));
  const [values] = yaml.parseAllDocuments(readFileSync(join(chartDir, 'values.yaml'), 'utf8')).map((x) => x.toJS());
  assert.equal(values.podSecurityContext.runAsUser, 10001, 'chart and image agree on the uid');
});

test('.dockerignore keeps node_modules, build output, git and local caches out of the context', () => {
  const lines = read('.dockerignore').split('\n').map((l) => l.trim());
  for (const p of ['.git', '**/node_modules', '**/dist', '.cache', 'deploy']) assert.ok(lines.includes(p), p);
  for (const p of ['package-lock.json', 'package.json', 'libs', 'services', 'apps', 'proto', 'schemas', 'e2e']) assert.ok(!lines.includes(p), `${p} must stay in the context`);
});
