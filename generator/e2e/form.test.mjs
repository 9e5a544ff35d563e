// The contact form end to end, in headless Chromium against the real
// receiver and database: with and without JavaScript, its error state checked
// by axe-core and the Nu HTML checker, and the whole form operated by
// keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, have, launch, require, skipOrFail, startSite, submissions } from './lib.mjs';

let site, browser;

before(async () => {
  site = await startSite();
  if (existsSync(chromium)) browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe runs the page's own CSP aside: evaluate is the browser's console.
async function axe(page) {
  await page.evaluate(axeSource());
  const r = await page.evaluate(() => axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function fill(page, name) {
  await page.fill('#contact-name', name);
  await page.fill('#contact-role', 'Practice manager');
  await page.fill('#contact-practice', 'Riverside Surgery');
  await page.fill('#contact-ods-code', 'a81001');
  await page.selectOption('#contact-icb', 'QE1');
  await page.fill('#contact-email', 'ann.smith@nhs.net');
  await page.check('#contact-interest');
  await page.fill('#contact-message', 'Please call on Tuesday.');
  await page.check('#contact-consent');
}

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e.id || e.getAttribute('data-error-summary') !== null && 'error-summary' || e.tagName.toLowerCase();
});

test('without JavaScript: an empty post shows the focused error summary; a full post is stored and thanked', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const context = await browser.newContext({ javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(site.base + '/contact/');
  await page.click('button[type=submit]');
  await page.waitForURL('**/api/contact');
  assert.match(await page.title(), /^Error: Contact us/);
  assert.equal(await page.locator('.error-summary li').count(), 8);
  assert.equal(await page.locator('.error-summary a[href="#contact-email"]').textContent(), 'Enter your email address');
  assert.equal(await focused(page), 'error-summary', 'the error summary does not take focus');
  assert.equal(await page.locator('#contact-email-error').textContent(), 'Error: Enter your email address');

  // The answers come back with the errors.
  await fill(page, 'No Script');
  await page.fill('#contact-email', 'not an email');
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  assert.equal(await page.inputValue('#contact-name'), 'No Script');
  assert.equal(await page.inputValue('#contact-icb'), 'QE1');
  assert.equal(await page.locator('.error-summary li').count(), 1);

  await page.fill('#contact-email', 'no.script@nhs.net');
  await page.click('button[type=submit]');
  await page.waitForURL('**/contact/thanks/');
  assert.match(await page.textContent('h1'), /Thank you/);
  const row = submissions(site).find((r) => r.name === 'No Script');
  assert.ok(row, 'the submission is not in the database');
  assert.equal(row.ods_code, 'A81001');
  assert.equal(row.icb, 'QE1');
});

test('with JavaScript: the same checks before sending, then a JSON post and the thank-you page', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage();
  t.after(() => page.close());
  const posts = [];
  const problems = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) posts.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(site.base + '/contact/');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.equal(posts.length, 0, 'the browser posted a form it knew was incomplete');
  assert.match(await page.title(), /^Error: Contact us/);
  assert.equal(await focused(page), 'error-summary');
  assert.equal(await page.locator('.error-summary li').count(), 8);
  assert.deepEqual(await axe(page), [], 'axe-core on the error state drawn by the script');

  await fill(page, 'With Script');
  await page.fill('#contact-ods-code', 'QE1');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('.error-summary li').length === 1);
  assert.match(await page.textContent('.error-summary'), /ODS code in the correct format/);
  assert.equal(await page.getAttribute('#contact-ods-code', 'aria-describedby'), 'contact-ods-code-hint contact-ods-code-error');
  assert.equal(await page.locator('.error-message').count(), 1, 'old inline errors were not cleared');

  await page.fill('#contact-ods-code', 'A81001');
  await page.click('button[type=submit]');
  await page.waitForURL('**/contact/thanks/');
  assert.equal(posts.length, 1);
  assert.deepEqual(problems, []);
  assert.ok(submissions(site).some((r) => r.name === 'With Script'), 'the submission is not in the database');
});

