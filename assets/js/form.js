// Progressive enhancement of the site's forms: the same checks the server
// makes, shown the same way (error summary, inline messages, "Error: " in
// the title), before anything is sent; then the post goes with fetch and the
// answer is JSON. Without this script the form posts normally and the server
// answers with the page again, or the thank-you page.
(function () {
  'use strict';
  var form = document.querySelector('form[data-form]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var rules = JSON.parse(form.getAttribute('data-rules'));

  // A link may fill in answers: /contact/#fill?interest=starter-pack&message=...
  // (the packs finder sends what was typed this way). The #fragment stays on
  // the device; nothing is filled that the visitor has already answered, and
  // the visitor still reviews and sends the form.
  var hash = location.hash || '';
  if (hash.lastIndexOf('#fill?', 0) === 0) {
    new URLSearchParams(hash.slice(6)).forEach(function (value, name) {
      var el = form.elements[name];
      if (!el) return;
      if (el.length !== undefined && el.tagName !== 'SELECT') { // a radio group
        Array.prototype.forEach.call(el, function (r) { if (r.value === value && !form.querySelector('[name="' + name + '"]:checked')) r.checked = true; });
      } else if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.value === value) el.checked = true;
      } else if (!el.value) {
        el.value = value.slice(0, el.maxLength > 0 ? el.maxLength : value.length);
      }
    });
    history.replaceState(null, '', location.pathname + location.search);
  }
  var title = document.title.replace(/^Error: /, '');
  var sending = false;

  // The checks of generator/internal/form/validate.go, in its order, so the
  // browser never accepts what the server refuses. invisible is the server's
  // invisible(): characters that show nothing by themselves (White_Space,
  // format characters such as U+200B, default-ignorable code points),
  // trimmed from both ends so an answer of only these is empty. bidi is its
  // bidiControl(). A browser without Unicode property escapes cannot parse
  // this file; the form then posts without it and the server checks alone.
  var invisible = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]+|[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]+$/gu;
  var bidi = /\p{Bidi_Control}/u;
  // A control character, a lone surrogate or U+FFFD (which the browser sends
  // for a lone surrogate): the server refuses them all.
  var unusable = /[\p{Cc}\p{Cs}\uFFFD]/u;

  function raw(rule) {
    var el = form.elements[rule.name];
    if (!el) return '';
    if (rule.type === 'checkbox') return el.checked ? 'yes' : '';
    return el.value || '';
  }

  function normalise(rule, v) {
    if (rule.type === 'textarea') v = v.replace(/\r\n?/g, '\n');
    v = v.replace(invisible, '');
    return rule.uppercase ? v.toUpperCase() : v;
  }

  function check(rule) {
    var v = raw(rule);
    if (bidi.test(v)) return rule.bidi;
    v = normalise(rule, v);
    if (unusable.test(rule.type === 'textarea' ? v.replace(/[\n\t]/g, '') : v)) return rule.unusable;
    if (!v) return rule.required ? rule.messages.required : '';
    if (Array.from(v).length > rule.max) return rule.messages.too_long;
    if (rule.pattern && !new RegExp(rule.pattern).test(v)) return rule.messages.format;
    return '';
  }

  function describedBy(el, id, add) {
    var ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    if (add) ids.push(id);
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }

  function clear() {
    var old = document.querySelector('[data-error-summary]');
    if (old) old.remove();
    rules.forEach(function (rule) {
      var group = form.querySelector('[data-field="' + rule.name + '"]');
      var msg = document.getElementById(rule.id + '-error');
      if (msg) msg.remove();
      if (!group) return;
      group.classList.remove('form-group-error');
      var target = group.querySelector('fieldset') || document.getElementById(rule.id);
      if (target) {
        describedBy(target, rule.id + '-error', false);
        target.classList.remove('input-error', 'textarea-error', 'select-error');
      }
    });
    document.title = title;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function show(errors) {
    clear();
    var list = el('ul', { class: 'error-summary-list' });
    errors.forEach(function (err) {
      var rule = rules.filter(function (r) { return r.name === err.field; })[0];
      var li = el('li', {});
      li.appendChild(el('a', { href: '#' + (rule ? rule.id : 'main-content') }, err.message));
      list.appendChild(li);
      if (!rule) return;
      var group = form.querySelector('[data-field="' + rule.name + '"]');
      group.classList.add('form-group-error');
      var msg = el('p', { class: 'error-message', id: rule.id + '-error' });
      msg.appendChild(el('span', { class: 'visually-hidden' }, 'Error:'));
      msg.appendChild(document.createTextNode(' ' + err.message));
      var before = document.getElementById(rule.id + '-hint') || group.querySelector('legend, label.label');
      if (before) before.after(msg); else group.prepend(msg);
      var fieldset = group.querySelector('fieldset');
      var input = document.getElementById(rule.id);
      describedBy(fieldset || input, rule.id + '-error', true);
      if (!fieldset && rule.type !== 'checkbox') input.classList.add(rule.type === 'textarea' ? 'textarea-error' : rule.type === 'select' ? 'select-error' : 'input-error');
    });
    var alert = el('div', { role: 'alert' });
    alert.appendChild(el('h2', { class: 'error-summary-title', id: 'error-summary-title' }, 'There is a problem'));
    alert.appendChild(list);
    var summary = el('div', { class: 'error-summary', tabindex: '-1', 'data-error-summary': '' });
    summary.appendChild(alert);
    var slot = document.querySelector('#main-content > .wrap') || document.getElementById('main-content');
    slot.prepend(summary);
    document.title = 'Error: ' + title;
    summary.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (sending) return;
    var errors = [];
    rules.forEach(function (rule) {
      var m = check(rule);
      if (m) errors.push({ field: rule.name, message: m });
    });
    if (errors.length) return show(errors);
    sending = true;
    fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (r.ok && r.body.ok) return location.assign(r.body.redirect || form.getAttribute('data-thanks'));
      sending = false;
      show(r.body.errors && r.body.errors.length ? r.body.errors : [{ field: '', message: r.body.message || 'Sorry, we could not send your request. Try again in a few minutes.' }]);
    }).catch(function () {
      sending = false;
      show([{ field: '', message: 'Sorry, we could not send your request. Check your connection and try again.' }]);
    });
  });
})();
