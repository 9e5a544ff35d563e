// Checks every page of the built site the way a browser and a validator see
// it: the Nu HTML checker over all files and axe-core (WCAG 2.x A/AA) at
// desktop and phone widths on every page but the pack documents, which
// axe-core checks for four representative pack areas (see axePages). Every
// page loaded under its own CSP, with no error, is reflow.test.mjs's pass.
//
// The site is built into a temporary directory by the real command. Missing
// tools (Chromium, Java) make the tests SKIP with a visible line locally;
// with REQUIRE_TOOLS=1 (set by .ci/run) they fail instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeProblems, chromium, have, launch, nuErrors, skipOrFail, startSite } from './lib.mjs';

let site, out, base, pages;

before(async () => {
  site = await startSite();
  ({ out, base, pages } = site);
});

after(() => site?.stop());

// The pack documents are the same five templates filled in for each of some
// fifty pack areas, with every data value escaped as text: axe-core checks
// them for an ICB with local data (QJ2), one on the national defaults
// (QHL), the one with the most local values (QHM) and a place area
// (S0E4D/oxfordshire), and every other page of the site, at two widths.
// (All of them at two widths took 15 minutes of CI at 53 areas.) Every page,
// pack documents included, is still loaded under its CSP and checked by Nu.
const axeSampleAreas = ['packs/qj2/', 'packs/qhl/', 'packs/qhm/', 'packs/s0e4d/oxfordshire/'];
function axePages(out, pages) {
  return pages.filter((page) => {
    const p = page.replace(/^\//, '');
    if (!/^packs\/.+\/index\.html$/.test(p) || !readFileSync(join(out, p), 'utf8').includes('class="prose pack-document"')) return true;
    return axeSampleAreas.some((a) => p.startsWith(a) && /^[a-z0-9-]+\/index\.html$/.test(p.slice(a.length)));
  });
}

test('every page is valid HTML (Nu checker)', (t) => {
  if (!have('java', ['-version'])) return skipOrFail(t, 'java (for the Nu HTML checker)');
  const errors = nuErrors(out);
  assert.deepEqual(errors, [], `Nu HTML checker found errors:\n${errors.join('\n')}`);
});

test('every page (pack documents: four areas) passes axe-core WCAG 2.x A/AA at desktop and phone widths', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const browser = await launch();
  t.after(() => browser.close());
  // Every page loaded under its own CSP is reflow.test.mjs's pass at 320 px.
  // Here axe-core is injected past the CSP, at desktop and phone widths.
  const checked = axePages(out, pages);
  const docs = pages.length - checked.length;
  assert.ok(checked.filter((p) => /^\/?packs\//.test(p)).length >= 4 * 5 + 4, `too few pack pages sampled: ${checked.length}`);
  assert.ok(docs > 0, 'no pack document was left to the sample: the filter finds nothing');
  const problems = await axeProblems(browser, base, checked);
  assert.equal(problems.length, 0, `axe-core violations:\n${problems.join('\n')}`);
  assert.ok(checked.length >= 8, `only ${checked.length} pages checked`);
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
