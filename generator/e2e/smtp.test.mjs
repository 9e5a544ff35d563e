// Smoke test of startSMTP, the real SMTP server the browser tests of e-mail
// delivery will read: one message in by a bare SMTP dialogue, read back with
// its envelope and headers. (The server itself is tested in Go:
// generator/internal/smtptest.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { startSMTP } from './lib.mjs';

// chat sends each command in turn and checks the reply code it must get.
async function chat(port, steps) {
  const sock = createConnection(port, '127.0.0.1');
  let buf = '';
  const reply = () => new Promise((ok, fail) => {
    const look = () => {
      const m = buf.match(/^(?:\d{3}-.*\r\n)*(\d{3}) .*\r\n/);
      if (m) { buf = buf.slice(m[0].length); sock.off('data', more); sock.off('error', fail); ok(m[0]); }
    };
    const more = (d) => { buf += d; look(); };
    sock.on('data', more);
    sock.on('error', fail);
    look();
  });
  for (const [send, want] of [[null, 220], ...steps]) {
    if (send !== null) sock.write(send + '\r\n');
    const r = await reply();
    assert.equal(r.slice(0, 3), String(want), `${send ?? 'greeting'}: ${r}`);
  }
  sock.end();
}

test('startSMTP stores a message with its envelope and headers', async (t) => {
  const smtp = await startSMTP();
  t.after(() => smtp.stop());
  await chat(smtp.port, [
    ['EHLO localhost', 250],
    ['MAIL FROM:<website@bcs.example>', 250],
    ['RCPT TO:<team@bcs.example>', 250],
    ['RCPT TO:<cc@bcs.example>', 250],
    ['DATA', 354],
    ['Subject: Smoke\r\nX-Long: one\r\n two\r\n\r\nHello\r\n..dot\r\n.', 250],
    ['QUIT', 221],
  ]);
  const [m, ...more] = smtp.messages();
  assert.equal(more.length, 0);
  assert.equal(m.from, 'website@bcs.example');
  assert.deepEqual(m.to, ['team@bcs.example', 'cc@bcs.example']);
  assert.deepEqual(m.headers, { subject: 'Smoke', 'x-long': 'one two' });
  assert.equal(m.body, 'Hello\r\n.dot\r\n');
  assert.equal(m.raw, 'Subject: Smoke\r\nX-Long: one\r\n two\r\n\r\nHello\r\n.dot\r\n');
});
