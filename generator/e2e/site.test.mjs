// Checks every page of the built site the way a browser and a validator see
// it: the Nu HTML checker over all files, and axe-core (WCAG 2.x A/AA) in
// headless Chromium on every page, at desktop and phone widths.
//
// The site is built into a temporary directory by the real command. Missing
// tools (Chromium, Java) make the tests SKIP with a visible line locally;
// with REQUIRE_TOOLS=1 (set by .ci/run) they fail instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { axeProblems, chromium, have, launch, nuErrors, skipOrFail, startSite } from './lib.mjs';

let site, out, base, pages;

before(async () => {
  site = await startSite();
  ({ out, base, pages } = site);
});

after(() => site?.stop());

test('every page is valid HTML (Nu checker)', (t) => {
  if (!have('java', ['-version'])) return skipOrFail(t, 'java (for the Nu HTML checker)');
  const errors = nuErrors(out);
  assert.deepEqual(errors, [], `Nu HTML checker found errors:\n${errors.join('\n')}`);
});

test('every page loads under its CSP without errors, and passes axe-core WCAG 2.x A/AA at desktop and phone widths', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const browser = await launch();
  t.after(() => browser.close());
  // First, every page as a visitor gets it: the page's own CSP enforced, and
  // any CSP violation, console error or failed request recorded.
  // Four tabs share the list: networkidle waits half a second per page.
  const loadProblems = [];
  let nextLoad = 0;
  const loader = async () => {
    const strict = await browser.newPage();
    strict.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) loadProblems.push(`${strict.url()}: console: ${m.text()}`); });
    strict.on('pageerror', (e) => loadProblems.push(`${strict.url()}: page error: ${e.message}`));
    strict.on('requestfailed', (r) => loadProblems.push(`${strict.url()}: failed request: ${r.url()}`));
    strict.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/404.html') && r.url() !== base + '/404.html') loadProblems.push(`${strict.url()}: HTTP ${r.status()} for ${r.url()}`); });
    while (nextLoad < pages.length) {
      const path = pages[nextLoad++];
      // networkidle: let late requests (the favicon) finish before moving on,
      // or the navigation itself would abort them.
      await strict.goto(base + path.replace(/index\.html$/, ''), { waitUntil: 'networkidle' });
    }
    await strict.close();
  };
  await Promise.all([loader(), loader(), loader(), loader()]);
  loadProblems.sort();
  assert.deepEqual(loadProblems, [], 'problems while loading pages under their CSP');
  // Then axe-core, injected past the CSP, at desktop and phone widths.
  const problems = await axeProblems(browser, base, pages);
  assert.equal(problems.length, 0, `axe-core violations:\n${problems.join('\n')}`);
  assert.ok(pages.length >= 8, `only ${pages.length} pages checked`);
});

test('keyboard: the skip link is the first stop and moves focus to main', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(base + '/medicines-optimisation/practice-level/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content');
  const bg = await page.evaluate(() => getComputedStyle(document.activeElement).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'focused skip link has no visible focus style');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main-content');
  // The FAQ accordion works from the keyboard without any script.
  const summary = page.locator('summary').first();
  await summary.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.querySelector('details.faq').open), true);
});
