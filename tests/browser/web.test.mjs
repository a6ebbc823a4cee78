// Headless-Chromium test of formlint's web page (target/web/, built by web/build.sh), run by
// tests/browser/web.sh. The page is opened from file:// and every result is compared with the
// command line's (`formlint check --format json`, `formlint rules check`, `formlint rules test`)
// computed here. Environment:
//   FORMLINT_BIN  the formlint binary    WEB_DIR  the built site    OUT  where screenshots go
//   CHROMIUM      the browser (default /usr/bin/chromium)           BENCH  where to write timings
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { validate } from './schema.mjs';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run bash tests/browser/web.sh`);
  return v;
};
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = env('FORMLINT_BIN');
const WEB = env('WEB_DIR');
const OUT = env('OUT');
const SEED = 'tests/fixtures/seed';
const seedFiles = fs.readdirSync(path.join(ROOT, SEED)).filter((f) => f.endsWith('.xlsx')).sort();
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8'));
const bench = { forms: {} };

// formlint on the command line, from the repository root; exit 1 (findings) is fine.
function cli(args) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`formlint ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}
const cliJson = (...args) => JSON.parse(cli(['check', '--format', 'json', '--no-config', ...args]).stdout);
// The summary line formlint prints (src/report/mod.rs render_summary), which the page shows too.
const summaryText = (s) => `检查了 ${s.files} 个文件、${s.forms} 张表：` +
  (s.errors + s.warnings + s.info === 0 ? '未发现问题' : `${s.errors} 个错误，${s.warnings} 个警告，${s.info} 条提示`);
const strip = (f) => ({ code: f.code, severity: f.severity, sheet: f.sheet, cell: f.cell, path: f.path, message: f.message });

let context, page, userDir;
const pageErrors = [];
const requests = [];

async function launch() {
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-web-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
  });
  // Any Content-Security-Policy violation, in the page or the report frame, is recorded.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      try { window.top.__csp.push(`frame: ${e.violatedDirective} ${e.blockedURI}`); } catch (_) { /* opaque frame */ }
    });
  });
}

function watch(p) {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  p.on('request', (r) => requests.push(r.url()));
}

async function openPage(url) {
  const p = context.pages()[0] ?? (await context.newPage());
  watch(p);
  const t0 = Date.now();
  await p.goto(url);
  await p.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
  bench.loadToReadyMs = await p.evaluate(() => Math.round(window.formlintReadyMs));
  bench.gotoToReadyMs = Date.now() - t0;
  return p;
}

before(async () => {
  await launch();
  page = await openPage(pathToFileURL(path.join(WEB, 'index.html')).href);
});

after(async () => {
  await context?.close();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  if (process.env.BENCH) fs.writeFileSync(process.env.BENCH, JSON.stringify(bench, null, 2));
});

const bytesOf = (rel) => [...fs.readFileSync(path.join(ROOT, rel))];

test('the page loads from file:// under a CSP that allows nothing else', async () => {
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:|\*/);
  assert.match(await page.locator('#engine-status').textContent(), /已就绪/);
  assert.equal(await page.evaluate(() => typeof window.formlint.check), 'function');
});

test('window.formlint.check gives the command line\'s findings for every seed form', async () => {
  for (const f of seedFiles) {
    const rel = `${SEED}/${f}`;
    const expected = cliJson(rel);
    const got = await page.evaluate(async ([b, name]) => window.formlint.check(new Uint8Array(b), name), [bytesOf(rel), rel]);
    assert.deepEqual(got.findings.map(strip), expected.findings.map(strip), f);
    // the whole document is the CLI's, byte for byte once parsed
    assert.deepEqual(got, expected, f);
    assert.deepEqual(validate(schema, got), [], f);
  }
});

