// Live reload for `bcs serve` (injected only in preview). It listens to the
// server's build events: a page that changed reloads (keeping its scroll
// position), a stylesheet is swapped in place, and a failed build shows an
// overlay naming the file and line until a good build replaces it.
(function () {
  'use strict';
  var me = document.currentScript;
  var version = Number(me && me.getAttribute('data-version')) || 0;
  var key = 'bcs-scroll:' + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener('load', function () { window.scrollTo(0, Number(saved)); });
  }

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  function overlay(errors) {
    var box = document.getElementById('bcs-overlay');
    if (!errors) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement('div');
      box.id = 'bcs-overlay';
      box.setAttribute('role', 'alert');
      document.body.appendChild(box);
    }
    box.textContent = '';
    var h = document.createElement('p');
    h.className = 'bcs-overlay-title';
    h.textContent = 'Build failed: the preview shows the last good build. Fix this and save:';
    box.appendChild(h);
    var pre = document.createElement('pre');
    pre.textContent = errors.join('\n');
    box.appendChild(pre);
  }

  function swapStyles() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      if (url.origin !== location.origin || url.pathname.indexOf('/_bcs/') === 0) return;
      url.searchParams.set('v', String(Date.now()));
      var next = link.cloneNode();
      next.href = url.toString();
      next.addEventListener('load', function () { link.remove(); });
      link.after(next);
    });
  }

  var es = new EventSource('/_bcs/events');
  es.addEventListener('ready', function (e) {
    var d = JSON.parse(e.data);
    overlay(null);
    if (version && d.version !== version) reload(); // built while we were away
  });
  es.addEventListener('builderror', function (e) {
    overlay(JSON.parse(e.data).errors);
  });
  es.addEventListener('change', function (e) {
    var d = JSON.parse(e.data);
    overlay(null);
    version = d.version;
    if (d.all || d.pages.indexOf(location.pathname) >= 0) return reload();
    if (d.css) swapStyles();
  });
})();
