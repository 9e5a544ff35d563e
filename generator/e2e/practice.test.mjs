// The practice-facing pages in headless Chromium. The packs finder: each
// kind of name a practice manager may know (the table
// generator/internal/finder/testdata/finds.json, which the Go test checks
// against the data) finds their ICB as they type; no match offers the
// contact form filled in with what was typed; without JavaScript every ICB
// in force and every place is listed by region, with anchors. The pack
// links of content pages land on the chosen ICB's documents. The site
// search finds sections, questions and pack documents, and its A to Z list
// works without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, launch, root, skipOrFail, startSite } from './lib.mjs';

let site, browser;
const finds = JSON.parse(readFileSync(join(root, 'generator/internal/finder/testdata/finds.json'), 'utf8'));

before(async () => {
  site = await startSite();
  if (existsSync(chromium)) browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
});

test('with JavaScript, each kind of name finds its ICB as it is typed', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.base + '/packs/');
  const input = page.locator('#pack-filter-input');
  assert.ok(await input.isVisible(), 'the finder box is shown');
  const misses = [];
  for (const f of finds) {
    await input.fill(f.query);
    if (!(await page.locator(`#icb-${f.icb}`).isVisible())) misses.push(`${f.kind} "${f.query}": ${f.icb} is not shown`);
    const status = await page.locator('#pack-filter-status').textContent();
    if (!/match/.test(status)) misses.push(`${f.kind} "${f.query}": status "${status}"`);
  }
  assert.deepEqual(misses, []);
  // Every ICB shown again when the box is cleared.
  await input.fill('');
  assert.equal(await page.locator('li[data-search]:visible').count(), await page.locator('li[data-search]').count());
  assert.deepEqual(errors, [], 'script errors on /packs/');
});

test('no match offers the contact form, filled in with what was typed', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.goto(site.base + '/packs/');
  await page.locator('#pack-filter-input').fill('Ynys Môn');
  assert.match(await page.locator('#pack-filter-status').textContent(), /No ICB matches “Ynys Môn”/);
  assert.equal(await page.locator('li[data-search]:visible').count(), 0);
  const ask = page.locator('[data-ask]');
  assert.ok(await ask.isVisible(), 'the contact link is shown');
  await ask.click();
  await page.waitForURL('**/contact/');
  assert.match(await page.locator('#contact-message').inputValue(), /I searched for: Ynys Môn$/);
  assert.equal(await page.locator('input[name=interest][value=starter-pack]').isChecked(), true);
  assert.equal(new URL(page.url()).hash, '', 'the filled-in words leave the address');
});

