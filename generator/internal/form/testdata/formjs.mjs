// Runs the browser's form script (assets/js/form.js) on answers given as
// JSON on stdin, with just enough of a DOM to press "send", and prints what
// the script decided for each: the error messages by field, or that it
// posted. Used by TestBrowserScriptAgrees (script_test.go), which compares
// the answers with the server's Validate.
//
// stdin:  {"script": "path/to/form.js", "rules": [...], "cases": [{"field": "value", ...}, ...]}
// stdout: [{"errors": {"field": "message"}, "sent": false}, ...]
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const input = JSON.parse(readFileSync(0, 'utf8'));
const source = readFileSync(input.script, 'utf8');

// stub is any element the script touches but the test does not look at:
// every property is another stub, and calling one returns a stub.
const stub = () => new Proxy(function () {}, { get: () => stub(), apply: () => stub() });

function run(values) {
  let submit = null;
  let sent = false;
  const links = []; // the error summary's links: [href, text]
  const form = {
    action: '/api/form',
    elements: Object.fromEntries(input.rules.map((r) => [r.name, { value: values[r.name] ?? '', checked: values[r.name] === 'yes' }])),
    getAttribute: (name) => (name === 'data-rules' ? JSON.stringify(input.rules) : '/thanks/'),
    addEventListener: (type, f) => { if (type === 'submit') submit = f; },
    querySelector: () => stub(),
  };
  const document = {
    title: 'Contact',
    querySelector: (sel) => (sel === 'form[data-form]' ? form : null),
    getElementById: () => stub(),
    createTextNode: () => stub(),
    createElement: (tag) => {
      const e = { tag, attrs: {}, textContent: '', setAttribute(k, v) { this.attrs[k] = v; }, appendChild() {}, after() {}, prepend() {}, focus() {}, remove() {}, classList: { add() {}, remove() {} } };
      if (tag === 'a') links.push(e);
      return e;
    },
  };
  const context = {
    document,
    location: { assign() {} },
    URLSearchParams: class {},
    FormData: class {},
    fetch: () => { sent = true; return new Promise(() => {}); },
  };
  context.window = context;
  vm.runInNewContext(source, context, { filename: input.script });
  if (!submit) throw new Error('the script did not listen for submit');
  submit({ preventDefault() {} });
  const errors = {};
  for (const a of links) {
    const rule = input.rules.find((r) => '#' + r.id === a.attrs.href);
    errors[rule ? rule.name : ''] = a.textContent;
  }
  return { errors, sent };
}

process.stdout.write(JSON.stringify(input.cases.map(run)));
