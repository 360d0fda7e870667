// Size and speed of the web client's pages as a visitor on a slow phone gets them (run scripts/bench-frontend.sh).
// The slow profile: CPU 4x slower (CDP Emulation.setCPUThrottlingRate), 400 kbit/s down and up, 400 ms added to
// every request (CDP Network.emulateNetworkConditions), no cache.
//
// The visitor part, budgets from issue 13, medians of BENCH_RUNS runs:
//   1. The prison list, opened cold: the time until it is usable (its links on screen: with the server-rendered
//      page they work before any script has run), the bytes Chromium fetched by then (HTML, CSS, JS, WASM as the
//      server sent them), and the bytes once the app has taken the page over. Budgets: usable <= 2.0 s,
//      <= 120 KB transferred.
//   2. A visit's status link opened cold (as from the email): the time until the visit's state is on screen.
//      Budget: <= 2.5 s.
//   3. With JavaScript off: the HTML and CSS of the prison list, a prison's page and the status page. Budget:
//      <= 30 KB each.
// Also printed: the sizes of the first page's files, raw, gzip and Brotli, as the server sends them.
//
// Then the staff sign-in page (/staff/sign-in) on the slow profile. Measured: the bytes Chromium fetched
// (HTML, JS, WASM, CSS) until the sign-in form was usable, as the server sends them (Brotli), and the time until then
// (the app's form on screen, which it replaces the static placeholder with). Target: usable within 3 s. Also timed:
// "typable", the first frame with either form: staff.html's own, which staff-boot.js shows while the app downloads
// and whose typing and Sign in the app takes over, or the app's (main's build before the split has no such form).
// Then, after TYPING_MS (a person typing an email address and a password), signs in: the time from Sign in to the
// inbox.
//
// BENCH_BEFORE_STATIC_DIR names an earlier build of the clients (a copy of frontend/dist), and BENCH_BEFORE_BIN the
// server binary built with it (the visitor pages are rendered by the server): a second server serves them, the runs
// alternate between the two, and the figures are printed side by side. BENCH_PARTS=visitor or =staff runs one part.
// BENCH_STRICT=1 exits 1 when a budget is missed.

import { request } from 'node:http';

import { launchBrowser, phone, startServer } from './harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const CPU_SLOWDOWN = 4;
const LIST_TARGET_MS = 2000;
const STATUS_TARGET_MS = 2500;
const FIRST_PAGE_TARGET_BYTES = 120 * 1000;
const NO_JS_TARGET_BYTES = 30 * 1000;
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

/** A phone page on the slow profile, with JavaScript on or off, and the bytes of each response as sent. */
async function slowPage(browser, { javaScript = true } = {}) {
  const context = await browser.newContext({
    viewport: { width: 320, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    javaScriptEnabled: javaScript,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const urls = new Map();
  const received = [];
  cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) => {
    const url = urls.get(event.requestId);
    if (url) received.push({ path: new URL(url).pathname, bytes: event.encodedDataLength, at: Date.now() });
  });
  return { context, page, received };
}

/** The page's own files fetched so far (not API calls, nor the icon Chromium asks for of its own accord). */
function ownFiles(received, until = Infinity) {
  return received.filter((r) => r.at <= until && !r.path.startsWith('/api/') && r.path !== '/favicon.ico');
}

const sum = (files) => files.reduce((total, f) => total + f.bytes, 0);

/** Opens `path` cold and waits for `selector`: ms until then, bytes by then, and bytes once the app is ready. */
async function openCold(browser, baseUrl, path, selector) {
  const { context, page, received } = await slowPage(browser);
  try {
    const started = Date.now();
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'commit' });
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
    const usableAt = Date.now();
    // The app has taken the page over (a build before server rendering shows the list only once it has).
    await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => {});
    return {
      usableMs: usableAt - started,
      bytesUsable: sum(ownFiles(received, usableAt)),
      bytesTotal: sum(ownFiles(received)),
      paths: ownFiles(received).map((f) => f.path),
    };
  } finally {
    await context.close();
  }
}

