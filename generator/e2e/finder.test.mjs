// The packs finder in headless Chromium: each kind of name a practice
// manager may know (the table generator/internal/finder/testdata/finds.json,
// which the Go test checks against the data) finds their ICB as they type;
// no match offers the contact form filled in with what was typed; without
// JavaScript every ICB in force and every place is listed by region, with
// anchors.
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
