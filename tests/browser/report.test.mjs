// Headless-Chromium test of formlint's HTML report. Run by tests/browser/run.sh, which builds
// formlint, renders the seed forms and passes the files through the environment:
//   REPORT_HTML  the seed forms' page          REPORT_JSON  the same run as JSON (expected counts)
//   HOSTILE_HTML a page of a CSV with markup   SCREENSHOT   where to save the screenshot
//   CHROMIUM     the browser (default /usr/bin/chromium)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run bash tests/browser/run.sh`);
  return v;
};
const REPORT_HTML = env('REPORT_HTML');
const HOSTILE_HTML = env('HOSTILE_HTML');
const SCREENSHOT = env('SCREENSHOT');
const expected = JSON.parse(fs.readFileSync(env('REPORT_JSON'), 'utf8'));

let context, page, userDir;
const pageErrors = [];
const requests = [];

before(async () => {
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'formlint-chromium-'));
  // A new, empty profile directory for every run.
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1440, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(REPORT_HTML).href);
});

after(async () => {
  await context?.close();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
});

const visible = (sel) => page.locator(sel).evaluateAll((els) => els.filter((e) => !e.hidden).length);

test('the page shows the ruleset, the totals, a grid per form and every finding', async () => {
  assert.equal(await page.locator('.ruleset').textContent(), expected.ruleset.name);
  assert.equal(await page.locator('.ruleset-version').textContent(), expected.ruleset.version);
  const s = expected.summary;
  assert.equal(await page.locator('#total-error').textContent(), String(s.errors));
  assert.equal(await page.locator('#total-warning').textContent(), String(s.warnings));
  assert.equal(await page.locator('#total-info').textContent(), String(s.info));
  assert.equal(await page.locator('section.file').count(), expected.files.length);
  assert.equal(await page.locator('table.grid').count(), s.forms);
  for (const sec of await page.locator('section.file').all()) {
    assert.ok((await sec.locator('table.grid').count()) >= 1, 'every seed file has a grid');
  }
  const n = expected.findings.length;
  assert.ok(n > 0);
  assert.equal(await page.locator('li.finding').count(), n);
  assert.equal(await visible('li.finding'), n);
  assert.equal(await page.locator('#shown').textContent(), `显示 ${n} / ${n} 条`);
  // Every finding with a cell has its cell highlighted on the grid.
  const cells = expected.findings.filter((f) => f.cell).length;
  assert.equal(await page.locator('li.finding[data-cell]').count(), cells);
  const missing = await page.locator('li.finding[data-cell]').evaluateAll((lis) =>
    lis.filter((li) => !document.getElementById(li.dataset.cell)?.classList.contains('hl')).map((li) => li.id));
  assert.deepEqual(missing, []);
  assert.ok((await page.locator('td.hl.sev-error').count()) > 0);
  // The merged regions came through as spans.
  assert.ok((await page.locator('td[rowspan]').count()) > 0);
  assert.ok((await page.locator('td[colspan]').count()) > 0);
});

test('clicking a finding scrolls to its cell and highlights it', async () => {
  const li = page.locator('li.finding.sev-error[data-cell]').last();
  const cellId = await li.getAttribute('data-cell');
  await li.click();
  const td = page.locator(`[id="${cellId}"]`);
  await page.waitForFunction((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }, cellId);
  const cls = await td.getAttribute('class');
  assert.match(cls, /\bfocused\b/);
  assert.match(cls, /\bflash\b/);
  assert.match(cls, /\bhl\b/);
  assert.match(await li.getAttribute('class'), /\bactive\b/);
  assert.equal(await page.locator('td.focused').count(), 1);
  // The tooltip names the code and the message.
  const f = expected.findings.find((x) => x.severity === 'error' && x.cell && x.message);
  assert.ok(f);
  const title = await page.locator('td.hl.sev-error').evaluateAll((tds) => tds.map((t) => t.title).join('\n'));
  assert.ok(title.includes(f.code) && title.includes(f.message), title);
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-focus.png') });
});

