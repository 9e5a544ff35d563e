// A practice's request reaches the Service Development team: in headless
// Chromium, a visitor asks for the standalone pack through the contact form
// (with JavaScript, and again without); the thank-you page links their ICB's
// pack; the email arrives once in the real SMTP server's mailbox (aiosmtpd)
// with that link, and the webhook gets the request once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium, launch, skipOrFail, startSite, startSMTP } from './lib.mjs';

let site, smtp, hook, browser;
const hookPosts = [];

before(async () => {
  smtp = await startSMTP();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      hookPosts.push({ key: req.headers['idempotency-key'], type: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('1');
    });
  });
  await new Promise((ok) => hook.listen(0, '127.0.0.1', ok));
  site = await startSite({
    deliver: ['-smtp', `127.0.0.1:${smtp.port}`, '-smtp-security', 'none'],
    env: { BCS_WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/hook` },
  });
  if (await import('node:fs').then((fs) => fs.existsSync(chromium))) browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.stop();
  hook?.close();
  await smtp?.stop();
});

// until polls f until it returns a truthy value, or fails after 30 s.
async function until(what, f) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`waited 30 s for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function askForPack(page, name) {
  await page.goto(site.base + '/contact/');
  await page.fill('#contact-name', name);
  await page.fill('#contact-role', 'Practice manager');
  await page.fill('#contact-practice', 'Riverside Surgery');
  await page.fill('#contact-ods-code', 'L81001');
  await page.selectOption('#contact-icb', 'QUY');
  await page.fill('#contact-email', 'ann.smith@nhs.net');
  await page.check('input[name=interest][value=starter-pack]');
  await page.fill('#contact-message', 'Line one\r\nBcc: victim@example.org\r\n<b>bold?</b>');
  await page.check('#contact-consent');
  await page.click('button[type=submit]');
  await page.waitForURL('**/contact/thanks/#pack-quy');
}

for (const javaScriptEnabled of [true, false]) {
  test(`a pack request ${javaScriptEnabled ? 'with' : 'without'} JavaScript: thank-you link, one email, one webhook post`, async (t) => {
    if (!browser) return skipOrFail(t, `Chromium (${chromium})`);
    const context = await browser.newContext({ javaScriptEnabled });
    t.after(() => context.close());
    const page = await context.newPage();
    const name = `Ann Smith ${javaScriptEnabled ? 'JS' : 'HTML'}`;
    const mailsBefore = smtp.messages().length;
    const hooksBefore = hookPosts.length;
    await askForPack(page, name);

    // The thank-you page shows exactly the link to BNSSG's pack.
    const visible = page.locator('.pack-thanks li:visible');
    assert.equal(await visible.count(), 1, 'one pack link is visible');
    const link = visible.locator('a');
    assert.match(await link.textContent(), /Bristol, North Somerset and South Gloucestershire/);
    const href = await link.getAttribute('href');
    assert.match(href, /^\/packs\/quy\/$/);
    const res = await page.request.get(site.base + href);
    assert.equal(res.status(), 200, `the pack page ${href}`);

    // One email, to the team, with the pack link and the answers escaped.
    const mails = await until('the email', () => {
      const m = smtp.messages().slice(mailsBefore);
      return m.length >= 1 && m;
    });
    await new Promise((ok) => setTimeout(ok, 500)); // a second copy would be here by now
    const mine = smtp.messages().slice(mailsBefore);
    assert.equal(mine.length, 1, 'exactly one email');
    const m = mails[0];
    assert.deepEqual(m.to, ['servicedevelopment@bcs-pharmacy.co.uk']);
    assert.equal(m.from, 'website@bcs-pharmacy.co.uk');
    assert.match(m.headers['subject'], /starter pack/i);
    assert.match(m.headers['subject'], /Bristol, North Somerset and South Gloucestershire|QUY/);
    assert.match(m.headers['reply-to'], /ann\.smith@nhs\.net/);
    assert.match(m.headers['message-id'], /^<[0-9a-f]{32}@www\.bcs-pharmacy\.co\.uk>$/);
    assert.equal(m.headers['bcc'], undefined, 'a header came from the message field');
    const text = m.raw.replace(/=\r\n/g, '');
    assert.match(text, /https:\/\/www\.bcs-pharmacy\.co\.uk\/packs\/quy\//, 'the email carries the pack link');
    const html = text.split(/Content-Type: text\/html/i)[1];
    assert.ok(html, 'the email has an HTML part');
    assert.ok(html.includes('&lt;b&gt;bold?&lt;/b&gt;') && !html.includes('<b>bold?</b>'), 'the HTML part escapes the message');

    // One webhook post, with the submission's id as its idempotency key.
    const posts = await until('the webhook post', () => hookPosts.length > hooksBefore && hookPosts.slice(hooksBefore));
    await new Promise((ok) => setTimeout(ok, 200));
    assert.equal(hookPosts.length - hooksBefore, 1, 'exactly one webhook post');
    assert.equal(posts[0].type, 'application/json');
    assert.equal(`<${posts[0].key}@www.bcs-pharmacy.co.uk>`, m.headers['message-id'], 'the idempotency key and the Message-ID are the submission id');
    const body = JSON.parse(posts[0].body);
    assert.match(body.text, /packs\/quy\//);
    assert.ok(!body.text.includes('victim@example.org'), 'the webhook leaves the free-text message out');

    assert.match(site.log(), new RegExp(`msg=delivered submission=${posts[0].key} channel=email`));
  });
}
