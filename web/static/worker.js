// formlint's Web Worker: runs the engine (WebAssembly) off the page's main thread. web/build.sh
// puts wasm-bindgen's `no-modules` glue (which defines `wasm_bindgen`) before this file and
// embeds both as one string in formlint-engine.js; formlint.js starts the worker from a blob of
// that string (a page opened from file:// may neither fetch the .wasm nor start a worker from a
// file), then posts the module's bytes in base64. Messages: {id, op, args} in; {id, ok, result}
// or {id, ok: false, error} out, and {id, progress} while a batch runs.
/* global wasm_bindgen */
'use strict';

var W = null; // the wasm-bindgen exports, once initialised
var sessions = {}; // key → Engine (built-in pack choices are kept; loaded packs are per call)
var uiEngine = null; // the checker page's session (its files are kept for the reports)
var uiFiles = [], uiFindings = []; // that session's files and their findings
var bench = null; // the rule workbench's pack (PackFiles)
var benchForms = []; // the forms the workbench re-checks: {name, bytes}

function b64bytes(s) {
  var bin = atob(s);
  var out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function u8(x) {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  if (typeof x === 'string') return new TextEncoder().encode(x);
  if (Array.isArray(x)) return Uint8Array.from(x);
  throw new Error('需要 Uint8Array 或 ArrayBuffer (bytes expected)');
}

// Pack files given as [{name, bytes|text}] or {name: bytes|text}: the folder holding the
// shallowest pack.yaml is the pack's root, shown as "<folder>/".
function packFromFiles(files, prefix) {
  var list = Array.isArray(files)
    ? files.map(function (f) { return { name: f.name || f.path, data: f.bytes !== undefined ? f.bytes : f.text !== undefined ? f.text : f.data }; })
    : Object.keys(files).map(function (k) { return { name: k, data: files[k] }; });
  list.forEach(function (f) { f.name = String(f.name).replace(/\\/g, '/').replace(/^\.\//, ''); });
  var manifests = list.filter(function (f) { return f.name === 'pack.yaml' || /\/pack\.yaml$/.test(f.name); })
    .map(function (f) { return f.name; })
    .sort(function (a, b) { return a.split('/').length - b.split('/').length; });
  var root = manifests.length ? manifests[0].slice(0, -'pack.yaml'.length) : '';
  var shown = prefix || (root ? root : 'pack/');
  var p = new W.PackFiles(shown);
  list.forEach(function (f) {
    if (root && f.name.indexOf(root) !== 0) return;
    p.set(f.name.slice(root.length), u8(f.data));
  });
  return p;
}

function packOf(spec) {
  if (spec && spec.zip) return W.PackFiles.from_zip(u8(spec.zip), spec.name || 'pack.zip');
  if (spec && spec.files) return packFromFiles(spec.files, spec.prefix);
  if (Array.isArray(spec)) return packFromFiles(spec);
  if (spec && typeof spec === 'object') return packFromFiles(spec);
  throw new Error('无法识别的规则包 (pack: a built-in name, {files}, or {zip})');
}

// A formlint.toml's `rules = "NAME"` picks the pack when none is given (as on the command line,
// where --rules wins over it and it wins over --year). A folder named there is not looked for.
function configPack(o) {
  if (o.pack || !o.config) return o;
  var named = W.Engine.config_rules(o.config);
  if (!named) return o;
  return Object.assign({}, o, { pack: named });
}

// An Engine for check options {pack, year, config}; `fresh` when its files must not be kept.
function engineFor(o) {
  o = configPack(o || {});
  var pack = o.pack;
  var e;
  if (pack === undefined || pack === null || pack === '' || typeof pack === 'string') {
    var key = (pack || '') + '|' + (o.year || '');
    e = sessions[key];
    if (!e) {
      e = new W.Engine(pack || undefined, o.year ? Number(o.year) : undefined);
      sessions[key] = e;
    }
    e.clear();
    e.set_config(undefined, undefined);
  } else {
    var p = packOf(pack);
    try { e = W.Engine.with_pack(p); } finally { p.free(); }
  }
  if (o.config) e.set_config(o.configName || 'formlint.toml', o.config);
  if (o.encoding) e.set_encoding(o.encoding);
  return e;
}

function release(e) {
  var kept = Object.keys(sessions).some(function (k) { return sessions[k] === e; });
  if (!kept) e.free();
  else e.clear();
}

function packText(p) {
  var files = JSON.parse(p.list());
  files.forEach(function (f) { if (f.text) f.content = p.get_text(f.name); });
  return { prefix: p.prefix(), files: files };
}

// The findings of the workbench's forms under its pack now (null while the pack has errors).
function benchRun() {
  var e;
  try { e = W.Engine.with_pack(bench); } catch (err) { return null; }
  try {
    var findings = [];
    benchForms.forEach(function (f) {
      findings = findings.concat(JSON.parse(e.check(f.name, f.bytes)).findings);
    });
    return findings;
  } finally { e.free(); }
}

var ops = {
  init: function (a) {
    wasm_bindgen.initSync({ module: b64bytes(a.wasm) });
    W = wasm_bindgen;
    return { version: W.version(), packs: JSON.parse(W.builtin_packs()) };
  },
  packs: function () { return JSON.parse(W.builtin_packs()); },
  trapForTests: function () { W.trap_for_tests(); },
  packInfo: function (a) {
    var e = engineFor(a.options);
    try { return JSON.parse(e.pack_info()); } finally { release(e); }
  },
  // formlint.check: one file's JSON report document.
  check: function (a) {
    var e = engineFor(a.options);
    try { return JSON.parse(e.check(a.name, u8(a.bytes))); } finally { release(e); }
  },
  annotate: function (a) {
    var e = engineFor(a.options);
    try { return e.annotate(a.name, u8(a.bytes)); } finally { release(e); }
  },
  checkPack: function (a) {
    var p = packOf(a.files);
    try { return JSON.parse(p.check()); } finally { p.free(); }
  },
  testPack: function (a) {
    var p = packOf(a.files);
    try { return JSON.parse(p.test()); } finally { p.free(); }
  },
  // The checker page: checks a batch with progress and keeps it for the reports.
  batch: function (a, progress) {
    if (uiEngine) uiEngine.free();
    uiEngine = null;
    var o = configPack(a.options || {});
    if (o.pack === 'workbench') {
      if (!bench) throw new Error('规则工作台中没有打开规则包');
      uiEngine = W.Engine.with_pack(bench);
    } else if (o.pack && typeof o.pack === 'object') {
      var p = packOf(o.pack);
      try { uiEngine = W.Engine.with_pack(p); } finally { p.free(); }
    } else {
      uiEngine = new W.Engine(o.pack || undefined, o.year ? Number(o.year) : undefined);
    }
    if (o.config) uiEngine.set_config(o.configName || 'formlint.toml', o.config);
    if (o.encoding) uiEngine.set_encoding(o.encoding);
    uiFiles = [];
    var files = [];
    var t0 = Date.now(), last = 0;
    a.files.forEach(function (f, i) {
      if (f.inFolder && uiEngine.skip(f.name)) return;
      uiFiles.push(f);
      var doc;
      try {
        doc = JSON.parse(uiEngine.check(f.name, u8(f.bytes)));
      } catch (e) {
        e.message = f.name + '：' + e.message; // which file broke the engine
        throw e;
      }
      files.push({ name: f.name, forms: doc.files[0] ? doc.files[0].forms : 0, summary: doc.summary, findings: doc.findings });
      var now = Date.now();
      if (now - last > 50 || i === a.files.length - 1) {
        last = now;
        progress({ done: i + 1, total: a.files.length, file: f.name });
      }
    });
    uiFindings = files.map(function (f) { return f.findings; });
    return { pack: JSON.parse(uiEngine.pack_info()), files: files, ms: Date.now() - t0 };
  },
  // The annotated copy of each workbook of the batch that has findings (null for the others).
  annotateBatch: function () {
    if (!uiEngine) throw new Error('还没有检查任何文件');
    return uiFiles.map(function (f, i) {
      var found = uiFindings[i];
      if (!/\.xls[xm]$/i.test(f.name) || !found.length) return null;
      if (found.some(function (x) { return x.code === 'X001' || x.code === 'X002'; })) return null;
      try { return uiEngine.annotate(f.name, u8(f.bytes)); } catch (e) { return null; }
    });
  },
  report: function (a) {
    if (!uiEngine) throw new Error('还没有检查任何文件');
    return uiEngine.report(a.format);
  },
  // The rule workbench.
  benchOpen: function (a) {
    if (bench) bench.free();
    bench = null;
    bench = a.builtin ? W.PackFiles.builtin(a.builtin) : packOf(a.source);
    return { pack: packText(bench), check: JSON.parse(bench.check()), findings: benchRun() };
  },
  benchForms: function (a) {
    benchForms = a.files
      .filter(function (f) { return !(f.inFolder && W.skip_reason(f.name)); })
      .map(function (f) { return { name: f.name, bytes: u8(f.bytes) }; });
    return { findings: bench ? benchRun() : null };
  },
  benchEdit: function (a) {
    if (!bench) throw new Error('规则工作台中没有打开规则包');
    if (a.remove) bench.remove(a.name); else bench.set_text(a.name, a.text);
    var check = JSON.parse(bench.check());
    // a pack whose invariants fail still checks forms, as `formlint check` does (with a warning)
    return { check: check, findings: check.loads ? benchRun() : null };
  },
  benchTest: function () {
    if (!bench) throw new Error('规则工作台中没有打开规则包');
    return JSON.parse(bench.test());
  },
  benchZip: function (a) {
    if (!bench) throw new Error('规则工作台中没有打开规则包');
    return bench.to_zip(a.folder || '');
  },
  benchFiles: function () {
    if (!bench) throw new Error('规则工作台中没有打开规则包');
    return JSON.parse(bench.list()).map(function (f) { return { name: f.name, bytes: bench.get(f.name) }; });
  },
};

self.onmessage = function (ev) {
  var m = ev.data || {};
  var reply = function (msg) {
    msg.id = m.id;
    var transfer = [];
    if (msg.result instanceof Uint8Array) transfer.push(msg.result.buffer);
    self.postMessage(msg, transfer);
  };
  try {
    var op = ops[m.op];
    if (!op) throw new Error('unknown op ' + m.op);
    if (m.op !== 'init' && !W) throw new Error('formlint 尚未就绪');
    var result = op(m.args || {}, function (p) { self.postMessage({ id: m.id, progress: p }); });
    reply({ ok: true, result: result });
  } catch (e) {
    // A trap inside the engine (a bug; the command line would report X015) leaves the module
    // unusable: say so, and formlint.js starts a new worker for the next call.
    var fatal = typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
    var why = '';
    if (fatal) { try { why = W.last_panic(); } catch (_) { /* the module is gone */ } }
    reply({
      ok: false,
      fatal: fatal,
      error: (fatal ? 'formlint 内部错误（X015），请报告此文件：' : '') + String(e && e.message !== undefined ? e.message : e) +
        (why ? '（' + why + '）' : ''),
    });
  }
};
