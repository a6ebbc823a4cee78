// formlint's page: the checker (files in, the HTML report out) and the rule workbench, on top of
// window.formlint (formlint.js). Form contents only ever reach the page as text nodes or inside
// the sandboxed report frame, never as markup.
(function () {
  'use strict';
  var fl = window.formlint;
  var $ = function (id) { return document.getElementById(id); };
  var CHECKABLE = /\.(xlsx|xlsm|xltx|xltm|xls|xlt|xlsb|ods|ots|et|ett|csv|ya?ml|json)$/i;
  var state = {
    forms: [], // [{name, bytes}] in the order checked
    config: null, // {name, text} of a formlint.toml among them
    customPack: null, // {label, arg}
    batch: null,
    packs: [],
    bench: null, // {prefix, files: {name: {text, content}}, current, baseline, findings}
  };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function download(name, data, type) {
    var blob = data instanceof Blob ? data : new Blob([data], { type: type || 'application/octet-stream' });
    var a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function showError(box, msg) {
    box.textContent = msg;
    box.hidden = !msg;
  }

  // ---- tabs -------------------------------------------------------------------------------
  var tabs = ['check', 'bench', 'help'];
  function selectTab(name, focus) {
    tabs.forEach(function (t) {
      var on = t === name;
      $('tab-' + t).setAttribute('aria-selected', String(on));
      $('tab-' + t).tabIndex = on ? 0 : -1;
      $('panel-' + t).hidden = !on;
    });
    if (focus) $('tab-' + name).focus();
  }
  tabs.forEach(function (t, i) {
    var b = $('tab-' + t);
    b.addEventListener('click', function () { selectTab(t); });
    b.addEventListener('keydown', function (ev) {
      var d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (d) { ev.preventDefault(); selectTab(tabs[(i + d + tabs.length) % tabs.length], true); }
    });
  });

  // ---- collecting files ---------------------------------------------------------------------
  function readAll(list) { // [{name, file}] → [{name, bytes}]
    return Promise.all(list.map(function (x) {
      return x.file.arrayBuffer().then(function (b) { return { name: x.name, bytes: new Uint8Array(b), inFolder: x.inFolder }; });
    }));
  }

  // The order formlint check uses: path by path, each folder's entries by name.
  function byPath(a, b) {
    var x = a.name.split('/'), y = b.name.split('/');
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) {
        if (i === x.length - 1 && i < y.length - 1) return x[i] < y[i] ? -1 : 1;
        return x[i] < y[i] ? -1 : 1;
      }
    }
    return x.length - y.length;
  }

  // Picked or dropped entries → forms to check and a formlint.toml. In a folder, only checkable
  // files count (not ~$ lock files or hidden ones), as in `formlint check DIR`; a file picked on
  // its own is always checked (an unsupported one gets its X001).
  function intake(entries) {
    var forms = [], config = null, folders = {};
    entries.forEach(function (x) {
      var base = x.name.split('/').pop();
      if (x.inFolder) folders[x.name.split('/')[0]] = folders[x.name.split('/')[0]] || 0;
      if (/^formlint\.toml$/i.test(base)) {
        if (!config || config.name.split('/').length > x.name.split('/').length) config = x;
        // listed among the skipped files of the folder, as `formlint check DIR` does
        if (x.inFolder) forms.push(x);
        return;
      }
      // the engine says which folder files `formlint check DIR` skips (and lists them)
      if (x.inFolder && !(base.slice(0, 2) === '~$' || base[0] === '.' || !CHECKABLE.test(base))) {
        folders[x.name.split('/')[0]]++;
      }
      forms.push(x);
    });
    var empty = Object.keys(folders).filter(function (f) { return folders[f] === 0; });
    forms.sort(byPath);
    return { forms: forms, config: config, emptyFolders: empty };
  }

  function fromInput(input) {
    return Array.prototype.map.call(input.files, function (f) {
      return { name: f.webkitRelativePath || f.name, file: f, inFolder: !!f.webkitRelativePath };
    });
  }

  function walkEntry(entry, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) {
          out.push({ name: entry.fullPath.replace(/^\//, ''), file: f, inFolder: entry.fullPath.split('/').length > 2 });
          resolve();
        }, function () { resolve(); });
      } else if (entry.isDirectory) {
        var reader = entry.createReader(), all = [];
        var more = function () {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              Promise.all(all.map(function (e) { return walkEntry(e, out); })).then(resolve);
              return;
            }
            all = all.concat(Array.prototype.slice.call(batch));
            more();
          }, function () { resolve(); });
        };
        more();
      } else resolve();
    });
  }

  function fromDrop(dt) {
    var out = [];
    var items = Array.prototype.slice.call(dt.items || []);
    var entries = items.map(function (i) { return i.webkitGetAsEntry && i.webkitGetAsEntry(); }).filter(Boolean);
    if (!entries.length) {
      return Promise.resolve(Array.prototype.map.call(dt.files, function (f) { return { name: f.name, file: f, inFolder: false }; }));
    }
    return Promise.all(entries.map(function (e) { return walkEntry(e, out); })).then(function () { return out; });
  }

  function takeFiles(entries) {
    var got = intake(entries);
    var err = $('check-error');
    if (!got.forms.length) {
      showError(err, got.emptyFolders.length
        ? 'X008 没有可检查的文件：文件夹 ' + got.emptyFolders.join('、') + ' 中没有可检查的表单文件（.xlsx .xls .ods .csv .yaml .json 等）。'
        : '没有选择可检查的文件。');
      return Promise.resolve();
    }
    showError(err, '');
    return Promise.all([readAll(got.forms), got.config ? got.config.file.text() : Promise.resolve(null)]).then(function (r) {
      state.forms = r[0];
      state.config = got.config ? { name: got.config.name, text: r[1] } : null;
      state.emptyFolders = got.emptyFolders;
      syncBenchForms();
      return runCheck();
    });
  }

  // ---- packs ----------------------------------------------------------------------------------
  function packOptions() {
    var v = $('pack-select').value, o = {};
    if (v.indexOf('builtin:') === 0) o.pack = v.slice(8);
    else if (v === 'custom' && state.customPack) o.pack = state.customPack.arg;
    else if (v === 'workbench') o.pack = 'workbench';
    var y = $('year').value.trim();
    if (y && !o.pack) o.year = Number(y);
    if (state.config) { o.config = state.config.text; o.configName = state.config.name; }
    return o;
  }

  function addPackOption(value, label) {
    var sel = $('pack-select');
    var opt = Array.prototype.find.call(sel.options, function (o) { return o.value === value; });
    if (!opt) { opt = el('option', { value: value }); sel.appendChild(opt); }
    opt.textContent = label;
    sel.value = value;
  }

  function loadCustomPack(arg, label) {
    return fl.checkPack(arg.zip ? arg : arg.files).then(function (r) {
      var note = $('pack-note');
      var listed = function () {
        return r.diagnostics.map(function (d) {
          return (d.file || '') + (d.line ? ':' + d.line : '') + ' ' + d.message;
        }).join('；');
      };
      if (!r.loads) {
        note.textContent = '规则包有 ' + r.errors + ' 处错误，无法使用：' + listed();
        note.className = 'hint bad';
        return;
      }
      // a pack whose invariants fail still checks, as `formlint check` does, with the warning
      note.textContent = '已加载规则包 ' + r.name + ' ' + r.version + '（' + r.rules + ' 条规则），可在“使用”中选择'
        + (r.ok ? '' : '。注意：' + listed());
      note.className = r.ok ? 'hint' : 'hint bad';
      state.customPack = { label: label, arg: arg };
      addPackOption('custom', '已加载：' + r.name + ' ' + r.version + '（' + label + '）');
      if (state.forms.length) runCheck();
    });
  }

  function packArgFromInput(input) {
    var list = Array.prototype.slice.call(input.files);
    return Promise.all(list.map(function (f) {
      return f.arrayBuffer().then(function (b) { return { name: f.webkitRelativePath || f.name, bytes: new Uint8Array(b) }; });
    })).then(function (files) { return { files: files }; });
  }

  function zipArgFromInput(input) {
    var f = input.files[0];
    return f.arrayBuffer().then(function (b) { return { zip: new Uint8Array(b), name: f.name }; });
  }

  // ---- checking -----------------------------------------------------------------------------
  var UNREADABLE = { X001: 1, X002: 1, X004: 1, X005: 1, X008: 1, X015: 1 };

  function runCheck() {
    if (!state.forms.length) return Promise.resolve();
    var bar = $('progress-bar'), text = $('progress-text');
    $('progress').hidden = false;
    bar.max = state.forms.length;
    bar.value = 0;
    text.textContent = '正在检查 0 / ' + state.forms.length + ' …';
    document.body.classList.add('busy');
    var files = state.forms.map(function (f) { return { name: f.name, bytes: f.bytes, inFolder: f.inFolder }; });
    return fl._call('batch', { files: files, options: packOptions() }, function (p) {
      bar.value = p.done;
      text.textContent = '正在检查 ' + p.done + ' / ' + p.total + '：' + p.file;
    }).then(function (r) {
      state.batch = r;
      document.body.dataset.batchMs = String(r.ms); // the worker's time for the batch (benchmarks)
      text.textContent = '已检查 ' + r.files.length + ' 个文件，用时 ' + (r.ms / 1000).toFixed(1) + ' 秒';
      // the reports are rendered now, so a download is immediate (within the click)
      return Promise.all(['html', 'json', 'csv'].map(function (f) { return fl._call('report', { format: f }); })).then(function (t) {
        state.reports = { html: t[0], json: t[1], csv: t[2] };
        state.annotated = null;
        showResult(r, t[0]);
        return fl._call('annotateBatch', {}).then(function (copies) {
          if (state.batch !== r) return;
          state.annotated = copies;
          Array.prototype.forEach.call(document.querySelectorAll('button[data-annotate]'), function (b) {
            var ok = !!copies[Number(b.dataset.annotate)];
            b.disabled = !ok;
            b.textContent = ok ? '下载' : '无法生成';
          });
        });
      });
    }).catch(function (e) {
      showError($('check-error'), '检查失败：' + e.message);
    }).then(function () {
      document.body.classList.remove('busy');
    });
  }

  function showResult(r, html) {
    var t = { files: 0, forms: 0, errors: 0, warnings: 0, info: 0 };
    r.files.forEach(function (f) {
      t.files++; t.forms += f.forms;
      t.errors += f.summary.errors; t.warnings += f.summary.warnings; t.info += f.summary.info;
    });
    var pack = r.pack;
    $('summary').textContent = '检查了 ' + t.files + ' 个文件、' + t.forms + ' 张表：' +
      (t.errors + t.warnings + t.info === 0 ? '未发现问题' : t.errors + ' 个错误，' + t.warnings + ' 个警告，' + t.info + ' 条提示') +
      ' · 规则包 ' + pack.name + ' ' + pack.version + (pack.by_year ? '（按表中年度选择）' : '') +
      (state.config ? ' · 使用 ' + state.config.name : '');
    // files that could not be read, with the engine's own codes
    var bad = [];
    r.files.forEach(function (f) {
      f.findings.forEach(function (x) { if (UNREADABLE[x.code]) bad.push({ file: f.name, f: x }); });
    });
    var box = $('unreadable');
    box.textContent = '';
    if (bad.length) {
      box.appendChild(el('p', { text: bad.length + ' 个文件无法检查：' }));
      var ul = el('ul');
      bad.forEach(function (b) {
        ul.appendChild(el('li', {}, [el('b', { text: b.file }), ' — ', el('code', { text: b.f.code }), ' ' + b.f.title + '：' + b.f.message]));
      });
      box.appendChild(ul);
    }
    box.hidden = !bad.length;
    var body = $('files-body');
    body.textContent = '';
    r.files.forEach(function (f, i) {
      var xlsx = /\.xls[xm]$/i.test(f.name) && f.findings.length && !f.findings.some(function (x) { return x.code === 'X001' || x.code === 'X002'; });
      var cell = el('td');
      if (xlsx) {
        cell.appendChild(el('button', { type: 'button', class: 'small', 'data-annotate': String(i), disabled: '', text: '准备中…', 'aria-label': '下载 ' + f.name + ' 的批注工作簿', onclick: function () { annotate(i); } }));
      } else cell.textContent = '—';
      body.appendChild(el('tr', {}, [el('td', { text: f.name }), el('td', { text: String(f.forms) }),
        el('td', { text: String(f.summary.errors) }), el('td', { text: String(f.summary.warnings) }),
        el('td', { text: String(f.summary.info) }), cell]));
    });
    $('files-count').textContent = '（' + r.files.length + '）';
    $('files-box').open = r.files.length <= 12;
    $('report-frame').srcdoc = html;
    $('result').hidden = false;
  }

  // Annotated copies are made right after the check, so the download happens within the click.
  function annotate(i) {
    var f = state.batch.files[i], bytes = state.annotated && state.annotated[i];
    if (!bytes) return;
    var base = f.name.split('/').pop();
    download(base.replace(/(\.xls[xm])$/i, '.批注$1'), bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }

  function downloadReport(format, name, type) {
    var text = state.reports && state.reports[format];
    if (text === undefined) return;
    download(name, new Blob([format === 'csv' ? '\ufeff' + text : text], { type: type }));
  }

  // ---- the rule workbench ---------------------------------------------------------------------
  function syncBenchForms() {
    if (!state.bench) return Promise.resolve();
    return fl._call('benchForms', { files: state.forms }).then(function (r) {
      state.bench.baseline = r.findings;
      state.bench.findings = r.findings;
      showDelta();
    });
  }

  function openBench(args) {
    $('bench-pack').textContent = '正在打开…';
    return fl._call('benchOpen', args).then(function (r) {
      var files = {};
      r.pack.files.forEach(function (f) { files[f.name] = f; });
      state.bench = { prefix: r.pack.prefix, files: files, current: null, baseline: null, findings: null, check: r.check };
      $('bench-pack').textContent = '规则包 ' + (r.check.name || r.pack.prefix) + (r.check.version ? ' ' + r.check.version : '') +
        '（' + r.pack.files.length + ' 个文件，显示为 ' + r.pack.prefix + '）' + (args.builtin ? '：内置规则包的可编辑副本' : '');
      $('bench').hidden = false;
      ['bench-test', 'bench-use', 'bench-zip'].forEach(function (id) { $(id).disabled = false; });
      listBenchFiles();
      var first = Object.keys(files).find(function (n) { return /\.rules$/.test(n); }) || 'pack.yaml';
      selectBenchFile(first);
      showDiags(r.check);
      return syncBenchForms();
    }).catch(function (e) {
      $('bench-pack').textContent = '无法打开规则包：' + e.message;
    });
  }

  function listBenchFiles() {
    var ul = $('bench-files');
    ul.textContent = '';
    Object.keys(state.bench.files).forEach(function (n) {
      var f = state.bench.files[n];
      var b = el('button', { type: 'button', text: n, 'data-file': n, class: 'file' });
      if (!f.text) { b.disabled = true; b.title = '二进制文件（' + f.size + ' 字节）'; } else b.addEventListener('click', function () { selectBenchFile(n); });
      ul.appendChild(el('li', {}, [b]));
    });
  }

  function selectBenchFile(name) {
    var f = state.bench.files[name];
    if (!f || !f.text) return;
    state.bench.current = name;
    $('editor-name').textContent = state.bench.prefix + name;
    $('editor-text').value = f.content;
    Array.prototype.forEach.call($('bench-files').querySelectorAll('button'), function (b) {
      b.setAttribute('aria-current', String(b.dataset.file === name));
    });
    paintGutter();
  }

  var editTimer = null, editSeq = 0;
  function onEdit() {
    var b = state.bench;
    if (!b || !b.current) return;
    b.files[b.current].content = $('editor-text').value;
    paintGutter();
    $('editor-state').textContent = '正在检查…';
    clearTimeout(editTimer);
    editTimer = setTimeout(function () {
      var seq = ++editSeq, name = b.current;
      fl._call('benchEdit', { name: name, text: b.files[name].content }).then(function (r) {
        if (seq !== editSeq) return;
        b.check = r.check;
        if (r.findings) b.findings = r.findings;
        showDiags(r.check);
        showDelta();
        window.__benchChecks = (window.__benchChecks || 0) + 1; // for tests: an edit's check is shown
      }).catch(function (e) { $('editor-state').textContent = '出错：' + e.message; });
    }, 250);
  }

  function diagsHere() {
    var b = state.bench;
    return (b.check.diagnostics || []).filter(function (d) { return d.file === b.prefix + b.current && d.line; });
  }

  function paintGutter() {
    var b = state.bench, g = $('gutter');
    var lines = $('editor-text').value.split('\n').length;
    var marks = {};
    if (b && b.check) diagsHere().forEach(function (d) { marks[d.line] = marks[d.line] || d; });
    g.textContent = '';
    for (var i = 1; i <= lines; i++) {
      var d = marks[i];
      g.appendChild(d ? el('span', { class: 'mark ' + d.severity, title: d.message, 'data-line': String(i), text: String(i) }) : document.createTextNode(String(i)));
      g.appendChild(document.createTextNode('\n'));
    }
    g.scrollTop = $('editor-text').scrollTop;
  }

  // The UTF-16 offset of a 1-based line and character column in the editor's text.
  function offsetOf(text, line, column) {
    var lines = text.split('\n'), off = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
    var chars = Array.from(lines[line - 1] || '').slice(0, column - 1).join('');
    return off + chars.length;
  }

  function showDiags(check) {
    var b = state.bench, ul = $('diags');
    ul.textContent = '';
    var ds = check.diagnostics || [];
    var errors = ds.filter(function (d) { return d.severity === 'error'; }).length;
    $('diag-count').textContent = check.ok ? '（通过，' + check.rules + ' 条规则' + (ds.length ? '，' + ds.length + ' 个警告' : '') + '）' : '（' + errors + ' 处错误）';
    $('editor-state').textContent = check.ok ? '规则包检查通过' : '规则包有错误';
    $('editor-state').className = check.ok ? 'hint ok' : 'hint bad';
    ds.forEach(function (d) {
      // the place as the command line prints it (file:line:column, the column in UTF-8 bytes)
      var where = (d.line ? '第 ' + d.line + ' 行第 ' + d.column + ' 字 · ' : '') + (d.file || '') +
        (d.line ? ':' + d.line + ':' + d.cli_column : '');
      var li = el('li', { class: 'diag ' + d.severity, 'data-line': d.line ? String(d.line) : '', 'data-file': d.file || '' }, [
        el('span', { class: 'where', text: where }), ' ',
        el('b', { text: (d.severity === 'error' ? '错误' : d.severity === 'warning' ? '警告' : '提示') + '：' + d.message }),
        d.label ? el('span', { class: 'label', text: '（' + d.label + '）' }) : null,
        d.help ? el('div', { class: 'help', text: '建议：' + d.help }) : null,
      ]);
      if (d.line && d.file && d.file.indexOf(b.prefix) === 0) {
        var name = d.file.slice(b.prefix.length);
        li.tabIndex = 0;
        var go = function () {
          if (b.current !== name) selectBenchFile(name);
          var ta = $('editor-text');
          var s = offsetOf(ta.value, d.line, d.column), e = d.end_line ? offsetOf(ta.value, d.end_line, d.end_column) : s;
          ta.focus();
          ta.setSelectionRange(s, Math.max(s, e));
        };
        li.addEventListener('click', go);
        li.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') go(); });
      }
      ul.appendChild(li);
    });
    if (!ds.length) ul.appendChild(el('li', { class: 'none', text: check.ok ? '没有问题。' : '' }));
    paintGutter();
  }

  function key(f) { return [f.file, f.sheet, f.cell, f.path, f.code, f.message].join('\u0001'); }
  function minus(a, b) { // findings in a but not in b, as multisets
    var n = {};
    b.forEach(function (f) { n[key(f)] = (n[key(f)] || 0) + 1; });
    return a.filter(function (f) { var k = key(f); if (n[k]) { n[k]--; return false; } return true; });
  }

  function showDelta() {
    var b = state.bench;
    var note = $('delta-note');
    if (!state.forms.length) { note.hidden = false; return; }
    note.hidden = true;
    var fill = function (id, list) {
      var ul = $(id);
      ul.textContent = '';
      list.forEach(function (f) {
        ul.appendChild(el('li', { 'data-code': f.code }, [el('code', { text: f.code }), ' ',
          el('span', { class: 'where', text: f.file.split('/').pop() + (f.sheet ? ' · ' + f.sheet : '') + (f.cell ? '!' + f.cell : '') }), ' ' + f.message]));
      });
      $(id + '-count').textContent = String(list.length);
    };
    if (!b.baseline || !b.findings) { fill('added', []); fill('removed', []); return; }
    if (b.check && !b.check.loads) {
      note.hidden = false;
      note.textContent = '规则包有错误：改正后重新检查；下面是上次通过检查时的结果。';
    } else if (b.check && !b.check.ok) {
      note.hidden = false;
      note.textContent = '规则包的不变式不成立（见上方错误），得分不可信；与打开规则包时相比：';
    } else {
      note.textContent = '与打开规则包时相比：';
      note.hidden = false;
    }
    fill('added', minus(b.findings, b.baseline));
    fill('removed', minus(b.baseline, b.findings));
  }

  // ---- start ------------------------------------------------------------------------------------
  var t0 = performance.now();
  fl.ready().then(function () {
    var ms = Math.round(performance.now() - t0);
    window.formlintReadyMs = performance.now();
    $('engine-status').textContent = '检查引擎已就绪（formlint ' + fl.version + '，' + ms + ' 毫秒）';
    document.body.dataset.ready = 'true';
    state.packs = fl.builtinPacks;
    state.packs.forEach(function (p) {
      var label = p.name + ' ' + p.version + (p.title ? '：' + p.title : '') + (p.fiscal_years.length ? '（' + p.fiscal_years.join('、') + ' 年度）' : '');
      $('pack-select').appendChild(el('option', { value: 'builtin:' + p.name, text: label }));
      $('bench-builtin').appendChild(el('option', { value: p.name, text: label }));
    });
  }, function (e) {
    $('engine-status').textContent = '检查引擎加载失败：' + e.message;
    $('engine-status').className = 'status bad';
  });

  $('pick-files').addEventListener('change', function (ev) { takeFiles(fromInput(ev.target)); ev.target.value = ''; });
  $('pick-folder').addEventListener('change', function (ev) { takeFiles(fromInput(ev.target)); ev.target.value = ''; });
  var drop = $('drop');
  ['dragenter', 'dragover'].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add('over'); });
  });
  drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    drop.classList.remove('over');
    fromDrop(ev.dataTransfer).then(takeFiles);
  });
  drop.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); $('pick-files').click(); }
  });
  $('pack-select').addEventListener('change', function () { if (state.forms.length) runCheck(); });
  $('year').addEventListener('change', function () { if (state.forms.length) runCheck(); });
  $('pick-pack-folder').addEventListener('change', function (ev) {
    var input = ev.target, label = (input.files[0] && input.files[0].webkitRelativePath.split('/')[0]) || '文件夹';
    packArgFromInput(input).then(function (arg) { input.value = ''; return loadCustomPack(arg, label); });
  });
  $('pick-pack-zip').addEventListener('change', function (ev) {
    var input = ev.target, label = input.files[0] ? input.files[0].name : 'zip';
    zipArgFromInput(input).then(function (arg) { input.value = ''; return loadCustomPack(arg, label); });
  });
  $('dl-json').addEventListener('click', function () { downloadReport('json', 'formlint-report.json', 'application/json'); });
  $('dl-csv').addEventListener('click', function () { downloadReport('csv', 'formlint-report.csv', 'text/csv;charset=utf-8'); });
  $('dl-html').addEventListener('click', function () { downloadReport('html', 'formlint-report.html', 'text/html'); });

  $('bench-open-builtin').addEventListener('click', function () { openBench({ builtin: $('bench-builtin').value }); });
  $('bench-pick-folder').addEventListener('change', function (ev) {
    var input = ev.target;
    packArgFromInput(input).then(function (arg) { input.value = ''; return openBench({ source: arg }); });
  });
  $('bench-pick-zip').addEventListener('change', function (ev) {
    var input = ev.target;
    zipArgFromInput(input).then(function (arg) { input.value = ''; return openBench({ source: arg }); });
  });
  $('editor-text').addEventListener('input', onEdit);
  $('editor-text').addEventListener('scroll', function () { $('gutter').scrollTop = $('editor-text').scrollTop; });
  $('bench-test').addEventListener('click', function () {
    $('tests-summary').textContent = '正在运行规则测试…';
    fl._call('benchTest', {}).then(function (r) {
      $('tests-summary').textContent = r.ok ? '全部通过：' + r.passed + ' 个通过' + (r.skipped ? '，' + r.skipped + ' 个跳过' : '')
        : r.failed + ' 个失败，' + r.passed + ' 个通过' + (r.skipped ? '，' + r.skipped + ' 个跳过' : '');
      $('tests-summary').className = r.ok ? 'hint ok' : 'hint bad';
      $('tests-out').textContent = r.text;
      $('tests-out').hidden = false;
    }).catch(function (e) { $('tests-summary').textContent = '无法运行规则测试：' + e.message; });
  });
  $('bench-zip').addEventListener('click', function () {
    var folder = state.bench.prefix.replace(/\/$/, '').split('/').pop() || 'pack';
    fl._call('benchZip', { folder: folder }).then(function (bytes) { download(folder + '.zip', bytes, 'application/zip'); });
  });
  $('bench-use').addEventListener('click', function () {
    addPackOption('workbench', '规则工作台中的规则包（' + state.bench.prefix.replace(/\/$/, '') + '）');
    selectTab('check', true);
    if (state.forms.length) runCheck();
  });
})();