test('checks by fiscal year and pack options as the command line does', async () => {
  const rel = `${SEED}/${seedFiles[0]}`;
  for (const [opts, args] of [[{ pack: 'central-2020' }, ['--rules', 'central-2020']], [{ year: 2020 }, ['--year', '2020']]]) {
    const expected = cliJson(...args, rel);
    const got = await page.evaluate(async ([b, name, o]) => window.formlint.check(new Uint8Array(b), name, o), [bytesOf(rel), rel, opts]);
    assert.deepEqual(got, expected, JSON.stringify(opts));
  }
  // a central-2020 form is checked by its own pack, chosen from the year it states
  const central = fs.readdirSync(path.join(ROOT, 'rules/central-2020/tests/forms')).filter((f) => f.endsWith('.xlsx'))[0];
  const crel = `rules/central-2020/tests/forms/${central}`;
  const got = await page.evaluate(async ([b, name]) => window.formlint.check(new Uint8Array(b), name), [bytesOf(crel), crel]);
  assert.deepEqual(got, cliJson(crel));
  // a pack given as files: the same as --rules DIR
  const packFiles = Object.fromEntries(fs.readdirSync(path.join(ROOT, 'rules/shenzhen-2020'))
    .filter((f) => fs.statSync(path.join(ROOT, 'rules/shenzhen-2020', f)).isFile())
    .map((f) => [`shenzhen-2020/${f}`, fs.readFileSync(path.join(ROOT, 'rules/shenzhen-2020', f), 'utf8')]));
  const viaFiles = await page.evaluate(async ([b, name, files]) => window.formlint.check(new Uint8Array(b), name, { pack: files }), [bytesOf(rel), rel, packFiles]);
  assert.deepEqual(viaFiles.findings.map(strip), cliJson('--rules', 'rules/shenzhen-2020', rel).findings.map(strip));
});

test('bad files get the command line\'s X codes', async () => {
  const bad = fs.readdirSync(path.join(ROOT, 'tests/fixtures/bad')).filter((f) => /\.(xlsx|xlsm|csv|ya?ml|json)$/i.test(f)).sort();
  assert.ok(bad.length > 20);
  for (const f of bad) {
    const rel = `tests/fixtures/bad/${f}`;
    const expected = cliJson(rel);
    const got = await page.evaluate(async ([b, name]) => window.formlint.check(new Uint8Array(b), name), [bytesOf(rel), rel]);
    assert.deepEqual(got.findings.map(strip), expected.findings.map(strip), f);
  }
});

test('after a trap in the engine the call says X015 and why, and the next call works', async () => {
  const err = await page.evaluate(() => window.formlint._call('trapForTests', {}).then(() => 'resolved', (e) => e.message));
  assert.match(err, /X015/);
  assert.match(err, /trap_for_tests/);
  const rel = `${SEED}/${seedFiles[0]}`;
  const got = await page.evaluate(async ([b, name]) => window.formlint.check(new Uint8Array(b), name), [bytesOf(rel), rel]);
  assert.deepEqual(got, cliJson(rel));
});

test('the engine builds with the root Cargo.lock\'s versions of every crate they share', () => {
  const lock = (p) => new Map([...fs.readFileSync(path.join(ROOT, p), 'utf8').matchAll(/name = "([^"]+)"\nversion = "([^"]+)"/g)].map((m) => [m[1], m[2]]));
  const root = lock('Cargo.lock');
  const web = lock('web/formlint-wasm/Cargo.lock');
  // wasm-bindgen is pinned to the CLI that installs (web/build.sh); js-sys follows it
  const differ = [...web].filter(([n, v]) => root.has(n) && root.get(n) !== v && !/^(wasm-bindgen|js-sys)/.test(n));
  assert.deepEqual(differ, [], 'update web/formlint-wasm/Cargo.lock (cargo update -p NAME --precise VERSION)');
});

