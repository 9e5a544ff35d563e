// The site search on a 320-page site, for `make bench`: the size of the
// index the build writes (bytes and gzipped, as a static host sends it) and,
// in headless Chromium, the time from the first keystroke on /search/ to the
// first result, which includes fetching and reading the index (a new
// browser context each run, so nothing is cached), and from a keystroke to
// the results once the index is loaded: from the input event to the first
// result in the list (a MutationObserver's time), before the browser paints.
// Medians of the runs.
//
// The site is this repository's with its cluster pages copied until it has
// 320 pages of content (sections, benchmarks and questions like the real
// ones, each title and question made unique), built by the real command.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, root, startSite } from './lib.mjs';

const pagesWanted = 320;
const runs = Number(process.env.BENCH_SEARCH_RUNS || 11);

function countPages(dir) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) n += countPages(p);
    else if (name.endsWith('.md')) n++;
  }
  return n;
}

const project = mkdtempSync(join(tmpdir(), 'bcs-bench-search-'));
for (const dir of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, dir), join(project, dir), { recursive: true });
const clusters = ['discharge-reconciliation', 'high-risk-drug-monitoring', 'pcn-smr', 'practice-level']
  .map((name) => readFileSync(join(root, 'content/medicines-optimisation', name + '.md'), 'utf8'));
mkdirSync(join(project, 'content/topics'));
writeFileSync(join(project, 'content/topics/_index.md'), '---\ntitle: Topics\ndescription: Copies of the cluster pages, for the search benchmark.\nweight: 90\n---\n');
const have = countPages(join(project, 'content'));
for (let i = 0; have + i < pagesWanted; i++) {
  const src = clusters[i % clusters.length]
    .replace(/^title: (.*)$/m, `title: $1 (copy ${i})`)
    .replace(/^link_title: .*\n/m, '')
    .replace(/^aliases:.*\n(\s+- .*\n)*/m, '')
    .replace(/^(\s+- question: )(.*?)(")?$/gm, (_, lead, q, quote) => `${lead}${q} (copy ${i})${quote || ''}`);
  writeFileSync(join(project, 'content/topics', `copy-${i}.md`), src);
}
const pages = countPages(join(project, 'content'));

let site, browser;
try {
  site = await startSite({ project });
  const index = readFileSync(join(site.out, 'search.json'));
  const entries = JSON.parse(index).entries.length;
  browser = await launch();
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const first = [];
  const next = [];
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.base + '/search/');
    const input = page.locator('#search-input');
    // From the first keystroke (the index is not loaded yet) to the first result.
    first.push(await page.evaluate(async () => {
      const input = document.getElementById('search-input');
      const list = document.getElementById('search-results');
      const shown = new Promise((ok) => new MutationObserver((_, o) => { o.disconnect(); ok(performance.now()); }).observe(list, { childList: true }));
      const t0 = performance.now();
      input.focus();
      input.value = 'monitoring';
      input.dispatchEvent(new Event('input'));
      return (await shown) - t0;
    }));
    // Once loaded: a new query to its results.
    next.push(await page.evaluate(async () => {
      const input = document.getElementById('search-input');
      const list = document.getElementById('search-results');
      const shown = new Promise((ok) => new MutationObserver((_, o) => { if (list.firstElementChild) { o.disconnect(); ok(performance.now()); } }).observe(list, { childList: true }));
      const t0 = performance.now();
      input.value = 'who codes';
      input.dispatchEvent(new Event('input'));
      return (await shown) - t0;
    }));
    await input.fill('');
    await context.close();
  }
  console.log(`search on a ${pages}-page site (${entries} index entries), ${runs} runs, medians:`);
  console.log(`| index | ${index.length} bytes | ${gzipSync(index).length} bytes gzipped |`);
  console.log(`| first keystroke to first result (loads the index) | ${median(first).toFixed(1)} ms |`);
  console.log(`| keystroke to results, index loaded | ${median(next).toFixed(1)} ms |`);
} finally {
  await browser?.close();
  await site?.stop();
  rmSync(project, { recursive: true, force: true });
}