/** A visit requested through `baseUrl`'s API at a demo prison: its status link. */
async function statusLink(baseUrl) {
  const prisons = await (await fetch(`${baseUrl}/api/v1/prisons`)).json();
  const availability = await (await fetch(`${baseUrl}/api/v1/prisons/${prisons[0].id}/availability`)).json();
  const slot = availability.days.flatMap((day) => day.slots).find((s) => s.state === 'available');
  const created = await (
    await fetch(`${baseUrl}/api/v1/visits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        prison_id: prisons[0].id,
        prisoner: { first_name: 'John', last_name: 'Smith', date_of_birth: '1985-04-12', number: 'A1234BC' },
        lead_visitor: {
          first_name: 'Mary',
          last_name: 'Smith',
          date_of_birth: '1980-07-01',
          email: 'mary@example.com',
          phone: '07700900123',
        },
        other_visitors: [],
        slots: [{ date: slot.date, start: slot.start, end: slot.end }],
        locale: 'en',
      }),
    })
  ).json();
  return { path: created.status_path, prisonPath: `/prison/${prisons[0].id}` };
}

/** With JavaScript off: the bytes of HTML and CSS each page takes, as sent. */
async function withoutJavaScript(browser, baseUrl, paths) {
  const result = {};
  for (const [name, path] of Object.entries(paths)) {
    const { context, page, received } = await slowPage(browser, { javaScript: false });
    try {
      await page.goto(`${baseUrl}${path}`, { waitUntil: 'load', timeout: 60_000 });
      const files = ownFiles(received);
      result[name] = {
        htmlAndCss: sum(files.filter((f) => !/\.(js|wasm)$/.test(f.path))),
        scripts: sum(files.filter((f) => /\.(js|wasm)$/.test(f.path))),
      };
    } finally {
      await context.close();
    }
  }
  return result;
}

/** The visitor part: each build's figures, side by side, against the budgets. */
async function visitorPart(browser, builds) {
  // Warm-up (the servers' first answers, the browser's first start), and which files the first page fetches.
  const warmUp = await openCold(browser, builds.at(-1).baseUrl, '/', '.prison-list__name');
  const rows = await sizes(builds.at(-1).baseUrl, [...new Set([...FIRST_PAGE, ...warmUp.paths.filter((p) => p !== '/')])]);
  console.log(`\nFirst page of ${builds.at(-1).name}, its files as the server sends them:`);
  console.log('path'.padEnd(28), 'raw'.padStart(9), 'gzip'.padStart(9), 'br'.padStart(9));
  for (const row of rows) {
    console.log(
      row.path.padEnd(28),
      String(row.raw).padStart(9),
      `${row.gzip}`.padStart(9),
      `${row.br}${row.brEncoding === 'br' ? '' : ` (${row.brEncoding})`}`.padStart(9),
    );
  }
  const links = {};
  for (const build of builds) links[build.name] = await statusLink(build.baseUrl);

  const runs = Object.fromEntries(builds.map((b) => [b.name, { list: [], status: [] }]));
  for (let i = 0; i < RUNS; i += 1) {
    for (const build of builds) {
      runs[build.name].list.push(await openCold(browser, build.baseUrl, '/', '.prison-list__name'));
      runs[build.name].status.push(await openCold(browser, build.baseUrl, links[build.name].path, '#visit-state'));
    }
  }
  const summaries = [];
  for (const build of builds) {
    const { list, status } = runs[build.name];
    const noJs = await withoutJavaScript(browser, build.baseUrl, {
      list: '/',
      prison: links[build.name].prisonPath,
      status: links[build.name].path,
    });
    summaries.push({
      name: build.name,
      list_usable_ms: median(list.map((r) => r.usableMs)),
      list_runs_ms: list.map((r) => r.usableMs),
      list_bytes_usable: median(list.map((r) => r.bytesUsable)),
      list_bytes_total: median(list.map((r) => r.bytesTotal)),
      status_usable_ms: median(status.map((r) => r.usableMs)),
      status_runs_ms: status.map((r) => r.usableMs),
      status_bytes_usable: median(status.map((r) => r.bytesUsable)),
      no_js: noJs,
    });
  }
  console.log(`\nVisitor pages on the slow profile (CPU ${CPU_SLOWDOWN}x, 400 kbit/s, 400 ms), medians of ${RUNS}:`);
  console.log(
    'build'.padEnd(8),
    'list ms'.padStart(8),
    'bytes by then'.padStart(14),
    'bytes in all'.padStart(13),
    'status ms'.padStart(10),
    'bytes by then'.padStart(14),
    '  no JS: HTML+CSS list / prison / status (scripts)',
  );
  for (const s of summaries) {
    const noJs = ['list', 'prison', 'status'].map((k) => s.no_js[k].htmlAndCss).join(' / ');
    const scripts = ['list', 'prison', 'status'].reduce((total, k) => total + s.no_js[k].scripts, 0);
    console.log(
      s.name.padEnd(8),
      String(s.list_usable_ms).padStart(8),
      String(s.list_bytes_usable).padStart(14),
      String(s.list_bytes_total).padStart(13),
      String(s.status_usable_ms).padStart(10),
      String(s.status_bytes_usable).padStart(14),
      `  ${noJs} (${scripts})`,
    );
  }
  const now = summaries.at(-1);
  const checks = [
    ['prison list usable', now.list_usable_ms, LIST_TARGET_MS, 'ms'],
    ['first page transferred by then', now.list_bytes_usable, FIRST_PAGE_TARGET_BYTES, 'bytes'],
    ['status link usable', now.status_usable_ms, STATUS_TARGET_MS, 'ms'],
    ...['list', 'prison', 'status'].map((k) => [`no JS, ${k}: HTML and CSS`, now.no_js[k].htmlAndCss, NO_JS_TARGET_BYTES, 'bytes']),
  ];
  let ok = true;
  for (const [what, value, target, unit] of checks) {
    const met = value <= target;
    ok &&= met;
    console.log(`${what}: ${value} ${unit} (budget ${target}): ${met ? 'OK' : 'OVER'}`);
  }
  console.log(JSON.stringify({ visitor: summaries }));
  return ok;
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
  ? await startServer({ env: { STATIC_DIR: process.env.BENCH_BEFORE_STATIC_DIR }, bin: process.env.BENCH_BEFORE_BIN })
  : null;
let browser;
let failed = false;
try {
  browser = await launchBrowser();
  const builds = before
    ? [{ name: 'before', baseUrl: before.baseUrl }, { name: 'after', baseUrl: server.baseUrl }]
    : [{ name: 'this', baseUrl: server.baseUrl }];
  if (PARTS.includes('staff')) failed = !(await staffPart(browser, builds));
  if (PARTS.includes('visitor')) failed = !(await visitorPart(browser, builds)) || failed;
} finally {
  await browser?.close();
  await server.stop();
  await before?.stop();
}
if (failed && process.env.BENCH_STRICT === '1') process.exit(1);