test('formlint.annotate gives the command line\'s annotated workbook', async () => {
  const rel = `${SEED}/${seedFiles[2]}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-annotate-'));
  cli(['check', '--no-config', '-q', '--annotate', dir, rel]);
  const expected = fs.readFileSync(path.join(dir, seedFiles[2]));
  const got = await page.evaluate(async ([b, name]) => Array.from(await window.formlint.annotate(new Uint8Array(b), name)), [bytesOf(rel), rel]);
  assert.equal(Buffer.from(got).subarray(0, 2).toString(), 'PK');
  assert.ok(Buffer.from(got).equals(expected), 'the same bytes as formlint check --annotate');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('picking the seed forms shows the HTML report, the summary and downloads', async () => {
  const expected = cliJson(SEED);
  await page.setInputFiles('#pick-files', seedFiles.map((f) => path.join(ROOT, SEED, f)));
  await page.waitForSelector('#result:not([hidden])');
  const s = expected.summary;
  assert.match(await page.locator('#summary').textContent(), new RegExp(summaryText(s)));
  const frame = page.frameLocator('#report-frame');
  await frame.locator('li.finding').first().waitFor();
  assert.equal(await frame.locator('li.finding').count(), expected.findings.length);
  assert.equal(await frame.locator('table.grid').count(), s.forms);
  assert.ok((await frame.locator('td.hl.sev-error').count()) > 0);
  // the report's own filters work inside the page
  await frame.locator('input[data-filter="severity"][value="error"]').uncheck();
  assert.equal(await frame.locator('#shown').textContent(), `显示 ${expected.findings.length - s.errors} / ${expected.findings.length} 条`);
  await frame.locator('input[data-filter="severity"][value="error"]').check();
  await frame.locator('li.finding.sev-error[data-cell]').first().click();
  // downloads: the JSON report validates and has the CLI's findings; CSV and HTML come too
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
  const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.deepEqual(validate(schema, doc), []);
  assert.deepEqual(doc.findings.map(strip), expected.findings.map(strip));
  assert.deepEqual(doc.summary, expected.summary);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#dl-csv')]);
  const csvText = fs.readFileSync(await csv.path(), 'utf8').replace(/^\ufeff/, '');
  assert.equal(csvText.trim().split('\n').length, expected.findings.length + 1);
  await page.waitForSelector('button[data-annotate]:not([disabled])');
  const [ann] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-annotate]').first().click()]);
  assert.match(ann.suggestedFilename(), /\.批注\.xlsx$/);
  assert.equal(fs.readFileSync(await ann.path()).subarray(0, 2).toString(), 'PK');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, 'web-checker.png') });
});

test('a self-evaluation picked with its declaration is cross-checked as formlint check does', async () => {
  const files = ['tests/fixtures/seed/P8-综合管理事务.xlsx', 'tests/fixtures/declarations/P8-综合管理事务-申报表.xlsx'];
  const expected = cliJson(...files);
  assert.ok(expected.findings.some((f) => f.code === 'K003'), 'the CLI reports the lowered target');
  await page.setInputFiles('#pick-files', files.map((f) => path.join(ROOT, f)));
  await page.waitForSelector('#result:not([hidden])');
  const frame = page.frameLocator('#report-frame');
  // the report shows the K003 with the declaration's cell beside it
  const item = frame.locator('li.finding[data-code="K003"]');
  await item.waitFor();
  assert.match(await item.locator('.rel').textContent(), /P8-综合管理事务-申报表\.xlsx › 申报表!E12/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
  const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.deepEqual(validate(schema, doc), []);
  assert.deepEqual(doc.findings.map(strip), expected.findings.map(strip));
  const k003 = doc.findings.find((f) => f.code === 'K003');
  assert.equal(k003.cell, 'E12');
  assert.match(k003.related[0].file, /P8-综合管理事务-申报表\.xlsx$/);
  assert.equal(k003.related[0].cell, 'E12');
});

test('a folder picked or dropped is checked like formlint check DIR; unreadable files say why', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-folder-'));
  const forms = path.join(dir, '表单');
  fs.mkdirSync(path.join(forms, 'sub'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, SEED, seedFiles[0]), path.join(forms, seedFiles[0]));
  fs.copyFileSync(path.join(ROOT, SEED, seedFiles[1]), path.join(forms, 'sub', seedFiles[1]));
  fs.copyFileSync(path.join(ROOT, 'tests/fixtures/bad/int-truncated.xlsx'), path.join(forms, 'int-truncated.xlsx'));
  fs.writeFileSync(path.join(forms, 'notes.txt'), 'not a form');
  fs.writeFileSync(path.join(forms, '~$lock.xlsx'), 'lock');
  // a formlint.toml in the folder applies: one code ignored, one ignore unused (X007)
  fs.writeFileSync(path.join(forms, 'formlint.toml'), 'ignore = ["R001", "S002"]\n');
  const expected = JSON.parse(spawnSync(BIN, ['check', '--format', 'json', '表单'], { cwd: dir, encoding: 'utf8' }).stdout);
  assert.ok(expected.findings.some((f) => f.code === 'X007') && !expected.findings.some((f) => f.code === 'R001'));
  const forms_ = expected.files.filter((f) => !f.file.endsWith('formlint.toml'));
  await page.setInputFiles('#pick-folder', forms);
  await page.waitForFunction((n) => document.getElementById('files-body').rows.length === n, forms_.length);
  const names = await page.locator('#files-body tr td:first-child').allTextContents();
  assert.deepEqual(names, forms_.map((f) => f.file));
  assert.match(await page.locator('#unreadable').textContent(), /X001/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
  const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  // the CLI names the formlint.toml it found by its absolute path, the page by its path in the folder
  const fromCli = JSON.stringify(expected, null, 1).split(`${fs.realpathSync(dir)}/`).join('');
  assert.equal(JSON.stringify(doc, null, 1), fromCli);
  // dropping files onto the drop zone
  const dropped = await page.evaluate(async ([name, b]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], name));
    const zone = document.getElementById('drop');
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await new Promise((r) => { const t = setInterval(() => { if (document.getElementById('files-body').rows.length === 1) { clearInterval(t); r(); } }, 50); });
    return document.getElementById('summary').textContent;
  }, [seedFiles[3], bytesOf(`${SEED}/${seedFiles[3]}`)]);
  assert.match(dropped, new RegExp(summaryText(cliJson(`${SEED}/${seedFiles[3]}`).summary)));
  fs.rmSync(dir, { recursive: true, force: true });
});

// Puts `text` in the workbench's editor as if typed, and waits for the page's check of it.
async function edit(text) {
  const before = await page.evaluate(() => window.__benchChecks || 0);
  await page.locator('#editor-text').fill(text);
  await page.waitForFunction((n) => (window.__benchChecks || 0) > n, before);
}

test('rule workbench: the weight edit 40 → 30 adds W001; a syntax error is shown at its line', async () => {
  // the seed forms are loaded in the checker
  await page.setInputFiles('#pick-files', seedFiles.map((f) => path.join(ROOT, SEED, f)));
  await page.waitForFunction((n) => document.getElementById('files-body').rows.length === n, seedFiles.length);
  await page.click('#tab-bench');
  await page.selectOption('#bench-builtin', 'shenzhen-2020');
  await page.click('#bench-open-builtin');
  await page.waitForSelector('#bench:not([hidden])');
  await page.waitForFunction(() => /通过/.test(document.getElementById('diag-count').textContent));
  await page.click('button[data-file="params.rules"]');
  const original = await page.locator('#editor-text').inputValue();
  assert.ok(original.includes('效益指标: 40'), original.slice(0, 400));
  await edit(original.replace('效益指标: 40', '效益指标: 30'));
  await page.waitForFunction(() => document.querySelector('#added li[data-code="W001"]'));
  const added = await page.locator('#added li').allTextContents();
  assert.ok(added.every((t) => t.startsWith('W001')), added.join('\n'));
  // the same edit on disk makes the CLI report W001 as well
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-pack-'));
  fs.cpSync(path.join(ROOT, 'rules/shenzhen-2020'), tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'params.rules'), original.replace('效益指标: 40', '效益指标: 30'));
  const w001 = cliJson('--rules', tmp, SEED).findings.filter((f) => f.code === 'W001').length;
  assert.equal(added.length, w001);
  await page.screenshot({ path: path.join(OUT, 'web-workbench.png') });

  // a syntax error: the CLI's message and place, shown at its line
  const lines = original.split('\n');
  const at = lines.findIndex((l) => l.includes('效益指标: 40'));
  lines[at] = lines[at].replace('效益指标: 40', '效益指标: 40 +');
  const broken = lines.join('\n');
  await edit(broken);
  await page.waitForSelector('#diags li.diag.error');
  fs.writeFileSync(path.join(tmp, 'params.rules'), broken);
  const r = spawnSync(BIN, ['rules', 'check', tmp], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  const m = r.stderr.match(/params\.rules:(\d+):(\d+)\]/);
  assert.ok(m, r.stderr);
  const diag = await page.locator('#diags li.diag.error').first();
  assert.equal(await diag.getAttribute('data-line'), m[1]);
  assert.ok((await diag.textContent()).includes(`第 ${m[1]} 行`));
  assert.ok((await diag.textContent()).includes(`shenzhen-2020/params.rules:${m[1]}:${m[2]}`), await diag.textContent());
  const firstLine = r.stderr.split('\n').find((l) => /×/.test(l) && !/规则包有/.test(l));
  assert.ok(firstLine && (await diag.textContent()).includes(firstLine.replace(/^.*× /, '').trim()), `${firstLine}\n${await diag.textContent()}`);
  assert.equal(await page.locator(`#gutter .mark.error[data-line="${m[1]}"]`).count(), 1);
  await page.screenshot({ path: path.join(OUT, 'web-workbench-error.png') });
  const checked = await page.evaluate(() => window.formlint.checkPack({ 'p/pack.yaml': 'name: x\n' }));
  assert.equal(checked.ok, false);
  // back to the weight edit: the pack's invariant (weights add up to 总分满分) fails, as
  // `formlint rules check` says, yet the pack still checks forms; it downloads as a zip that
  // the checker can load
  await edit(original.replace('效益指标: 40', '效益指标: 30'));
  await page.waitForFunction(() => /1 处错误/.test(document.getElementById('diag-count').textContent));
  assert.match(await page.locator('#diags li.diag.error').first().textContent(), /不变式不成立：权重之和 90 不等于总分满分 100/);
  const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#bench-zip')]);
  assert.equal(zip.suggestedFilename(), 'shenzhen-2020.zip');
  const zipPath = path.join(tmp, 'edited.zip');
  await zip.saveAs(zipPath);
  await page.click('#tab-check');
  await page.setInputFiles('#pick-pack-zip', zipPath);
  await page.waitForFunction(() => /已加载规则包/.test(document.getElementById('pack-note').textContent));
  await page.waitForFunction((n) => {
    const s = document.getElementById('summary').textContent;
    return /已加载|shenzhen-2020 1\.0\.0 ·|shenzhen-2020 1\.0\.0$/.test(s) && document.getElementById('files-body').rows.length === n;
  }, seedFiles.length);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
  const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.equal(doc.findings.filter((f) => f.code === 'W001').length, w001);
  fs.rmSync(tmp, { recursive: true, force: true });
  await page.selectOption('#pack-select', '');
});

