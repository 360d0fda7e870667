// Size and speed of the web client's first page, as a visitor on a slow phone gets it (run scripts/bench-frontend.sh).
//   1. Bytes on the wire for the first page (HTML, JS, WASM, CSS: every file Chromium fetched until the prison list
//      was usable, API calls aside) as the server sends them compressed, asked for with Accept-Encoding br and gzip.
//   2. Time until the prison list is usable (links on screen) in headless Chromium with the CPU slowed 4x
//      (CDP Emulation.setCPUThrottlingRate), cache disabled, median of several runs.
// Targets: at most 250 KB compressed in total; usable within 2 s. Prints a table and one JSON line; exits 1 when a
// target is missed and BENCH_STRICT=1.
//
// Then the staff sign-in page (/staff/sign-in) on the slow profile: CPU 4x slower, 400 kbit/s down and up, 400 ms
// added to every request (CDP Network.emulateNetworkConditions), no cache. Measured: the bytes Chromium fetched
// (HTML, JS, WASM, CSS) until the sign-in form was usable, as the server sends them (Brotli), and the time until then
// (the app's form on screen, which it replaces the static placeholder with). Target: usable within 3 s. Also timed:
// "typable", the first frame with either form: staff.html's own, which staff-boot.js shows while the app downloads
// and whose typing and Sign in the app takes over, or the app's (main's build before the split has no such form).
// Then, after
// TYPING_MS (a person typing an email address and a password), signs in: the time from Sign in to the inbox.
// BENCH_BEFORE_STATIC_DIR names an earlier build (a copy of frontend/dist): a second server serves it, the runs
// alternate between the two, and the figures are printed side by side. BENCH_PARTS=visitor or =staff runs one part.

import { request } from 'node:http';

import { launchBrowser, phone, startServer } from './harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const CPU_SLOWDOWN = 4;
const TARGET_BYTES = 250 * 1024;
const TARGET_MS = 2000;
// What the first page needs at least; any other file the browser fetches for it (e.g. the split modules' loader) is
// added from what Chromium asked for.
const FIRST_PAGE = ['/', '/pkg/frontend.js', '/pkg/frontend_bg.wasm', '/govuk-frontend.min.css', '/style.css'];

/** GETs a path and counts the bytes as they arrive, still compressed. */
function transferSize(baseUrl, path, encoding) {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] ?? 'identity', status: res.statusCode }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function sizes(baseUrl, paths) {
  const rows = [];
  for (const path of paths) {
    const br = await transferSize(baseUrl, path, 'br');
    const gzip = await transferSize(baseUrl, path, 'gzip');
    const raw = await transferSize(baseUrl, path, 'identity');
    rows.push({ path, raw: raw.bytes, gzip: gzip.bytes, gzipEncoding: gzip.encoding, br: br.bytes, brEncoding: br.encoding });
  }
  return rows;
}