test('with JavaScript: an answer of invisible characters is empty, and a text-direction control is refused, before sending', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage();
  t.after(() => page.close());
  const posts = [];
  page.on('request', (r) => { if (r.url().includes('/api/')) posts.push(r.url()); });
  await page.goto(site.base + '/contact/');
  await fill(page, 'Invisible');
  await page.fill('#contact-name', '\u200b\u2060\u00a0\ufeff');
  await page.fill('#contact-practice', 'Riverside\u202e Surgery');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error-summary');
  assert.equal(posts.length, 0, 'the browser posted answers the server refuses');
  assert.equal(await page.locator('.error-summary a[href="#contact-name"]').textContent(), 'Enter your name');
  assert.match(await page.locator('.error-summary a[href="#contact-practice"]').textContent(), /^Practice name: .*changes the direction of text/);

  // Invisible characters around an answer are trimmed, as the server does.
  await page.fill('#contact-name', '\u200bInvisible Trimmed\ufeff');
  await page.fill('#contact-practice', 'Riverside Surgery');
  await page.fill('#contact-ods-code', '\u2060a81001\u200b');
  await page.click('button[type=submit]');
  await page.waitForURL('**/contact/thanks/');
  const row = submissions(site).find((r) => r.name === 'Invisible Trimmed');
  assert.ok(row, 'the trimmed answer is not in the database');
  assert.equal(row.ods_code, 'A81001');
});

test('the error page the receiver sends passes axe-core and the Nu HTML checker', async (t) => {
  const res = await fetch(site.base + '/api/contact', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.base },
    body: 'name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=x&website=',
  });
  assert.equal(res.status, 422);
  const html = await res.text();
  assert.ok(!html.includes('<script>alert'), 'an answer reached the page unescaped');
  const file = join(site.tmp, 'contact-error.html');
  writeFileSync(file, html);
  if (!have('java', ['-version'])) return skipOrFail(t, 'java (for the Nu HTML checker)');
  const vnu = spawnSync('java', ['-jar', require('vnu-jar'), '--errors-only', '--format', 'text', file], { encoding: 'utf8' });
  assert.equal(vnu.status, 0, `Nu HTML checker:\n${vnu.stderr}${vnu.stdout}`);
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    const page = await browser.newPage({ viewport });
    await page.goto(site.base + '/contact/');
    await page.evaluate(() => document.querySelector('form').submit()); // the native post, as without JavaScript
    await page.waitForURL('**/api/contact');
    assert.deepEqual(await axe(page), [], `axe-core at ${viewport.width}px`);
    await page.close();
  }
});

test('keyboard alone: every field in order, the spam trap skipped, and the form sent', async (t) => {
  if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.goto(site.base + '/contact/');
  for (let i = 0; i < 40 && (await focused(page)) !== 'contact-name'; i++) await page.keyboard.press('Tab');
  const order = [];
  // step types text (or presses a key given as { press }) and tabs on.
  const step = async (input) => {
    order.push(await focused(page));
    if (input?.press) await page.keyboard.press(input.press);
    else if (input) await page.keyboard.type(input);
    await page.keyboard.press('Tab');
  };
  await step('Key Board');
  await step('Pharmacist');
  await step('Hillside Practice');
  await step('B82005');
  await step('NHS Lancashire');
  await step('kb@nhs.net');
  await step();
  await step({ press: 'Space' });
  await step('Sent from the keyboard.');
  await step({ press: 'Space' });
  order.push(await focused(page));
  assert.deepEqual(order, ['contact-name', 'contact-role', 'contact-practice', 'contact-ods-code', 'contact-icb', 'contact-email',
    'contact-phone', 'contact-interest', 'contact-message', 'contact-consent', 'button']);
  assert.equal(await page.inputValue('#contact-icb'), 'QE1', 'the ICB was not chosen by typing');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/contact/thanks/');
  const row = submissions(site).find((r) => r.name === 'Key Board');
  assert.ok(row, 'the keyboard submission is not in the database');
  assert.equal(row.interest, 'discovery-call');
  assert.equal(row.consent, 'yes');
});
