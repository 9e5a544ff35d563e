// Reflow (WCAG 2.2 1.4.10): every built page at 320 CSS px, which is also
// what a 1280 px window shows at 400% zoom, must not scroll sideways. A wide
// table may scroll inside its own region, and only there: a region that is
// labelled, focusable from the keyboard and scrolls itself (overflow-x auto
// or scroll). Every other element must fit the viewport.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, launch, skipOrFail, startSite } from './lib.mjs';

let site;

before(async () => { site = await startSite(); });
after(() => site?.stop());

// overflowAt lists, for the page in the browser, what makes it wider than the
// viewport: the page's own scroll width and each visible element (its first
// few) whose box leaves the viewport outside a scroll region, and each scroll
// region that is not labelled or not focusable.
function overflowAt() {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
  const isRegion = (el) => {
    const s = getComputedStyle(el);
    return s.overflowX === 'auto' || s.overflowX === 'scroll';
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    if (isRegion(el) && el.scrollWidth > el.clientWidth) {
      const labelled = el.getAttribute('role') === 'region' && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'));
      if (!labelled || el.tabIndex < 0) problems.push(`${describe(el)} scrolls but is not a labelled, focusable region`);
    }
    let inRegion = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (isRegion(p)) { inRegion = true; break; }
    if (inRegion) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || (s.position === 'absolute' && s.clipPath !== 'none' && s.clipPath !== '') || s.clip.startsWith('rect(')) continue;
    // Wholly off to the left is the skip link's hiding place until it has focus.
    if (r.right <= 0) continue;
    if (r.right > width + 0.5 || r.left < -0.5) problems.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }
  // A word can overflow the box it is in (a long name in a large heading)
  // without the box leaving the viewport: text is measured as well, but not
  // text that a clipped box hides (visually-hidden labels).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    let skip = false;
    for (let p = n.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (isRegion(p) || s.clipPath !== 'none' || s.display === 'none') { skip = true; break; }
    }
    if (skip) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.right > width + 0.5 && r.width > 0) { problems.push(`text "${n.textContent.trim().slice(0, 40)}" in ${describe(n.parentElement)} reaches ${Math.round(r.right)} px`); break; }
    }
  }
  return problems.slice(0, 8);
}

test('every page reflows at 320 CSS px (400% zoom): no sideways scrolling outside a labelled, focusable scroll region', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const browser = await launch();
  t.after(() => browser.close());
  const problems = [];
  let next = 0;
  const worker = async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    while (next < site.pages.length) {
      const path = site.pages[next++];
      await page.goto(site.base + path.replace(/index\.html$/, ''));
      if (await page.evaluate(() => !!document.querySelector('meta[http-equiv="refresh"]'))) continue;
      for (const p of await page.evaluate(overflowAt)) problems.push(`${path}: ${p}`);
    }
    await page.close();
  };
  await Promise.all([worker(), worker(), worker()]);
  assert.ok(site.pages.length > 100, `only ${site.pages.length} pages built`);
  assert.deepEqual(problems, [], `pages that do not reflow at 320 px:\n${problems.join('\n')}`);
});