async function timeToUsable(browser, baseUrl) {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    let wire = 0;
    cdp.on('Network.loadingFinished', (event) => (wire += event.encodedDataLength));
    const paths = new Set();
    cdp.on('Network.requestWillBeSent', (event) => {
      const url = new URL(event.request.url);
      // The page's own files; not API calls, nor the favicon Chromium asks for of its own accord.
      if (url.origin === baseUrl && /\.(js|wasm|css)$/.test(url.pathname)) paths.add(url.pathname);
    });
    await page.goto(`${baseUrl}/`, { waitUntil: 'commit' });
    await page.locator('.prison-list__name').first().waitFor({ state: 'visible', timeout: 30_000 });
    const usableMs = await page.evaluate(() => performance.now());
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    );
    return { usableMs, fcpMs: fcp, wireBytes: wire, paths: [...paths] };
  } finally {
    await context.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const PARTS = (process.env.BENCH_PARTS || 'visitor,staff').split(',');
const STAFF_TARGET_MS = 3000;
/** The slow profile of the staff sign-in target: 400 kbit/s each way, 400 ms round trips. */
const SLOW_NETWORK = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const TYPING_MS = 5000;
const STAFF_EMAIL = 'north@demo.example';
const STAFF_PASSWORD = 'demo-visits-password';

/** Opens the staff sign-in page on the slow profile; the time until its form is usable and the files fetched by then. */
async function staffSignIn(browser, baseUrl) {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    await page.goto(`${baseUrl}/staff/sign-in`, { waitUntil: 'commit' });
    const typableMs = await (
      await page.waitForFunction(
        () => {
          const email = document.querySelector('#early-email') ?? document.querySelector('#email');
          return email && email.offsetParent !== null ? performance.now() : null;
        },
        null,
        { polling: 'raf', timeout: 60_000 },
      )
    ).jsonValue();
    // Timed inside the page, on the first frame with the app's form (the static placeholder has none), so that the
    // everyday screens' module, fetched once the page is idle, is not counted as part of the sign-in page.
    const usableMs = await (
      await page.waitForFunction(
        () => {
          const email = document.querySelector('#email');
          return email && !email.disabled && email.offsetParent !== null && document.querySelector('#sign-in')
            ? performance.now()
            : null;
        },
        null,
        { polling: 'raf', timeout: 60_000 },
      )
    ).jsonValue();
    const fetched = await page.evaluate(
      (until) =>
        [
          ...performance.getEntriesByType('navigation'),
          ...performance.getEntriesByType('resource').filter((entry) => entry.startTime <= until),
        ].map((entry) => ({ path: new URL(entry.name).pathname, transfer: entry.transferSize })),
      usableMs,
    );
    // The page's own files; not API calls, nor the favicon Chromium asks for of its own accord.
    const files = fetched.filter((f) => !f.path.startsWith('/api/') && f.path !== '/favicon.ico');
    const wireBytes = files.reduce((sum, f) => sum + f.transfer, 0);

    await page.waitForTimeout(TYPING_MS);
    await page.fill('#email', STAFF_EMAIL);
    await page.fill('#password', STAFF_PASSWORD);
    const clickedMs = await page.evaluate(() => performance.now());
    await page.click('#sign-in');
    const inboxMs = await (
      await page.waitForFunction(() => (document.querySelector('#inbox-counts') ? performance.now() : null), null, {
        polling: 'raf',
        timeout: 60_000,
      })
    ).jsonValue();
    return { typableMs, usableMs, wireBytes, paths: files.map((f) => f.path), signInToInboxMs: inboxMs - clickedMs };
  } finally {
    await context.close();
  }
}

/** The staff part: bytes and time of the sign-in page, beside an earlier build's when there is one. */
async function staffPart(browser, builds) {
  const results = [];
  for (const build of builds) {
    // Warm-up, and which files the page fetches before it is usable.
    const warmUp = await staffSignIn(browser, build.baseUrl);
    const rows = await sizes(build.baseUrl, warmUp.paths);
    results.push({ ...build, rows, runs: [] });
  }
  // Alternated, so that a busy moment of the machine does not fall on one build only.
  for (let i = 0; i < RUNS; i += 1) {
    for (const result of results) result.runs.push(await staffSignIn(browser, result.baseUrl));
  }
  console.log(
    `\nStaff sign-in page, CPU ${CPU_SLOWDOWN}x slower, 400 kbit/s, 400 ms per request, no cache, ${RUNS} runs each:`,
  );
  const summary = {};
  for (const result of results) {
    console.log(`\n${result.name}: files fetched until the form is usable, bytes as the server sends them`);
    console.log('path'.padEnd(44), 'raw'.padStart(9), 'br'.padStart(9));
    for (const row of result.rows) {
      console.log(row.path.padEnd(44), String(row.raw).padStart(9), `${row.br}${row.brEncoding === 'br' ? '' : ` (${row.brEncoding})`}`.padStart(9));
    }
    const br = result.rows.reduce((sum, row) => sum + row.br, 0);
    const raw = result.rows.reduce((sum, row) => sum + row.raw, 0);
    console.log('total'.padEnd(44), String(raw).padStart(9), String(br).padStart(9));
    const usable = median(result.runs.map((r) => r.usableMs));
    summary[result.name] = {
      br,
      raw,
      files: result.rows.length,
      usable_ms: Math.round(usable),
      runs_ms: result.runs.map((r) => Math.round(r.usableMs)),
      wire: median(result.runs.map((r) => r.wireBytes)),
      sign_in_to_inbox_ms: Math.round(median(result.runs.map((r) => r.signInToInboxMs))),
      typable_ms: Math.round(median(result.runs.map((r) => r.typableMs))),
      typable_runs_ms: result.runs.map((r) => Math.round(r.typableMs)),
    };
  }
  console.log('');
  console.log(
    'build'.padEnd(8),
    'files'.padStart(6),
    'br bytes'.padStart(10),
    'on the wire'.padStart(12),
    'typable ms'.padStart(11),
    'usable ms'.padStart(10),
    'inbox ms'.padStart(9),
    '  typable runs; usable runs (ms)',
  );
  for (const [name, s] of Object.entries(summary)) {
    console.log(
      name.padEnd(8),
      String(s.files).padStart(6),
      String(s.br).padStart(10),
      String(s.wire).padStart(12),
      String(s.typable_ms).padStart(11),
      String(s.usable_ms).padStart(10),
      String(s.sign_in_to_inbox_ms).padStart(9),
      ' ',
      `${s.typable_runs_ms.join(', ')}; ${s.runs_ms.join(', ')}`,
    );
  }
  console.log(`(inbox ms: from Sign in, pressed ${TYPING_MS / 1000} s after the form was usable, to the inbox on screen)`);
  const now = summary.after ?? summary.this;
  const ok = now.usable_ms <= STAFF_TARGET_MS;
  console.log(`staff sign-in form typable: ${now.typable_ms} ms (target ${STAFF_TARGET_MS}): ${now.typable_ms <= STAFF_TARGET_MS ? 'OK' : 'OVER'}`);
  console.log(`staff sign-in app usable: ${now.usable_ms} ms (target ${STAFF_TARGET_MS}): ${ok ? 'OK' : 'OVER'}`);
  console.log(JSON.stringify({ staff_sign_in: summary, cpu_slowdown: CPU_SLOWDOWN, network: SLOW_NETWORK }));
  return ok;
}

