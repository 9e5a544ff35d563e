// Progressive enhancement for every page; the site works without it.
// A link to a question (page#question-id) opens that question's answer.
(function () {
  'use strict';
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
  'use strict';
  var box = document.querySelector('[data-filter]');
  if (!box) return;
  var input = box.querySelector('input');
  var status = box.querySelector('[role="status"]');
  var none = box.querySelector('[data-nomatch]');
  var ask = box.querySelector('[data-ask]');
  var regions = Array.prototype.slice.call(document.querySelectorAll('[data-region]'));
  function words(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  }
  var entries = [];
  regions.forEach(function (region) {
    region.querySelectorAll('li[data-search]').forEach(function (li) {
      entries.push({ li: li, region: region, names: li.getAttribute('data-search').split('|').map(words) });
    });
  });
  function matches(entry, q) {
    return entry.names.some(function (name) {
      return q.every(function (w) {
        return name.some(function (n) { return n.lastIndexOf(w, 0) === 0; });
      });
    });
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

// The starter pack's documents, linked from content pages (data-pack-doc),
// open in the pack of the ICB the visitor chose: the pack page they last
// looked at, remembered in this browser's localStorage and never sent
// anywhere. Without a choice (or storage) the links go to the finder. A
// remembered pack that is no longer published (data-pack-areas lists those
// that are) is forgotten.
(function () {
  'use strict';
  var key = 'bcs-pack';
  var store;
  try { store = window.localStorage; store.getItem(key); } catch (e) { return; }
  var here = document.querySelector('[data-pack-here]');
  if (here) {
    try { store.setItem(key, JSON.stringify({ url: here.getAttribute('data-url'), name: here.getAttribute('data-name') })); } catch (e) { /* full or refused: links keep going to the finder */ }
  }
  var lists = document.querySelectorAll('[data-pack-links]');
  if (!lists.length) return;
  var chosen;
  try { chosen = JSON.parse(store.getItem(key) || 'null'); } catch (e) { chosen = null; }
  Array.prototype.forEach.call(lists, function (list) {
    var areas = list.getAttribute('data-pack-areas').split(' ');
    if (!chosen || typeof chosen.url !== 'string' || areas.indexOf(chosen.url) < 0) {
      if (chosen) store.removeItem(key);
      return;
    }
    list.querySelectorAll('a[data-pack-doc]').forEach(function (a) {
      a.href = chosen.url + a.getAttribute('data-pack-doc');
    });
    var block = list.parentNode;
    var note = block.querySelector('[data-pack-chosen]');
    note.querySelector('[data-pack-name]').textContent = chosen.name;
    note.hidden = false;
    block.querySelector('[data-pack-none]').hidden = true;
  });
})();
