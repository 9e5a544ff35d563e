// Lighthouse over representative pages: the home page, the client's cluster
// page, an ICB's pack page and the contact page. Accessibility, best
// practices and SEO must score 100; performance is reported, not gated (two
// shared cores make it noisy).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { browserArgs, chromium, require, skipOrFail, startSite } from './lib.mjs';

const run = promisify(execFile);
const pages = ['/', '/medicines-optimisation/practice-level/', '/packs/qj2/', '/contact/'];
const gated = ['accessibility', 'best-practices', 'seo'];

let site;
before(async () => { site = await startSite(); });
after(() => site?.stop());

test('Lighthouse: accessibility, best practices and SEO at 100 on the home, cluster, pack and contact pages', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const cli = join(require.resolve('lighthouse/package.json'), '..', 'cli', 'index.js');
  const rows = [];
  const failures = [];
  for (const path of pages) {
    const profile = mkdtempSync(join(tmpdir(), 'bcs-lh-'));
    try {
      const { stdout } = await run(process.execPath, [cli, site.base + path, '--quiet', '--output=json', '--output-path=stdout',
        `--chrome-path=${chromium}`, `--chrome-flags=--headless=new ${browserArgs.join(' ')} --user-data-dir=${profile}`,
        '--only-categories=accessibility,best-practices,seo,performance', '--form-factor=desktop', '--screenEmulation.disabled', '--throttling-method=provided'],
      { maxBuffer: 64 << 20 });
      const lhr = JSON.parse(stdout);
      const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
      rows.push(`${path.padEnd(42)} ${gated.map((c) => String(score(c)).padStart(16)).join('')}${String(score('performance')).padStart(13)}`);
      for (const c of gated) {
        if (score(c) === 100) continue;
        const failed = lhr.categories[c].auditRefs.map((r) => lhr.audits[r.id]).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual');
        failures.push(`${path} ${c} ${score(c)}: ${failed.map((a) => `${a.id} (${a.title})`).join('; ')}`);
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
  console.log(`${'page'.padEnd(42)}${gated.map((c) => c.padStart(16)).join('')}  performance\n${rows.join('\n')}`);
  assert.deepEqual(failures, [], `Lighthouse scores below 100:\n${failures.join('\n')}`);
});
