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

// One pass over every page, as a visitor on a phone gets it: the page's own
// CSP enforced (no bypass), any CSP violation, console error, script error
// or failed request recorded, then the reflow checks.
test('every page loads under its CSP without errors and reflows at 320 CSS px (400% zoom): no sideways scrolling outside a labelled, focusable scroll region', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  const browser = await launch();
  t.after(() => browser.close());
  const problems = [];
  const loadProblems = [];
  let next = 0;
  const worker = async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) loadProblems.push(`${page.url()}: console: ${m.text()}`); });
    page.on('pageerror', (e) => loadProblems.push(`${page.url()}: page error: ${e.message}`));
    // A request the browser aborts because the test moved on (net::ERR_ABORTED,
    // seen for a late favicon under load) is not the site's fault; a missing
    // file still fails as an HTTP status below, and any other network error here.
    page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') loadProblems.push(`${page.url()}: failed request: ${r.url()} (${r.failure()?.errorText})`); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/404.html') && r.url() !== site.base + '/404.html') loadProblems.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`); });
    while (next < site.pages.length) {
      const path = site.pages[next++];
      // networkidle: late requests (the favicon, a lazy picture) finish
      // before moving on, or the next navigation would abort them unseen.
      await page.goto(site.base + path.replace(/index\.html$/, ''), { waitUntil: 'networkidle' });
      if (await page.evaluate(() => !!document.querySelector('meta[http-equiv="refresh"]'))) continue;
      for (const p of await page.evaluate(overflowAt)) problems.push(`${path}: ${p}`);
    }
    await page.close();
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  assert.ok(site.pages.length > 100, `only ${site.pages.length} pages built`);
  loadProblems.sort();
  assert.deepEqual(loadProblems, [], 'problems while loading pages under their CSP');
  assert.deepEqual(problems, [], `pages that do not reflow at 320 px:\n${problems.join('\n')}`);
});