const server = await startServer();
const before = process.env.BENCH_BEFORE_STATIC_DIR
  ? await startServer({ env: { STATIC_DIR: process.env.BENCH_BEFORE_STATIC_DIR } })
  : null;
let browser;
let failed = false;
try {
  browser = await launchBrowser();
  if (PARTS.includes('staff')) {
    const builds = before
      ? [{ name: 'before', baseUrl: before.baseUrl }, { name: 'after', baseUrl: server.baseUrl }]
      : [{ name: 'this', baseUrl: server.baseUrl }];
    failed = !(await staffPart(browser, builds));
  }
  if (PARTS.includes('visitor')) {
    // Warm-up: the server's first answers, the browser's first start; and which files the first page fetches.
    const warmUp = await timeToUsable(browser, server.baseUrl);
    const rows = await sizes(server.baseUrl, [...new Set([...FIRST_PAGE, ...warmUp.paths])]);
    const total = (key) => rows.reduce((sum, row) => sum + row[key], 0);
    console.log('First page, bytes on the wire:');
    console.log('path'.padEnd(28), 'raw'.padStart(9), 'gzip'.padStart(9), 'br'.padStart(9));
    for (const row of rows) {
      console.log(
        row.path.padEnd(28),
        String(row.raw).padStart(9),
        `${row.gzip}`.padStart(9),
        `${row.br}${row.brEncoding === 'br' ? '' : ` (${row.brEncoding})`}`.padStart(9),
      );
    }
    console.log('total'.padEnd(28), String(total('raw')).padStart(9), String(total('gzip')).padStart(9), String(total('br')).padStart(9));

    const runs = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await timeToUsable(browser, server.baseUrl));
    const usable = median(runs.map((r) => r.usableMs));
    const fcp = median(runs.map((r) => r.fcpMs ?? 0));
    const wire = median(runs.map((r) => r.wireBytes));
    console.log(
      `\nChromium, CPU ${CPU_SLOWDOWN}x slower, no cache, ${RUNS} runs: prison list usable after ${Math.round(usable)} ms ` +
        `(median; runs ${runs.map((r) => Math.round(r.usableMs)).join(', ')} ms), first paint ${Math.round(fcp)} ms, ` +
        `${wire} bytes on the wire as Chromium fetched them`,
    );
    const smallest = Math.min(total('br'), total('gzip'));
    const bytesOk = smallest <= TARGET_BYTES;
    const timeOk = usable <= TARGET_MS;
    console.log(`size: ${smallest} bytes compressed (target ${TARGET_BYTES}): ${bytesOk ? 'OK' : 'OVER'}`);
    console.log(`time: ${Math.round(usable)} ms (target ${TARGET_MS}): ${timeOk ? 'OK' : 'OVER'}`);
    console.log(
      JSON.stringify({ bytes: { raw: total('raw'), gzip: total('gzip'), br: total('br') }, usable_ms: Math.round(usable), fcp_ms: Math.round(fcp), cpu_slowdown: CPU_SLOWDOWN }),
    );
    failed = failed || !(bytesOk && timeOk);
  }
} finally {
  await browser?.close();
  await server.stop();
  await before?.stop();
}
if (failed && process.env.BENCH_STRICT === '1') process.exit(1);
