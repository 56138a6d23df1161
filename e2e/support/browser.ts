import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './processes';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** CI uploads .cache/test-results/ as an artifact, so the screenshots travel with the test output. */
export const SCREENSHOT_DIR = join(REPO_ROOT, '.cache/test-results/screenshots');

/**
 * Debian's Chromium (`npx playwright install` cannot download here). Installed when missing,
 * when running as root (CI on this machine kind), non-interactively.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing; install it with: sudo apt-get install -y chromium`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed with ${result.status}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** The gateway serves apps/dashboard/dist; `tsc -b` does not build it, so build it when stale. */
export function ensureDashboardBuild(): void {
  const dashboard = join(REPO_ROOT, 'apps/dashboard');
  const index = join(dashboard, 'dist/index.html');
  if (existsSync(index) && newest(join(dashboard, 'src')) <= statSync(index).mtimeMs) return;
  const result = spawnSync('npm', ['run', 'build', '-w', '@tessera/dashboard'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`the dashboard build failed with ${result.status}`);
}

/** Chromium on a fresh profile (Playwright passes it as --user-data-dir); each page is its own tab and session. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  ensureChromium();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args, headless: true, viewport: { width: 1280, height: 900 }, acceptDownloads: true, timezoneId: 'Europe/Paris', locale: 'en-GB' });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
