// Shared set-up of the browser tests: the real `bcs` binary builds the site
// into a temporary directory and runs the form receiver; a small static
// server serves the site and passes /api/ to the receiver, as a production
// web server would, so pages and form posts share one origin.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const require = createRequire(import.meta.url);
export const root = resolve(import.meta.dirname, '../..');
export const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const required = process.env.REQUIRE_TOOLS === '1';

export const browserArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function have(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function skipOrFail(t, what) {
  if (required) assert.fail(`${what} is missing, and REQUIRE_TOOLS=1`);
  console.log(`SKIP: ${what} is missing; install it (see README) to run this check`);
  t.skip(`${what} missing`);
}

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.js': 'text/javascript', '.xml': 'application/xml', '.txt': 'text/plain', '.json': 'application/json' };

// startSite builds the site (of the repository, or of the project folder
// given) and starts the receiver and the static server. The receiver only
// stores requests unless deliver gives its delivery flags (for example
// ['-smtp', '127.0.0.1:2525', '-smtp-security', 'none']) and env its
// environment (BCS_WEBHOOK_URL).
// It returns { tmp, out, base, pages, bcs, db, stop, log }; log() is what
// the receiver has logged so far.
export async function startSite({ project = root, deliver = ['-store-only'], env = {} } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'bcs-e2e-'));
  const bcs = join(tmp, 'bcs');
  execFileSync('go', ['build', '-o', bcs, './generator/cmd/bcs'], { cwd: root, stdio: 'inherit' });
  const out = join(tmp, 'site');
  execFileSync(bcs, ['build', '-root', project, '-out', out], { cwd: root, stdio: 'inherit' });
  const pages = [];
  (function walk(dir) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      // /admin/ is the CMS, an application under its own policy (cms.test.mjs), not a page of the site.
      if (statSync(p).isDirectory()) { if (p !== join(out, 'admin')) walk(p); }
      else if (p.endsWith('.html')) pages.push(p.slice(out.length).split(sep).join('/'));
    }
  })(out);

  let receiverAddr;
  const server = createServer((req, res) => {
    if (req.url.startsWith('/api/')) {
      const up = request({ host: receiverAddr.host, port: receiverAddr.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(up);
      return;
    }
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = resolve(out, '.' + p);
    if (!file.startsWith(out + sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': types['.html'] });
      res.end(readFileSync(join(out, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;

  const db = join(tmp, 'submissions.db');
  const receiver = spawn(bcs, ['receive', ...deliver, '-addr', '127.0.0.1:0', '-forms', join(out, 'forms'), '-db', db, '-allow-origin', base, '-rate', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let receiverLog = '';
  receiver.stderr.on('data', (d) => { receiverLog += d; if (process.env.E2E_DEBUG) process.stderr.write(d); });
  receiverAddr = await new Promise((ok, fail) => {
    let text = '';
    receiver.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/listening on http:\/\/([\d.]+):(\d+)/);
      if (m) ok({ host: m[1], port: Number(m[2]) });
    });
    receiver.on('exit', (code) => fail(new Error(`bcs receive exited with ${code}`)));
  });

  const stop = async () => {
    server.close();
    receiver.kill('SIGTERM');
    await new Promise((ok) => (receiver.exitCode !== null ? ok() : receiver.on('exit', ok)));
    rmSync(tmp, { recursive: true, force: true });
  };
  return { tmp, out, base, pages, bcs, db, stop, log: () => receiverLog };
}

// submissions returns the stored submissions as CSV rows (objects).
export function submissions(site) {
  const csv = execFileSync(site.bcs, ['submissions', 'export', '-db', site.db], { encoding: 'utf8' });
  const [head, ...rows] = csv.trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v])));
}

const smtpd = fileURLToPath(new URL('../internal/smtptest/smtpd.py', import.meta.url));
const smtpMissing = "the real SMTP server for this test is missing: run 'make test-deps' (as root: apt-get install -y python3-aiosmtpd)";

// startSMTP starts the real SMTP server the Go tests use (smtpd.py on
// Debian's python3-aiosmtpd; see generator/internal/smtptest) on a free port
// of 127.0.0.1, plain, storing every message in maildir (by default a new
// temporary folder, which stop() removes). It fails, never skips, when the
// server is missing.
// It returns { port, maildir, stop, messages }; messages() reads what has
// arrived, in order, as { from, to, headers, body, raw }: the envelope, the
// header fields by lower-cased name (the first of a repeated one, unfolded),
// and the message as sent.
export async function startSMTP({ maildir } = {}) {
  const own = !maildir;
  maildir ??= mkdtempSync(join(tmpdir(), 'bcs-smtp-'));
  // /usr/bin/python3, where Debian installs aiosmtpd, whatever python3 is on
  // PATH; -I keeps PYTHONPATH and user site-packages out.
  const proc = spawn('/usr/bin/python3', ['-I', smtpd, '--maildir', maildir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (process.env.E2E_DEBUG) process.stderr.write(d); });
  const exited = new Promise((ok) => proc.on('close', ok));
  const started = new Promise((ok, fail) => {
    const timer = setTimeout(() => { proc.kill(); fail(new Error(`smtpd.py did not start listening within 20 s:\n${stderr}`)); }, 20000);
    let text = '';
    proc.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/^listening 127\.0\.0\.1:(\d+)\n/);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    proc.on('error', (e) => { clearTimeout(timer); fail(e.code === 'ENOENT' ? new Error(smtpMissing) : e); });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(code === 3 ? smtpMissing : `smtpd.py exited with ${code} before listening:\n${stderr}`)); });
  });
  const port = await started.catch((e) => {
    if (own) rmSync(maildir, { recursive: true, force: true });
    throw e;
  });

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    if (own) rmSync(maildir, { recursive: true, force: true });
  };
  const messages = () => readdirSync(maildir).filter((n) => /^\d+\.eml$/.test(n)).sort().map((name) => {
    const { from, to } = JSON.parse(readFileSync(join(maildir, name.replace(/\.eml$/, '.json')), 'utf8'));
    const raw = readFileSync(join(maildir, name), 'utf8');
    const end = raw.search(/\r?\n\r?\n/);
    const head = end < 0 ? raw : raw.slice(0, end);
    const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
    const headers = {};
    for (const field of head.split(/\r?\n(?![ \t])/)) {
      const i = field.indexOf(':');
      if (i > 0) headers[field.slice(0, i).trim().toLowerCase()] ??= field.slice(i + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    }
    return { from, to, headers, body, raw };
  });
  return { port, maildir, stop, messages };
}

