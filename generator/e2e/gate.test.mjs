// The gates must fail when a page is broken, and say which page. A copy of
// the project is broken on purpose (an image without alt text and an
// unlabelled input in a template; a broken link in a page) and checked with
// the same functions the site test uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeProblems, chromium, have, launch, nuErrors, root, skipOrFail, startSite } from './lib.mjs';

// copyProject copies what a build reads into a temporary folder.
function copyProject() {
  const dir = mkdtempSync(join(tmpdir(), 'bcs-gate-'));
  for (const d of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, d), join(dir, d), { recursive: true });
  return dir;
}

test('a broken link fails the build, naming the page and line', () => {
  const dir = copyProject();
  try {
    const page = join(dir, 'content', 'accessibility.md');
    writeFileSync(page, readFileSync(page, 'utf8') + '\nSee [the old page](/no-such-page/).\n');
    const r = spawnSync('go', ['run', './generator/cmd/bcs', 'build', '-root', dir, '-out', join(dir, 'public')], { cwd: root, encoding: 'utf8' });
    console.log(r.stderr.trim());
    assert.equal(r.status, 1, 'the build must fail');
    assert.match(r.stderr, /^content\/accessibility\.md:\d+:\d+: .*\/no-such-page\//m);
    assert.ok(!existsSync(join(dir, 'public')), 'nothing is written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an image without alt text and an unlabelled input fail Nu and axe-core, naming the pages', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  if (!have('java', ['-version'])) return skipOrFail(t, 'java (for the Nu HTML checker)');
  const dir = copyProject();
  const tpl = join(dir, 'templates', 'page.html');
  const html = readFileSync(tpl, 'utf8');
  assert.match(html, /\{\{define "main"\}\}/);
  // page.html lays out the accessibility statement, among others.
  writeFileSync(tpl, html.replace('{{define "main"}}', '{{define "main"}}<img src="{{asset "favicon.svg"}}"><input type="text" name="q">'));
  const site = await startSite({ project: dir });
  t.after(async () => { await site.stop(); rmSync(dir, { recursive: true, force: true }); });

  const nu = nuErrors(site.out);
  console.log(nu.filter((l) => l.includes('accessibility')).join('\n'));
  assert.ok(nu.some((l) => l.includes('/accessibility/index.html') && /img.*alt|alt.*img/i.test(l)), `Nu did not report the image on the accessibility page:\n${nu.join('\n')}`);

  const browser = await launch();
  t.after(() => browser.close());
  const problems = await axeProblems(browser, site.base, ['/accessibility/index.html', '/index.html'], [{ width: 1280, height: 900 }]);
  console.log(problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('/accessibility/index.html @1280px: image-alt')), 'axe did not name the page with the image');
  assert.ok(problems.some((p) => p.startsWith('/accessibility/index.html @1280px: label')), 'axe did not name the page with the input');
  assert.ok(!problems.some((p) => p.startsWith('/index.html')), 'the home page (another layout) was blamed');
});
