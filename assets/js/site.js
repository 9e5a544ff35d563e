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

// The packs index: a filter box over the ICB lists (the lists are complete
// without it). It matches ICB name, ODS code and region, hides regions with
// no match, and says how many ICBs are shown.
(function () {
  'use strict';
  var box = document.querySelector('[data-filter]');
  if (!box) return;
  var input = box.querySelector('input');
  var status = box.querySelector('[role="status"]');
  var regions = Array.prototype.slice.call(document.querySelectorAll('[data-region]'));
  box.hidden = false;
  function norm(s) { return s.toLowerCase().replace(/\s+/g, ' ').trim(); }
  function apply() {
    var q = norm(input.value);
    var shown = 0;
    regions.forEach(function (region) {
      var name = norm(region.querySelector('h3').textContent);
      var any = false;
      region.querySelectorAll('li[data-search]').forEach(function (li) {
        var hit = !q || name.indexOf(q) >= 0 || norm(li.getAttribute('data-search')).indexOf(q) >= 0;
        li.hidden = !hit;
        if (hit) { any = true; shown++; }
      });
      region.hidden = !any;
    });
    status.textContent = q ? (shown === 1 ? '1 ICB matches' : shown + ' ICBs match') : '';
  }
  input.addEventListener('input', apply);
  apply();
})();