test('without JavaScript, every ICB and place is listed by region with anchors', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const context = await browser.newContext({ javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(site.base + '/packs/');
  assert.equal(await page.locator('[data-filter]').isVisible(), false, 'the finder box needs JavaScript and is hidden without it');
  const count = Number((await page.locator('#find-heading + p').textContent()).match(/The (\d+) Integrated Care Boards/)[1]);
  assert.equal(await page.locator('li[data-search]:visible').count(), count);
  for (const f of finds) assert.equal(await page.locator(`#icb-${f.icb}`).count(), 1, `#icb-${f.icb}`);
  assert.equal(await page.locator('#place-15C').textContent(), 'Bristol, North Somerset and South Gloucestershire');
  // The region links land on their regions.
  const regions = await page.locator('.pack-regions a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(regions.length >= 7, `${regions.length} region links`);
  for (const href of regions) assert.equal(await page.locator(href).count(), 1, href);
});

test('the pack links of content pages open the chosen ICB\'s documents, remembered on the device only', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const practice = site.base + '/medicines-optimisation/practice-level/';
  const hrefs = () => page.locator('a[data-pack-doc]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  // No choice yet: every pack link goes to the finder.
  await page.goto(practice);
  assert.ok((await hrefs()).length >= 7, 'the practice page lists the pack');
  assert.deepEqual([...new Set(await hrefs())], ['/packs/#find-heading']);
  assert.ok(await page.locator('[data-pack-none]').isVisible());
  // Looking at BNSSG's pack chooses it; the requests on the way carry nothing of it.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(site.base + '/packs/quy/');
  await page.goto(practice);
  const links = await hrefs();
  assert.ok(links.includes('/packs/quy/hrd-monitoring-sop/'), links.join(' '));
  assert.ok(links.includes('/packs/quy/#workbook-prescribing-safety-dashboard'), links.join(' '));
  assert.match(await page.locator('[data-pack-chosen]').textContent(), /NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board/);
  assert.ok(requests.every((u) => !/[?&#].*(quy|bcs-pack)/i.test(u)), `a request carries the choice: ${requests.join(' ')}`);
  // Every link lands: a document page, or the workbook's line on the pack page.
  for (const href of links) {
    const res = await page.goto(site.base + href);
    if (res) assert.equal(res.status(), 200, href); // null: a #fragment of the page already open
    const id = new URL(site.base + href).hash.slice(1);
    if (id) assert.equal(await page.locator(`[id="${id}"]`).count(), 1, href);
    else assert.equal(await page.locator('.pack-document').count(), 1, href);
  }
  // A cluster page that names a document links the same way.
  await page.goto(site.base + '/medicines-optimisation/discharge-reconciliation/');
  assert.ok((await hrefs()).includes('/packs/quy/discharge-reconciliation-workflow/'));
  // A remembered pack that is no longer published is forgotten.
  await page.evaluate(() => localStorage.setItem('bcs-pack', JSON.stringify({ url: '/packs/qu9/', name: 'Old' })));
  await page.goto(practice);
  assert.deepEqual([...new Set(await hrefs())], ['/packs/#find-heading']);
  assert.equal(await page.evaluate(() => localStorage.getItem('bcs-pack')), null);
});

test('the search finds sections, questions and pack documents, linked to the exact place', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  t.after(() => page.close());
  const loads = [];
  page.on('request', (r) => { if (r.url().endsWith('/search.json')) loads.push(r.url()); });
  await page.goto(site.base + '/search/');
  assert.equal(loads.length, 0, 'the index is loaded only when the box is used');
  const input = page.locator('#search-input');
  const first = async (q) => {
    await input.fill(q);
    await page.locator('#search-results li').first().waitFor();
    return page.locator('#search-results li a').first();
  };
  // A question, by words of it.
  let a = await first('who codes QOF');
  assert.equal(await a.textContent(), 'Who codes the work for QOF and the DES?');
  assert.equal(await a.getAttribute('href'), '/medicines-optimisation/practice-level/#who-codes-the-work-for-qof-and-the-des');
  assert.equal(loads.length, 1);
  // A section.
  a = await first('monitoring rota');
  assert.match(await a.getAttribute('href'), /^\/medicines-optimisation\/high-risk-drug-monitoring\/#/);
  // A pack document: to the finder, or to the chosen ICB's document.
  a = await first('high-risk drug monitoring SOP');
  assert.equal(await a.getAttribute('href'), '/packs/#find-heading');
  await page.goto(site.base + '/packs/qhm/');
  await page.goto(site.base + '/search/?q=' + encodeURIComponent('high-risk drug monitoring SOP'));
  await page.locator('#search-results li').first().waitFor();
  assert.equal(await page.locator('#search-results li a').first().getAttribute('href'), '/packs/qhm/hrd-monitoring-sop/');
  // Following a result opens the question it names.
  await page.goto(site.base + '/search/?q=' + encodeURIComponent('who codes QOF'));
  await page.locator('#search-results li a').first().click();
  await page.waitForURL('**/practice-level/#who-codes-the-work-for-qof-and-the-des');
  assert.equal(await page.evaluate(() => document.getElementById('who-codes-the-work-for-qof-and-the-des').open), true);
  // Nothing found says so.
  await page.goto(site.base + '/search/');
  await input.fill('zebra crossing');
  await page.waitForFunction(() => /No results/.test(document.getElementById('search-status').textContent));
});

test('without JavaScript, the search page lists every topic from A to Z', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const context = await browser.newContext({ javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(site.base + '/search/');
  assert.equal(await page.locator('[data-site-search]').isVisible(), false, 'the box needs JavaScript');
  const index = JSON.parse(readFileSync(join(site.out, 'search.json'), 'utf8'));
  const topics = page.locator('.topics-list a');
  assert.equal(await topics.count(), index.entries.length, 'every entry of the index is a topic');
  const letters = await page.locator('.topics-letters a').allTextContents();
  assert.deepEqual(letters, [...letters].sort(), 'letters in order');
  assert.equal(await page.locator('.topics-list a', { hasText: 'Who codes the work for QOF and the DES?' }).getAttribute('href'), '/medicines-optimisation/practice-level/#who-codes-the-work-for-qof-and-the-des');
});
