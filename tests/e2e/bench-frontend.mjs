// Size and speed of the web client's first page, as a visitor on a slow phone gets it (run scripts/bench-frontend.sh).
//   1. Bytes on the wire for the first page (HTML, JS, WASM, CSS: every file Chromium fetched until the prison list
//      was usable, API calls aside) as the server sends them compressed, asked for with Accept-Encoding br and gzip.
//   2. Time until the prison list is usable (links on screen) in headless Chromium with the CPU slowed 4x
//      (CDP Emulation.setCPUThrottlingRate), cache disabled, median of several runs.
// Targets: at most 250 KB compressed in total; usable within 2 s. Prints a table and one JSON line; exits 1 when a
// target is missed and BENCH_STRICT=1.

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

const server = await startServer();
let browser;
let failed = false;
try {
  browser = await launchBrowser();
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
  failed = !(bytesOk && timeOk);
} finally {
  await browser?.close();
  await server.stop();
}
if (failed && process.env.BENCH_STRICT === '1') process.exit(1);
