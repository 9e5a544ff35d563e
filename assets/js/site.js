// Progressive enhancement for every page; the site works without it.
(function () {
'use strict';

// words splits text into the words the finder and the search match: accents
// dropped, lower case, "&" read as "and", anything but letters and digits a
// space.
function words(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
}

// begins says whether every word of q begins one of the words.
function begins(q, ws) {
  return q.every(function (w) {
    return ws.some(function (n) { return n.lastIndexOf(w, 0) === 0; });
  });
}

// A link to a question (page#question-id) opens that question's answer.
(function () {
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === 'DETAILS') el.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();

// The packs index: the finder over the ICB lists (the lists, by region with
// anchors, are complete without it). Each ICB carries the words it is found
// by (data-search, "|"-separated: names, codes, places, former CCGs and
// ICBs, short names, councils, counties, towns). A query matches an ICB when
// every word of it begins a word of one of those, ignoring case, accents
// and punctuation ("&" reads as "and"). Regions with no match are hidden;
// with no match at all, the contact link fills in the form with what was
// typed (form.js, #fill?...), in the #fragment, which is never sent to a server.
(function () {
  var box = document.querySelector('[data-filter]');
  if (!box) return;
  var input = box.querySelector('input');
  var status = box.querySelector('[role="status"]');
  var none = box.querySelector('[data-nomatch]');
  var ask = box.querySelector('[data-ask]');
  var regions = Array.prototype.slice.call(document.querySelectorAll('[data-region]'));
  var entries = [];
  regions.forEach(function (region) {
    region.querySelectorAll('li[data-search]').forEach(function (li) {
      entries.push({ li: li, region: region, names: li.getAttribute('data-search').split('|').map(words) });
    });
  });
  function matches(entry, q) {
    return entry.names.some(function (name) { return begins(q, name); });
  }
  box.hidden = false;
  function apply() {
    var q = words(input.value);
    var shown = 0;
    var any = new Map();
    entries.forEach(function (e) {
      var hit = !q.length || matches(e, q);
      e.li.hidden = !hit;
      if (hit) { shown++; any.set(e.region, true); }
    });
    regions.forEach(function (region) { region.hidden = !any.get(region); });
    if (!q.length) status.textContent = '';
    else if (shown === 0) status.textContent = 'No ICB matches \u201c' + input.value.trim() + '\u201d.';
    else if (shown === 1) status.textContent = '1 ICB matches.';
    else status.textContent = shown + ' ICBs match: if your practice could be in more than one, check which with your ICB or ask us.';
    none.hidden = !(q.length && shown === 0);
    ask.href = '/contact/' + (q.length && shown === 0 ? '#fill?' + new URLSearchParams({ interest: 'starter-pack', message: 'I could not find my ICB\'s pack. I searched for: ' + input.value.trim() }) : '');
  }
  input.addEventListener('input', apply);
  apply();
})();

// The starter pack's documents, linked from content pages (data-pack-doc)
// and from search results, open in the pack of the ICB the visitor chose:
// the pack page they last looked at, remembered in this browser's
// localStorage and never sent anywhere. Without a choice (or storage) the
// links go to the finder. A remembered pack that is no longer published
// (areas lists those that are) is forgotten. pointPackLinks returns the
// chosen pack, or null.
var packKey = 'bcs-pack';
function packStore() {
  try { window.localStorage.getItem(packKey); return window.localStorage; } catch (e) { return null; }
}
function pointPackLinks(root, areas) {
  var store = packStore();
  if (!store) return null;
  var chosen;
  try { chosen = JSON.parse(store.getItem(packKey) || 'null'); } catch (e) { chosen = null; }
  if (!chosen || typeof chosen.url !== 'string' || areas.indexOf(chosen.url) < 0) {
    if (chosen) store.removeItem(packKey);
    return null;
  }
  root.querySelectorAll('a[data-pack-doc]').forEach(function (a) {
    a.href = chosen.url + a.getAttribute('data-pack-doc');
  });
  return chosen;
}
(function () {
  var here = document.querySelector('[data-pack-here]');
  var store = packStore();
  if (here && store) {
    try { store.setItem(packKey, JSON.stringify({ url: here.getAttribute('data-url'), name: here.getAttribute('data-name') })); } catch (e) { /* full or refused: links keep going to the finder */ }
  }
  document.querySelectorAll('[data-pack-links]').forEach(function (list) {
    var chosen = pointPackLinks(list, list.getAttribute('data-pack-areas').split(' '));
    var block = list.parentNode;
    var note = block.querySelector('[data-pack-chosen]');
    if (!chosen || !note) return;
    note.querySelector('[data-pack-name]').textContent = chosen.name;
    note.hidden = false;
    block.querySelector('[data-pack-none]').hidden = true;
  });
})();

// The search page: the index (search.json) is loaded when the box is first
// used, or at once for /search/?q=...; every word typed must begin a word of
// an entry's title, page or text. Titles count most. Results link to the
// section or question itself; the A to Z list below works without it.
(function () {
  var form = document.querySelector('[data-site-search]');
  if (!form || !window.fetch) return;
  var input = form.querySelector('input');
  var status = form.querySelector('[role="status"]');
  var list = form.querySelector('ol');
  var kinds = { page: 'Page', section: 'Section', question: 'Question', pack: 'Starter pack document' };
  var loading = null;
  var index = null;
  form.hidden = false;
  function load() {
    if (!loading) {
      loading = fetch(input.getAttribute('data-index')).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (data) {
        index = data.entries.map(function (e) {
          var title = words(e.t);
          return { e: e, title: title, all: title.concat(words((e.p || '') + ' ' + (e.x || ''))) };
        });
        index.areas = data.areas.split(' ');
        return index;
      });
      loading.catch(function () { status.textContent = 'The search could not load: browse the topics below.'; });
    }
    return loading;
  }
  function score(item, q) {
    if (!begins(q, item.all)) return 0;
    var n = 1;
    q.forEach(function (w) { if (item.title.some(function (t) { return t.lastIndexOf(w, 0) === 0; })) n += 3; });
    return n;
  }
  function show() {
    var text = input.value.trim();
    var q = words(text);
    list.textContent = '';
    if (!q.length) { status.textContent = ''; return; }
    var hits = index.map(function (item, i) { return { item: item, i: i, n: score(item, q) }; })
      .filter(function (h) { return h.n > 0; })
      .sort(function (a, b) { return b.n - a.n || a.i - b.i; });
    status.textContent = hits.length === 0 ? 'No results for \u201c' + text + '\u201d. Try fewer or shorter words, or browse the topics below.'
      : (hits.length === 1 ? '1 result' : hits.length + ' results') + ' for \u201c' + text + '\u201d' + (hits.length > 20 ? ': the first 20.' : '.');
    hits.slice(0, 20).forEach(function (h) {
      var e = h.item.e;
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = e.u;
      a.textContent = e.t;
      if (e.d) a.setAttribute('data-pack-doc', e.d);
      var where = document.createElement('span');
      where.className = 'hint';
      where.textContent = ' \u2014 ' + kinds[e.k] + (e.p ? ', ' + e.p : '');
      li.appendChild(a);
      li.appendChild(where);
      if (e.x) {
        var p = document.createElement('p');
        p.textContent = e.x;
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    pointPackLinks(list, index.areas);
  }
  function run() { load().then(show); }
  input.addEventListener('focus', load);
  input.addEventListener('input', run);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    history.replaceState(null, '', '?q=' + encodeURIComponent(input.value.trim()));
    run();
  });
  var q = new URLSearchParams(location.search).get('q');
  if (q) { input.value = q; run(); }
})();

})();