test('rule workbench runs the pack\'s rule tests like formlint rules test', async () => {
  await page.click('#tab-bench');
  await page.click('#bench-open-builtin');
  await page.waitForFunction(() => /通过/.test(document.getElementById('diag-count').textContent));
  await page.click('#bench-test');
  await page.waitForSelector('#tests-out:not([hidden])');
  const r = spawnSync(BIN, ['rules', 'test', 'rules/shenzhen-2020'], { cwd: ROOT, encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop();
  const text = await page.locator('#tests-out').textContent();
  assert.equal(text.trim().split('\n').pop(), last);
  assert.match(await page.locator('#tests-summary').textContent(), /全部通过/);
  const api = await page.evaluate(() => window.formlint.testPack({ zip: new Uint8Array(0), name: 'x.zip' }).then(() => 'ok', (e) => e.message));
  assert.match(api, /无法读取压缩包/);
  await page.click('#tab-check');
});

test('rule workbench opens a pack folder, and shows the loaded forms\' findings it would change', async () => {
  await page.click('#tab-bench');
  await page.setInputFiles('#bench-pick-folder', path.join(ROOT, 'rules/central-2020'));
  await page.waitForFunction(() => /central-2020/.test(document.getElementById('bench-pack').textContent));
  await page.waitForFunction(() => /通过/.test(document.getElementById('diag-count').textContent));
  const r = spawnSync(BIN, ['rules', 'check', 'rules/central-2020'], { cwd: ROOT, encoding: 'utf8' });
  const rules = r.stdout.match(/(\d+) 条规则/)[1];
  assert.match(await page.locator('#diag-count').textContent(), new RegExp(`${rules} 条规则`));
  assert.match(await page.locator('#editor-name').textContent(), /^central-2020\//);
  await page.click('#tab-check');
});

test('keyboard: tabs switch with the arrow keys; the drop zone is reachable', async () => {
  await page.focus('#tab-check');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-bench');
  assert.equal(await page.locator('#panel-bench').isVisible(), true);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('#panel-check').isVisible(), true);
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.id === 'drop');
  }
  assert.ok(reached, 'Tab reaches the drop zone');
});

