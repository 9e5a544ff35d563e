// The preview server in headless Chromium: an edit to a page's Markdown
// appears without a manual reload, a broken file shows the error overlay
// with its name and the fix clears it, a stylesheet edit is applied without
// reloading, and a tab on another page is left alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, launch, root, skipOrFail } from './lib.mjs';

let tmp, project, serve, base, browser;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bcs-preview-'));
  project = join(tmp, 'project');
  for (const d of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, d), join(project, d), { recursive: true });
  const bcs = join(tmp, 'bcs');
  execFileSync('go', ['build', '-o', bcs, './generator/cmd/bcs'], { cwd: root, stdio: 'inherit' });
  serve = spawn(bcs, ['serve', '-root', project, '-addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((ok, fail) => {
    let text = '';
    serve.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) ok(m[1]);
    });
    serve.on('exit', (code) => fail(new Error(`bcs serve exited with ${code}:\n${text}`)));
  });
  if (existsSync(chromium)) browser = await launch();
});

after(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    serve.kill('SIGINT');
    await new Promise((ok) => serve.on('exit', ok));
  }
  rmSync(tmp, { recursive: true, force: true });
});

const page = 'content/medicines-optimisation/pcn-smr.md';

test('preview: edits appear without a reload button, errors show and clear, CSS swaps in place', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  assert.equal(serve.exitCode, null, 'bcs serve is not running');
  const tab = await browser.newPage();
  const other = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  tab.on('console', (m) => { if (m.type() === 'error' && !/EventSource|net::ERR/.test(m.text())) errors.push(m.text()); });
  await tab.goto(base + '/medicines-optimisation/pcn-smr/');
  await other.goto(base + '/contact/');
  await other.evaluate(() => { window.untouched = true; });
  const source = readFileSync(join(project, page), 'utf8');

  // 1. Edit the Markdown: the new words appear by themselves.
  writeFileSync(join(project, page), source + '\nA sentence written by the live-reload test.\n');
  await tab.waitForFunction(() => document.body.textContent.includes('A sentence written by the live-reload test.'), null, { timeout: 15000 });

  // 2. Break the front matter: the overlay names the file; the page stays.
  await tab.evaluate(() => { window.marker = 'still here'; });
  writeFileSync(join(project, page), '---\ntitle: [unclosed\n---\n');
  await tab.waitForSelector('#bcs-overlay', { timeout: 15000 });
  assert.match(await tab.textContent('#bcs-overlay'), /content\/medicines-optimisation\/pcn-smr\.md:2/);
  assert.equal(await tab.evaluate(() => window.marker), 'still here', 'the page reloaded on a failed build');

  // 3. Fix it: the overlay goes and the fixed page shows.
  writeFileSync(join(project, page), source + '\nFixed by the live-reload test.\n');
  await tab.waitForFunction(() => !document.getElementById('bcs-overlay') && document.body.textContent.includes('Fixed by the live-reload test.'), null, { timeout: 15000 });

  // 4. Edit the stylesheet: the style changes, the page does not reload, the scroll stays.
  await tab.evaluate(() => { window.marker = 'no reload'; window.scrollTo(0, 400); });
  const scrolled = await tab.evaluate(() => window.scrollY);
  appendFileSync(join(project, 'assets/css/site.css'), '\nbody { background-color: rgb(1, 2, 3); }\n');
  await tab.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)', null, { timeout: 15000 });
  assert.equal(await tab.evaluate(() => window.marker), 'no reload', 'a stylesheet edit reloaded the page');
  assert.equal(await tab.evaluate(() => window.scrollY), scrolled, 'the scroll position moved');

  // The tab on another page was never reloaded by the page edits.
  assert.equal(await other.evaluate(() => window.untouched), true, 'a tab on another page reloaded');
  assert.deepEqual(errors, []);
});
