// Section images in a real browser: a copy of the project whose
// practice-level page shows a photo in its first section and a drawing in
// its last, built by the real command. Chromium picks the variant its
// screen needs from srcset and sizes, the page keeps each picture's space
// before it loads, the lower picture waits until the reader scrolls near,
// the markup passes the Nu checker, and the original file is not published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, have, launch, nuErrors, picture, root, skipOrFail, startSite } from './lib.mjs';

const pageFile = join('content', 'medicines-optimisation', 'practice-level.md');
const pageURL = '/medicines-optimisation/practice-level/';

test('section images: the variant the screen needs, space kept, the lower one lazy, valid markup, no original published', async (t) => {
  if (!existsSync(chromium)) return skipOrFail(t, `Chromium (${chromium})`);
  if (!have('java', ['-version'])) return skipOrFail(t, 'java (for the Nu HTML checker)');
  const browser = await launch();
  t.after(() => browser.close());

  const dir = mkdtempSync(join(tmpdir(), 'bcs-images-'));
  for (const d of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, d), join(dir, d), { recursive: true });
  mkdirSync(join(dir, 'content', 'images'));
  writeFileSync(join(dir, 'content', 'images', 'team-photo.jpg'), await picture(browser, 2400, 1200, 'image/jpeg'));
  writeFileSync(join(dir, 'content', 'images', 'pattern.png'), await picture(browser, 1000, 250, 'image/png'));
  const md = readFileSync(join(root, pageFile), 'utf8');
  const first = '    heading: What a GP practice owns directly\n';
  const last = '  - type: block\n    use: discovery-call\n'; // the page's last section: the call to action block
  assert.ok(md.includes(first) && md.includes(last), `${pageFile} changed: update this test's anchors`);
  writeFileSync(join(dir, pageFile), md
    .replace(first, first + '    image:\n      src: /images/team-photo.jpg\n      alt: A BCS pharmacist and a GP reviewing a patient\'s medicines at a desk\n')
    .replace(last, '  - type: prose\n    heading: Our way of working\n    image:\n      src: /images/pattern.png\n      decorative: true\n' + last));
  const site = await startSite({ project: dir });
  t.after(async () => { await site.stop(); rmSync(dir, { recursive: true, force: true }); });

  const nu = nuErrors(join(site.out, 'medicines-optimisation', 'practice-level'));
  assert.deepEqual(nu, [], `Nu HTML checker on the page with pictures:\n${nu.join('\n')}`);
  assert.ok(!existsSync(join(site.out, 'images', 'team-photo.jpg')), 'the original photo is published as it is');

  // A phone (390 CSS px at 2 device pixels each) and a desktop window: both
  // need about 800 pixels across for the 44rem column or the screen's width.
  for (const [viewport, scale, want] of [[{ width: 390, height: 844 }, 2, 800], [{ width: 1280, height: 900 }, 1, 800], [{ width: 1280, height: 900 }, 2, 1600]]) {
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: scale });
    const page = await ctx.newPage();
    const requested = [];
    page.on('request', (r) => { if (r.url().includes('/img/')) requested.push(new URL(r.url()).pathname); });
    await page.goto(site.base + pageURL, { waitUntil: 'networkidle' });
    const imgs = await page.evaluate(() => [...document.querySelectorAll('img.section-image')].map((i) => ({
      src: i.currentSrc, complete: i.complete, alt: i.getAttribute('alt'), loading: i.loading,
      box: i.getBoundingClientRect().toJSON(), ratio: i.width / i.height,
    })));
    const at = `${viewport.width} px at ${scale}x`;
    assert.equal(imgs.length, 2, `${at}: ${imgs.length} section pictures`);
    const [photo, drawing] = imgs;
    assert.match(photo.src, new RegExp(`/img/team-photo-${want}\\.[0-9a-f]{10}\\.jpg$`), `${at}: the photo loaded ${photo.src}`);
    assert.ok(want >= photo.box.width * scale, `${at}: a ${want} px file is not sharp in a box ${photo.box.width} CSS px wide`);
    assert.equal(photo.loading, 'auto', `${at}: the page's first picture must not wait for a scroll`);
    assert.ok(photo.box.right <= viewport.width, `${at}: the photo is wider than the screen`);
    assert.ok(Math.abs(photo.box.width / photo.box.height - 2) < 0.02, `${at}: the photo's box is not 2:1 (${photo.box.width} x ${photo.box.height})`);
    // The drawing, far below, has its space before it loads and is not fetched yet.
    assert.equal(drawing.alt, '', `${at}: the decorative drawing has alt text`);
    assert.equal(drawing.loading, 'lazy');
    assert.ok(drawing.box.height > 0 && Math.abs(drawing.box.width / drawing.box.height - 4) < 0.05, `${at}: the drawing's space is not kept (${JSON.stringify(drawing.box)})`);
    assert.ok(!requested.some((p) => p.includes('/img/pattern-')), `${at}: the lower drawing was fetched before any scroll: ${requested.join(' ')}`);
    await page.locator('img.section-image').nth(1).scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('img.section-image')[1].complete && document.querySelectorAll('img.section-image')[1].naturalWidth > 0);
    assert.ok(requested.some((p) => p.includes('/img/pattern-')), `${at}: the drawing did not load when scrolled to`);
    await ctx.close();
  }
});