test('500 forms: checked in the worker with progress, the page stays responsive', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-500-'));
  const files = [];
  for (let i = 0; i < 500; i++) {
    const f = seedFiles[i % seedFiles.length];
    const p = path.join(dir, `${String(i).padStart(3, '0')}-${f}`);
    fs.copyFileSync(path.join(ROOT, SEED, f), p);
    files.push(p);
  }
  await page.evaluate(() => {
    window.__gaps = { max: 0, progress: new Set() };
    let last = performance.now();
    window.__probe = setInterval(() => {
      const now = performance.now();
      window.__gaps.max = Math.max(window.__gaps.max, now - last);
      last = now;
      const p = document.getElementById('progress-bar');
      if (!document.getElementById('progress').hidden) window.__gaps.progress.add(p.value);
    }, 20);
  });
  const t0 = Date.now();
  await page.setInputFiles('#pick-files', files);
  await page.waitForFunction(() => document.getElementById('files-body').rows.length === 500 && !document.body.classList.contains('busy'), null, { timeout: 300000 });
  bench.batch500Ms = Date.now() - t0;
  bench.batch500WorkerMs = Number(await page.evaluate(() => document.body.dataset.batchMs));
  const gaps = await page.evaluate(() => { clearInterval(window.__probe); return { max: window.__gaps.max, progress: window.__gaps.progress.size }; });
  bench.batch500MaxMainThreadGapMs = Math.round(gaps.max);
  assert.ok(gaps.progress > 2, `progress shown (${gaps.progress} values)`);
  assert.match(await page.locator('#summary').textContent(), /检查了 500 个文件/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('timings per seed form in the page beside the native command line (benchmark, not asserted)', async () => {
  for (const f of seedFiles) {
    const rel = `${SEED}/${f}`;
    const ms = await page.evaluate(async ([b, name]) => {
      const bytes = new Uint8Array(b);
      await window.formlint.check(bytes, name);
      const t = performance.now();
      for (let i = 0; i < 10; i++) await window.formlint.check(bytes, name);
      return (performance.now() - t) / 10;
    }, [bytesOf(rel), rel]);
    const t = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) spawnSync(BIN, ['check', '-q', '--no-config', rel], { cwd: ROOT, stdio: 'ignore' });
    const native = Number(process.hrtime.bigint() - t) / 1e7;
    bench.forms[f] = { wasmMs: +ms.toFixed(2), nativeProcessMs: +native.toFixed(2) };
  }
});

test('served over http from 127.0.0.1 the page works the same, fetching only its own files', async () => {
  const server = http.createServer((req, res) => {
    const p = path.join(WEB, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/$/, '/index.html'));
    if (!p.startsWith(WEB) || !fs.existsSync(p)) { res.writeHead(404); res.end(); return; }
    const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' }[path.extname(p)] || 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    fs.createReadStream(p).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const p = await context.newPage();
  const seen = [];
  p.on('request', (r) => seen.push(r.url()));
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(`${origin}/index.html`);
  await p.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
  const rel = `${SEED}/${seedFiles[4]}`;
  const got = await p.evaluate(async ([b, name]) => window.formlint.check(new Uint8Array(b), name), [bytesOf(rel), rel]);
  assert.deepEqual(got, cliJson(rel));
  assert.deepEqual(seen.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:')), []);
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  await p.close();
  server.close();
});

test('the example portal page of docs/embedding.md works as documented', async () => {
  const p = await context.newPage();
  const seen = [];
  p.on('request', (r) => seen.push(r.url()));
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  await p.goto(pathToFileURL(path.join(WEB, 'embed-example.html')).href);
  await p.waitForFunction(() => /已就绪/.test(document.getElementById('verdict').textContent), null, { timeout: 60000 });
  const rel = `${SEED}/${seedFiles[8]}`;
  const expected = cliJson(rel);
  await p.setInputFiles('#form-file', path.join(ROOT, rel));
  await p.waitForFunction(() => document.querySelectorAll('#findings li').length > 0);
  assert.equal(await p.locator('#findings li').count(), expected.findings.length);
  assert.match(await p.locator('#verdict').textContent(), new RegExp(`有 ${expected.summary.errors} 个错误`));
  // the page's example is the one docs/embedding.md shows
  const doc = fs.readFileSync(path.join(ROOT, 'docs/embedding.md'), 'utf8');
  assert.ok(doc.includes(fs.readFileSync(path.join(ROOT, 'web/static/embed-example.html'), 'utf8').trim()));
  const js = fs.readFileSync(path.join(ROOT, 'web/static/embed-example.js'), 'utf8').split('\n').filter((l) => !l.startsWith('//')).join('\n').trim();
  assert.ok(doc.includes(js), 'docs/embedding.md shows web/static/embed-example.js');
  assert.deepEqual(seen.filter((u) => !u.startsWith(pathToFileURL(WEB).href + '/') && !u.startsWith('blob:')), []);
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  await p.close();
});

test('nothing but the page\'s own files was requested; no CSP violation, no script error; screenshot', async () => {
  await page.click('#tab-check');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, 'web-1366x768.png') });
  const own = pathToFileURL(WEB).href + '/';
  const others = requests.filter((u) => !u.startsWith(own) && !u.startsWith('blob:'));
  assert.deepEqual(others, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(pageErrors, []);
});