// picture draws a w x h picture in Chromium's canvas and returns it encoded
// as type (image/jpeg or image/png): a real encoder, as a camera or a
// design tool would have written the file.
export async function picture(browser, w, h, type) {
  const page = await browser.newPage();
  const data = await page.evaluate(({ w, h, type }) => {
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, w, h);
    grad.addColorStop(0, '#005eb8'); grad.addColorStop(1, '#ffb81c');
    g.fillStyle = grad; g.fillRect(0, 0, w, h);
    g.fillStyle = '#fff'; g.font = `${Math.round(h / 5)}px sans-serif`; g.fillText('BCS', w / 10, h / 2);
    return c.toDataURL(type, 0.9).split(',')[1];
  }, { w, h, type });
  await page.close();
  return Buffer.from(data, 'base64');
}

export async function launch() {
  const { chromium: pw } = await import('playwright-core');
  return pw.launch({ executablePath: chromium, args: browserArgs });
}

export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

// axeProblems runs axe-core on every page at each viewport, two tabs per
// viewport, all viewports at once, and returns the violations, sorted, as
// "<page> @<width>px: <rule> (<impact>): <help>" with the first elements.
export async function axeProblems(browser, base, pages, viewports = [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
  const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const problems = [];
  const check = async (viewport) => {
    let next = 0;
    const worker = async () => {
      const page = await browser.newPage({ viewport, bypassCSP: true });
      while (next < pages.length) {
        const path = pages[next++];
        await page.goto(base + path.replace(/index\.html$/, ''));
        if (await page.evaluate(() => !!document.querySelector('meta[http-equiv="refresh"]'))) continue;
        await page.addScriptTag({ content: axe });
        const result = await page.evaluate((tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }), axeTags);
        for (const v of result.violations) {
          problems.push(`${path} @${viewport.width}px: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
        }
      }
      await page.close();
    };
    await Promise.all([worker(), worker()]);
  };
  await Promise.all(viewports.map(check));
  return problems.sort();
}

// nuErrors runs the Nu HTML checker over a folder and returns its error
// lines ("file:...: error: ..."), or [] when the folder is valid.
export function nuErrors(dir) {
  const r = spawnSync('java', ['-jar', require('vnu-jar'), '--errors-only', '--skip-non-html', '--format', 'gnu', dir], { encoding: 'utf8' });
  return r.status === 0 ? [] : `${r.stderr}${r.stdout}`.trim().split('\n');
}
