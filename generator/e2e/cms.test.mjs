// The CMS at /admin/ in headless Chromium, against its local backend as
// make cms runs it (decap-server writing into a copy of the project, bcs
// serve -cms previewing it): every page saved through the CMS builds as it
// did, an edit made in the CMS builds as the same edit made by hand, and a
// new cluster page with two sections, a picture and three questions, made
// only with the CMS's forms, lands in content/, decodes strictly, builds,
// shows in the preview and builds byte-identical to the page written by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, launch, picture, root, skipOrFail } from './lib.mjs';

const decap = join(root, 'generator/cms/decap');
const decapServer = join(root, 'generator/cms/node_modules/.bin/decap-server');
const backendPort = 8082; // generator/internal/cms.LocalPort: config.yml's local_backend
let tmp, project, byHand, bcs, serve, backend, base, browser;

const run = (cmd, args, opts = {}) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const stop = async (proc, signal = 'SIGTERM') => {
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill(signal);
    await new Promise((ok) => proc.on('exit', ok));
  }
};

// startBackend starts the CMS's local backend (decap-server) in mode fs
// (saving straight into dir's files, as make cms does) or git (a branch and
// a status per draft in the repository dir, merged on publishing: the
// editorial workflow), and waits until it answers.
async function startBackend(mode, dir) {
  const proc = run(decapServer, [], { env: { ...process.env, MODE: mode, GIT_REPO_DIRECTORY: dir, PORT: String(backendPort), BIND_HOST: '127.0.0.1', LOG_LEVEL: 'warn' } });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  proc.stdout.on('data', (d) => { log += d; });
  for (let i = 0; ; i++) {
    const info = await fetch(`http://127.0.0.1:${backendPort}/api/v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"info"}' })
      .then((r) => r.json()).catch(() => null);
    if (info?.type === `local_${mode}` && proc.exitCode === null) return proc;
    assert.ok(i < 100 && proc.exitCode === null, `decap-server did not start on port ${backendPort} (is make cms running?):\n${log}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

before(async () => {
  if (!existsSync(chromium)) return;
  for (const [what, file] of [['the pinned CMS', join(decap, 'decap-cms.js')], ['the CMS local backend', decapServer]]) {
    assert.ok(existsSync(file), `${what} (${file}) is missing: run make cms-deps (make test-e2e does)`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'bcs-cms-'));
  project = join(tmp, 'project');
  byHand = join(tmp, 'by-hand');
  for (const dir of [project, byHand]) {
    for (const d of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, d), join(dir, d), { recursive: true });
  }
  bcs = join(tmp, 'bcs');
  execFileSync('go', ['build', '-o', bcs, './generator/cmd/bcs'], { cwd: root, stdio: 'inherit' });

  backend = await startBackend('fs', project);

  serve = run(bcs, ['serve', '-root', project, '-addr', '127.0.0.1:0', '-cms', decap]);
  serve.stderr.on('data', (d) => process.stderr.write(d));
  base = await new Promise((ok, fail) => {
    let text = '';
    serve.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/at http:\/\/127\.0\.0\.1:(\d+)\//);
      // localhost, not 127.0.0.1: the CMS looks for its local backend only there.
      if (m) ok(`http://localhost:${m[1]}`);
    });
    serve.on('exit', (code) => fail(new Error(`bcs serve exited with ${code}:\n${text}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stop(serve, 'SIGINT');
  await stop(backend);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// build builds a project strictly (bcs build fails on any key, type or
// value it refuses) into a new folder, and returns the folder.
let builds = 0;
function build(dir) {
  const out = join(tmp, `out-${++builds}`);
  execFileSync(bcs, ['build', '-root', dir, '-out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

// files maps each file under dir to its bytes.
function files(dir) {
  const out = new Map();
  (function walk(d) {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  })(dir);
  return out;
}

// differences lists the files that two built sites do not share byte for byte.
function differences(a, b) {
  const fa = files(a), fb = files(b);
  const names = new Set([...fa.keys(), ...fb.keys()]);
  return [...names].filter((n) => !fa.has(n) || !fb.has(n) || !fa.get(n).equals(fb.get(n))).sort();
}

// The CMS's address of a content file's entry: content/_index.md is the
// home page, content/x.md one of the other pages, content/dir/y.md a
// page of the section dir.
function entryOf(rel) {
  const parts = rel.replace(/\.md$/, '').split('/');
  if (parts.length === 1) return parts[0] === '_index' ? 'home/entries/home' : `pages/entries/${parts[0]}`;
  return `${parts[0]}/entries/${parts[1]}`;
}

function contentPages(dir) {
  return [...files(join(dir, 'content')).keys()].filter((n) => n.endsWith('.md')).sort();
}

async function login(page) {
  await page.goto(base + '/admin/');
  await page.getByRole('button', { name: 'Login' }).click();
  await page.getByText('Collections').first().waitFor();
}

// open loads an entry in the editor afresh (a new page load: the editor
// keeps state between entries otherwise) and waits for its fields.
async function open(page, hash) {
  await page.goto(`${base}/admin/#/collections/${hash}`);
  await page.reload();
  await page.locator('[id^=title-field-]').first().waitFor();
  // The nested fields are filled in a moment after the title; a save
  // before then is refused as missing them.
  await page.waitForTimeout(1500);
}

// status sets a draft's status in the editorial workflow.
async function status(page, from, to) {
  await page.getByText(`Status: ${from}`).click();
  await page.getByRole('menuitem', { name: to }).click();
  await page.getByText(`Status: ${to}`).waitFor();
}

// publish saves the entry ("Publish now": in the local backend, straight
// into content/) and fails with the CMS's own messages if it refuses.
async function publish(page) {
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Publish now' }).click();
  try {
    await page.getByRole('button', { name: 'Published', exact: true }).waitFor({ timeout: 15000 });
  } catch {
    const errors = await page.$$eval('[class*=ControlErrorsList] li, .Toastify__toast', (es) => es.map((e) => e.textContent.trim()));
    assert.fail(`the CMS did not save the entry: ${errors.join('; ') || '(no message)'}`);
  }
}

// section is the form of the last section whose kind's name matches label.
function section(page, label) {
  return page.locator('label[for^="sections-field-"]', { hasText: label }).last().locator('xpath=..');
}

// markdown types text into the rich-text editor of a Markdown field.
async function markdown(page, field, text) {
  await field.locator('[data-slate-editor=true]').click();
  await page.keyboard.type(text);
}

const today = new Date();
const isoDay = (d) => d.toISOString().slice(0, 10);
const lastReviewed = isoDay(today);
const nextReview = isoDay(new Date(today.getTime() + 365 * 86400e3));

test('cms: every page saved through the CMS builds exactly as before (round trip)', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await login(page);
  const pages = contentPages(project);
  assert.ok(pages.length >= 10, `only ${pages.length} pages in content/`);
  for (const rel of pages) {
    // A change and its undoing, each saved: the CMS writes the whole file
    // again in its own way (key order, quoting, line breaks) both times.
    await open(page, entryOf(rel));
    const title = page.locator('[id^=title-field-]').first();
    await title.click();
    await title.press('End');
    await title.type('!');
    await publish(page);
    assert.match(readFileSync(join(project, 'content', rel), 'utf8'), /^title: .*!$/m, `${rel}: the change was not saved`);
    await open(page, entryOf(rel));
    await title.click();
    await title.press('End');
    await title.press('Backspace');
    await publish(page);
  }
  const rewritten = pages.filter((rel) => !readFileSync(join(project, 'content', rel)).equals(readFileSync(join(root, 'content', rel))));
  t.diagnostic(`${pages.length} pages saved through the CMS; ${rewritten.length} files written differently, built the same`);
  assert.deepEqual(differences(build(byHand), build(project)), [], 'pages saved unchanged through the CMS build differently');
  assert.deepEqual(errors, []);
  await page.close();
});

test('cms: an edit in the CMS builds as the same edit by hand', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await login(page);
  const rel = 'medicines-optimisation/pcn-smr.md';
  const description = 'How a PCN plans its structured medication reviews: the cohorts, the clinics and the coding.';
  await open(page, entryOf(rel));
  await page.locator('[id^=description-field-]').first().fill(description);
  await publish(page);
  // The same edit by hand: a colon in a value needs quotes.
  const file = join(byHand, 'content', rel);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^description: .*$/m, `description: "${description}"`));
  assert.deepEqual(differences(build(byHand), build(project)), []);
  await page.close();
});

test('cms: a new cluster page with two sections, a picture and three FAQs, without writing YAML', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const photo = join(tmp, 'repeat-prescribing.jpg');
  writeFileSync(photo, await picture(browser, 1600, 900, 'image/jpeg'));
  await login(page);
  await open(page, 'medicines-optimisation/new');

  const title = 'Repeat prescribing: who does what';
  const description = 'How a practice shares repeat prescribing between reception, the pharmacy team and the GPs: requests, checks and reauthorisation.';
  await page.locator('[id^=title-field-]').first().fill(title);
  await page.locator('[id^=description-field-]').first().fill(description);
  await page.locator('[id^=last_reviewed-field-]').first().fill(lastReviewed);
  await page.locator('[id^=next_review-field-]').first().fill(nextReview);

  // Section 1: text with a picture.
  await page.getByText('Add section', { exact: true }).click();
  await page.getByRole('menuitem', { name: 'Text', exact: true }).click();
  const text = section(page, /^Text\s*$/);
  await text.locator('[id^=heading-field-]').fill('Who does what');
  await markdown(page, text.locator('[aria-label="markdown field"]'), 'Reception takes requests, the pharmacy team checks them, and a GP signs.');
  const pictureField = text.locator('[aria-label="object field"]').filter({ has: page.locator('label', { hasText: /^Picture/ }) });
  await pictureField.locator('[data-testid=expand-button]').first().click();
  await pictureField.getByRole('button', { name: 'Choose an image' }).click();
  await page.locator('input[type=file]').setInputFiles(photo);
  await page.getByText('repeat-prescribing.jpg').first().waitFor();
  const choose = page.getByRole('button', { name: 'Choose selected' });
  if (await choose.isDisabled()) await page.getByText('repeat-prescribing.jpg').first().click(); // the upload is usually selected already
  await choose.click();
  await pictureField.locator('[id^=alt-field-]').fill('A pharmacist and a receptionist checking a repeat prescription request together');

  // Section 2: three questions and answers.
  await page.getByText('Add section', { exact: true }).click();
  await page.getByRole('menuitem', { name: 'Questions and answers (FAQs)' }).click();
  const faqs = section(page, /^Questions and answers/);
  await faqs.locator('[id^=heading-field-]').first().fill('Questions practices ask');
  const qa = [
    ['Who can reauthorise a repeat?', 'A prescriber: a GP, or a pharmacist who is an independent prescriber.'],
    ['How long does a request take?', 'Two working days from the request to the pharmacy.'],
    ['Can patients order online?', 'Yes, through the NHS App or the practice website.'],
  ];
  for (const [i, [q, a]] of qa.entries()) {
    await faqs.getByRole('button', { name: /^Add question/ }).click();
    await faqs.locator('[id^=question-field-]').nth(i).fill(q);
    await markdown(page, faqs.locator('[aria-label="markdown field"]').filter({ has: page.locator('label', { hasText: /^Answer/ }) }).nth(i), a);
  }
  // The CMS's preview shows what was typed, in the site's own stylesheet
  // (admin/preview.js), loaded.
  await page.waitForFunction(() => [...document.querySelectorAll('iframe')].some((f) => {
    const d = f.contentDocument;
    return d && d.body && d.body.textContent.includes('Repeat prescribing: who does what') &&
      [...d.querySelectorAll('link[rel=stylesheet]')].some((l) => /\/assets\/site(\.[0-9a-f]+)?\.css$/.test(l.href) && l.sheet && l.sheet.cssRules.length > 50);
  }), null, { timeout: 15000 });
  await publish(page);

  // The file is in content/, beside the picture, and the build takes it.
  const slug = 'repeat-prescribing-who-does-what';
  const saved = join(project, 'content/medicines-optimisation', slug + '.md');
  assert.ok(existsSync(saved), `no ${saved}`);
  assert.ok(readFileSync(join(project, 'content/images/repeat-prescribing.jpg')).equals(readFileSync(photo)), 'the picture was not saved in content/images/');
  t.diagnostic(`the CMS wrote content/medicines-optimisation/${slug}.md:\n${readFileSync(saved, 'utf8')}`);
  const out = build(project);
  const html = readFileSync(join(out, 'medicines-optimisation', slug, 'index.html'), 'utf8');
  assert.match(html, /<h1[^>]*>Repeat prescribing: who does what<\/h1>/);
  assert.match(html, /alt="A pharmacist and a receptionist checking a repeat prescription request together"/);
  for (const [q] of qa) assert.ok(html.includes(q), `the page lacks the question ${q}`);

  // The preview (bcs serve, beside the CMS) shows it.
  let shown = '';
  for (let i = 0; i < 50 && !shown.includes('Who can reauthorise a repeat?'); i++) {
    shown = await fetch(`${base}/medicines-optimisation/${slug}/`).then((r) => r.text());
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.ok(shown.includes('Who can reauthorise a repeat?'), 'the preview does not show the new page');

  // The same page written by hand builds byte-identical.
  cpSync(photo, join(byHand, 'content/images/repeat-prescribing.jpg'));
  writeFileSync(join(byHand, 'content/medicines-optimisation', slug + '.md'), `---
title: "Repeat prescribing: who does what"
description: "${description}"
last_reviewed: ${lastReviewed}
next_review: ${nextReview}
sections:
  - type: prose
    heading: Who does what
    body: Reception takes requests, the pharmacy team checks them, and a GP signs.
    image:
      src: /images/repeat-prescribing.jpg
      alt: A pharmacist and a receptionist checking a repeat prescription request together
  - type: faqs
    heading: Questions practices ask
    faqs:
${qa.map(([q, a]) => `      - question: ${q}\n        answer: "${a}"`).join('\n')}
---
`);
  assert.deepEqual(differences(build(byHand), out), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('cms: the editorial workflow: a draft is a branch, reviewed and made ready, and published by merging', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  // The same CMS against a Git repository: what the GitHub backend does
  // with pull requests, decap-server does with local branches.
  const repo = join(tmp, 'repo');
  for (const d of ['content', 'templates', 'assets', 'packs']) cpSync(join(root, d), join(repo, d), { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'CMS test');
  git('config', 'user.email', 'cms-test@example.org');
  git('add', '.');
  git('commit', '-qm', 'the site');
  await stop(backend);
  backend = await startBackend('git', repo);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('dialog', (d) => d.accept()); // "Are you sure you want to publish this entry?"
  await login(page);
  await open(page, 'medicines-optimisation/new');
  await page.locator('[id^=title-field-]').first().fill('Structured medication review clinics');
  await page.locator('[id^=description-field-]').first().fill('How a practice runs its SMR clinics, for review before it is published.');
  await page.locator('[id^=last_reviewed-field-]').first().fill(lastReviewed);
  await page.locator('[id^=next_review-field-]').first().fill(nextReview);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Status: Draft').waitFor();

  // A draft lives on its own branch; the live branch does not have it.
  const branch = 'cms/medicines-optimisation/structured-medication-review-clinics';
  const file = 'content/medicines-optimisation/structured-medication-review-clinics.md';
  const label = () => git('config', `branch.${branch}.description`);
  assert.ok(git('branch', '--list', branch), `no branch ${branch}: ${git('branch', '--list')}`);
  assert.equal(label(), 'decap-cms/draft');
  assert.throws(() => git('cat-file', '-e', `main:${file}`), 'the draft reached main');
  assert.match(git('show', `${branch}:${file}`), /^title: Structured medication review clinics$/m);

  await status(page, 'Draft', 'In review');
  assert.equal(label(), 'decap-cms/pending_review');
  await status(page, 'In review', 'Ready');
  assert.equal(label(), 'decap-cms/pending_publish');
  assert.throws(() => git('cat-file', '-e', `main:${file}`), 'a page ready for publishing is not published yet');

  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Publish now' }).click();
  await page.getByRole('button', { name: 'Published', exact: true }).waitFor();
  // Published: merged into main, the branch gone, and main builds with it.
  assert.equal(git('branch', '--list', branch), '');
  git('cat-file', '-e', `main:${file}`);
  assert.equal(git('status', '--porcelain'), '');
  const out = build(repo);
  assert.ok(existsSync(join(out, 'medicines-optimisation/structured-medication-review-clinics/index.html')));
  t.diagnostic(`main after publishing:\n${git('log', '--format=%s', '-3')}`);
  await page.close();
});
