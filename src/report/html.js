// formlint HTML report: filters and finding ↔ cell links. No network, no dependencies.
(function () {
  'use strict';
  var RANK = { error: 3, warning: 2, info: 1 };
  var items = Array.prototype.slice.call(document.querySelectorAll('li.finding'));
  var cells = Array.prototype.slice.call(document.querySelectorAll('td[data-f]'));
  var byId = {};
  items.forEach(function (li) { byId[li.id] = li; });

  function checked(kind) {
    var on = {};
    document.querySelectorAll('input[data-filter="' + kind + '"]').forEach(function (i) {
      if (i.checked) on[i.value] = true;
    });
    return on;
  }

  // Shows the findings that pass both filters, and highlights only their cells.
  function apply() {
    var sev = checked('severity'), code = checked('code'), shown = 0;
    var acc = !!checked('accepted').shown;
    items.forEach(function (li) {
      // accepted findings follow only their own toggle
      var vis = li.dataset.accepted ? acc : !!(sev[li.dataset.severity] && code[li.dataset.code]);
      li.hidden = !vis;
      if (vis) shown++;
    });
    cells.forEach(function (td) {
      var best = null, accepted = false, tips = [];
      td.dataset.f.split(' ').forEach(function (id) {
        var li = byId[id];
        if (!li || li.hidden) return;
        tips.push(li.dataset.tip);
        if (li.dataset.accepted) { accepted = true; return; }
        if (!best || RANK[li.dataset.severity] > RANK[best]) best = li.dataset.severity;
      });
      td.classList.remove('hl', 'acc', 'sev-error', 'sev-warning', 'sev-info');
      if (best) {
        td.classList.add('hl', 'sev-' + best);
        td.title = tips.join('\n');
      } else if (accepted) {
        td.classList.add('acc');
        td.title = tips.join('\n');
      } else {
        td.removeAttribute('title');
        td.classList.remove('focused', 'flash', 'related');
      }
    });
    document.querySelectorAll('section.file').forEach(function (sec) {
      var all = sec.querySelectorAll('li.finding').length;
      var vis = sec.querySelectorAll('li.finding:not([hidden])').length;
      var note = sec.querySelector('.all-hidden');
      if (note) note.hidden = !(all > 0 && vis === 0);
    });
    var out = document.getElementById('shown');
    if (out) out.textContent = '显示 ' + shown + ' / ' + items.length + ' 条';
  }

  function clearFocus() {
    document.querySelectorAll('.focused, .flash, .related, li.active').forEach(function (e) {
      e.classList.remove('focused', 'flash', 'related', 'active');
    });
  }

  // Scrolls to a finding's cell and makes it flash; outlines its related cells.
  function focus(li) {
    clearFocus();
    li.classList.add('active');
    var td = li.dataset.cell && document.getElementById(li.dataset.cell);
    if (!td) return;
    (li.dataset.related || '').split(' ').forEach(function (id) {
      var r = id && document.getElementById(id);
      if (r) r.classList.add('related');
    });
    void td.offsetWidth; // restart the animation
    td.classList.add('focused', 'flash');
    td.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
  }

  items.forEach(function (li) {
    if (!li.dataset.cell) return;
    li.addEventListener('click', function () { focus(li); });
    li.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); focus(li); }
    });
  });

  // A highlighted cell leads back to its first shown finding in the list.
  cells.forEach(function (td) {
    td.addEventListener('click', function () {
      var ids = td.dataset.f.split(' ');
      for (var i = 0; i < ids.length; i++) {
        var li = byId[ids[i]];
        if (li && !li.hidden) {
          clearFocus();
          li.classList.add('active');
          td.classList.add('focused');
          li.scrollIntoView({ block: 'nearest' });
          return;
        }
      }
    });
  });

  document.querySelectorAll('input[data-filter]').forEach(function (i) {
    i.addEventListener('change', apply);
  });
  document.querySelectorAll('button[data-codes]').forEach(function (b) {
    b.addEventListener('click', function () {
      var on = b.dataset.codes === 'all';
      document.querySelectorAll('input[data-filter="code"]').forEach(function (i) { i.checked = on; });
      apply();
    });
  });
  apply();
})();
