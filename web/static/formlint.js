// window.formlint: the engine in the browser (docs/embedding.md). Load formlint-engine.js first
// (it defines FORMLINT_ENGINE: the worker's source and the WebAssembly module in base64), then
// this file. Everything runs in one Web Worker started from a blob of that source, so it works
// from file:// and any static host and never blocks the page; nothing is fetched.
/* global FORMLINT_ENGINE */
(function (global) {
  'use strict';
  var worker = null, nextId = 1, pending = {}, readyPromise = null, info = null;

  function start() {
    if (readyPromise) return readyPromise;
    readyPromise = new Promise(function (resolve, reject) {
      var src = global.FORMLINT_ENGINE;
      if (!src || !src.worker || !src.wasm) {
        reject(new Error('formlint-engine.js 未加载 (load formlint-engine.js before formlint.js)'));
        return;
      }
      var url = URL.createObjectURL(new Blob([src.worker], { type: 'text/javascript' }));
      try {
        worker = new Worker(url);
      } catch (e) {
        reject(new Error('无法启动 Web Worker：' + e.message + '（页面的 CSP 需允许 worker-src blob:）'));
        return;
      }
      worker.onmessage = function (ev) {
        var m = ev.data, p = pending[m.id];
        if (!p) return;
        if (m.progress) { if (p.onProgress) p.onProgress(m.progress); return; }
        delete pending[m.id];
        if (m.fatal) restart();
        if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
      };
      worker.onerror = function (ev) {
        var err = new Error('formlint 引擎出错：' + (ev.message || 'worker error'));
        Object.keys(pending).forEach(function (k) { pending[k].reject(err); delete pending[k]; });
        reject(err);
      };
      call('init', { wasm: src.wasm }).then(function (r) {
        URL.revokeObjectURL(url);
        info = r;
        api.version = r.version;
        api.builtinPacks = r.packs;
        resolve(api);
      }, reject);
    });
    return readyPromise;
  }

  // After a trap the module cannot be trusted: the next call starts a fresh worker (the page's
  // kept files and the workbench's pack are lost; the page checks again on its next action).
  function restart() {
    var w = worker;
    worker = null;
    readyPromise = null;
    Object.keys(pending).forEach(function (k) { pending[k].reject(new Error('formlint 引擎已重启')); delete pending[k]; });
    if (w) w.terminate();
  }

  function call(op, args, onProgress, transfer) {
    return new Promise(function (resolve, reject) {
      var id = nextId++;
      pending[id] = { resolve: resolve, reject: reject, onProgress: onProgress };
      worker.postMessage({ id: id, op: op, args: args }, transfer || []);
    });
  }

  function send(op, args, onProgress) {
    return start().then(function () { return call(op, args, onProgress); });
  }

  function bytesOf(x) {
    if (x instanceof Uint8Array) return x;
    if (x instanceof ArrayBuffer) return new Uint8Array(x);
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    throw new TypeError('formlint: bytes must be a Uint8Array or ArrayBuffer');
  }

  // Pack files from the caller: [{name, bytes|text}], {name: bytes|text}, File objects (their
  // webkitRelativePath or name), or {zip: bytes, name}; File contents are read first.
  function packArg(files) {
    if (files && files.zip) return Promise.resolve({ zip: bytesOf(files.zip), name: files.name });
    var list;
    if (Array.isArray(files) || (typeof FileList !== 'undefined' && files instanceof FileList)) {
      list = Array.prototype.slice.call(files);
    } else if (files && typeof files === 'object') {
      list = Object.keys(files).map(function (k) { return { name: k, data: files[k] }; });
    } else {
      return Promise.reject(new TypeError('formlint: pack files expected'));
    }
    return Promise.all(list.map(function (f) {
      if (typeof File !== 'undefined' && f instanceof File) {
        return f.arrayBuffer().then(function (b) {
          return { name: f.webkitRelativePath || f.name, bytes: new Uint8Array(b) };
        });
      }
      var d = f.bytes !== undefined ? f.bytes : f.text !== undefined ? f.text : f.data;
      return { name: f.name || f.path, bytes: typeof d === 'string' ? new TextEncoder().encode(d) : bytesOf(d) };
    })).then(function (fs) { return { files: fs }; });
  }

  // Check options: {pack: 'central-2020' | pack files, year: 2020, config: 'formlint.toml text'}.
  function optionsArg(options) {
    var o = Object.assign({}, options || {});
    if (o.pack && typeof o.pack !== 'string') {
      return packArg(o.pack).then(function (p) { o.pack = p; return o; });
    }
    return Promise.resolve(o);
  }

  var api = {
    /** Resolves with this object once the engine is ready. */
    ready: function () { return start(); },
    /** The formlint version (after ready). */
    version: null,
    /** The built-in packs [{name, version, title, description, fiscal_years, default}] (after ready). */
    builtinPacks: null,
    /**
     * Checks one file. Resolves with its JSON report document (docs/report.schema.json), the same
     * findings as `formlint check --format json` on the file. options: {pack, year, config}.
     */
    check: function (bytes, fileName, options) {
      return optionsArg(options).then(function (o) {
        return send('check', { bytes: bytesOf(bytes), name: String(fileName), options: o });
      });
    },
    /** The annotated copy of an .xlsx/.xlsm workbook as a Uint8Array (docs/annotate.md). */
    annotate: function (bytes, fileName, options) {
      return optionsArg(options).then(function (o) {
        return send('annotate', { bytes: bytesOf(bytes), name: String(fileName), options: o });
      });
    },
    /**
     * Validates a pack like `formlint rules check`: {ok, loads, name, version, rules, errors, warnings,
     * diagnostics: [{severity, code, message, file, line, column, end_line, end_column, label,
     * help, rendered}], text}.
     */
    checkPack: function (files) {
      return packArg(files).then(function (p) { return send('checkPack', { files: p }); });
    },
    /** Runs a pack's rule tests like `formlint rules test`: {ok, passed, failed, skipped, cases, text}. */
    testPack: function (files) {
      return packArg(files).then(function (p) { return send('testPack', { files: p }); });
    },
    /** The pack a check with these options uses: {name, version, title, by_year, rules: [...]}. */
    packInfo: function (options) {
      return optionsArg(options).then(function (o) { return send('packInfo', { options: o }); });
    },
    // For the page itself (index.html): batches with progress, reports, the rule workbench.
    _call: function (op, args, onProgress) { return send(op, args, onProgress); },
    _packArg: packArg,
  };

  global.formlint = api;
})(typeof self !== 'undefined' ? self : this);