test('the severity filter hides entries and highlights', async () => {
  const n = expected.findings.length;
  const errors = expected.summary.errors;
  await page.locator('input[data-filter="severity"][value="error"]').uncheck();
  assert.equal(await visible('li.finding.sev-error'), 0);
  assert.equal(await visible('li.finding'), n - errors);
  assert.equal(await page.locator('td.sev-error').count(), 0);
  assert.equal(await page.locator('td.focused').count(), 0);
  assert.equal(await page.locator('#shown').textContent(), `显示 ${n - errors} / ${n} 条`);
  // A file whose findings are all errors says so.
  const allErrors = expected.files.filter((f) => f.errors > 0 && f.warnings + f.info === 0).length;
  assert.equal(await visible('.all-hidden'), allErrors);
  await page.locator('input[data-filter="severity"][value="error"]').check();
  assert.equal(await visible('li.finding'), n);
  assert.ok((await page.locator('td.hl.sev-error').count()) > 0);
});

test('the code filter hides entries and highlights', async () => {
  const n = expected.findings.length;
  const code = expected.findings[0].code;
  const of = expected.findings.filter((f) => f.code === code).length;
  await page.locator(`input[data-filter="code"][value="${code}"]`).uncheck();
  assert.equal(await visible(`li.finding[data-code="${code}"]`), 0);
  assert.equal(await visible('li.finding'), n - of);
  await page.locator('button[data-codes="none"]').click();
  assert.equal(await visible('li.finding'), 0);
  assert.equal(await page.locator('td.hl').count(), 0);
  await page.locator('button[data-codes="all"]').click();
  assert.equal(await visible('li.finding'), n);
});

test('the page fetches nothing and has no script errors; screenshot', async () => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('li.finding[data-cell]').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: SCREENSHOT });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), []);
  assert.equal(requests.length, 1, requests.join('\n'));
});

test('markup inside a form renders as text', async () => {
  const p = await context.newPage();
  const seen = [];
  p.on('request', (r) => seen.push(r.url()));
  await p.goto(pathToFileURL(HOSTILE_HTML).href);
  assert.equal(await p.evaluate(() => window.__pwned), undefined);
  assert.equal(await p.evaluate(() => document.scripts.length), 1);
  assert.equal(await p.locator('table.grid img').count(), 0);
  const text = await p.locator('table.grid').first().textContent();
  assert.ok(text.includes('<script>window.__pwned=1</script>'), text);
  assert.ok(text.includes('<img src=x onerror="window.__pwned=2">'), text);
  assert.equal(seen.length, 1, seen.join('\n'));
  await p.close();
});

test('accepted findings are listed greyed with their reason, behind their own toggle', async () => {
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(pathToFileURL(env('ACCEPTED_HTML')).href);
  const acc = p.locator('li.finding.accepted');
  assert.equal(await acc.count(), 1);
  assert.equal(await p.locator('#total-accepted').textContent(), '1');
  assert.equal(await p.locator('#total-error').textContent(), '0', 'not counted');
  assert.match(await acc.locator('.accepted-by').textContent(), /^已接受：会议提前召开，扣分合理（.*formlint\.toml:\d+）$/);
  assert.equal(await acc.locator('.badge.acc').textContent(), '已接受');
  // greyed: the accepted entry's stripe is grey, not the error red of its severity
  const stripe = await acc.evaluate((li) => getComputedStyle(li).borderLeftColor);
  const red = await p.locator('.stat.sev-error').evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(stripe, red);
  // its cell is outlined, not tinted as an error
  const cellId = await acc.getAttribute('data-cell');
  const cls = await p.locator(`[id="${cellId}"]`).getAttribute('class');
  assert.match(cls, /\bacc\b/);
  assert.doesNotMatch(cls, /\bhl\b/);
  // the severity filter leaves it; its toggle hides and shows it
  await p.locator('input[data-filter="severity"][value="error"]').uncheck();
  assert.equal(await acc.evaluate((li) => li.hidden), false);
  const toggle = p.locator('input[data-filter="accepted"]');
  await toggle.uncheck();
  assert.equal(await acc.evaluate((li) => li.hidden), true);
  assert.doesNotMatch(await p.locator(`[id="${cellId}"]`).getAttribute('class') ?? '', /\bacc\b/);
  await toggle.check();
  assert.equal(await acc.evaluate((li) => li.hidden), false);
  assert.deepEqual(errors, []);
  await p.close();
});
