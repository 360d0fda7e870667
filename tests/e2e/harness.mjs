// Shared helpers for the end-to-end tests: start the real API server (which also serves the built web client),
// launch Debian's headless Chromium, run axe-core, and write screenshots to artifacts/e2e/ at the repo root.
//
// Environment:
//   PVB_BIN          the server binary (default: target/debug/prison-visits, relative to the repo root)
//   PVB_STATIC_DIR   the built client (default: frontend/dist, relative to the repo root)
//   CHROMIUM         the browser (default: /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = join(repoRoot, 'artifacts', 'e2e');

/** The demonstration prisons seeded with DEMO_DATA=true. */
export const DEMO_PRISONS = ['HMP Cardiff (demo)', 'HMP Leeds (demo)', 'HMP Rochester (demo)'];

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64 * 1024;

/** Asks the OS for a port that is free on 127.0.0.1 right now. */
export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the server on a fresh SQLite database in a temporary directory and waits until `GET /api/v1/ready` answers
 * 200. Returns `{ baseUrl, output(), stop() }`; `stop()` kills the server and removes the temporary directory.
 */
/** Starts the server; `env` adds to or overrides its environment (e.g. RECORDS=builtin). */
export async function startServer({ env = {}, bin: binPath = null } = {}) {
  const bin = resolve(repoRoot, binPath || process.env.PVB_BIN || 'target/debug/prison-visits');
  const staticDir = resolve(repoRoot, env.STATIC_DIR || process.env.PVB_STATIC_DIR || 'frontend/dist');
  if (!existsSync(bin)) {
    throw new Error(`server binary ${bin} not found: run 'cargo build -p api --bin prison-visits' or set PVB_BIN`);
  }
  if (!existsSync(join(staticDir, 'index.html')) || !existsSync(join(staticDir, 'pkg', 'frontend_bg.wasm'))) {
    throw new Error(`web client not built in ${staticDir}: run scripts/build-frontend.sh`);
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'pvb-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = '';
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };

  const child = spawn(bin, [], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db?mode=rwc`,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'true',
      STATIC_DIR: staticDir,
      LOG_FORMAT: 'json',
      RUST_LOG: 'warn',
      // Every browser test books from 127.0.0.1, many times for the same demo prisoners: visit request limits off
      // (they are tested in crates/api/tests/api/visit_limits.rs). A test may turn them on through `env`.
      VISIT_REQUEST_LIMIT_PER_ADDRESS: '0',
      VISIT_REQUEST_LIMIT_PER_PRISONER: '0',
      VISIT_REQUEST_LIMIT_PER_EMAIL: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((done) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      done(exited);
    }),
  );
  child.on('error', (error) => keep(`spawn error: ${error.message}\n`));

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (true) {
    if (exited !== null) {
      await stop();
      throw new Error(`server exited before it was ready (${JSON.stringify(exited)}); its output:\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/v1/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000} s (last: ${last}); its output:\n${log}`);
    }
    await sleep(100);
  }

  return { baseUrl, output: () => log, stop };
}

/** Launches Debian's Chromium headless. Never downloads a browser. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: install Debian's chromium (scripts/test-e2e.sh does)`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A phone-sized browser context (320 x 640 CSS pixels, the narrowest width WCAG reflow asks for). */
export function phone(browser, { javaScript = true } = {}) {
  return browser.newContext({
    viewport: { width: 320, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    javaScriptEnabled: javaScript,
  });
}

/**
 * Records what goes wrong inside a page: uncaught exceptions, console errors and failed requests, so that a test can
 * assert there were none and show them when there were.
 */
export function watchPage(page) {
  const problems = { pageErrors: [], consoleErrors: [], failedRequests: [] };
  page.on('pageerror', (error) => problems.pageErrors.push(String(error?.stack ?? error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
  );
  return problems;
}

/** Saves a full-page screenshot as artifacts/e2e/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.0, 2.1 and 2.2 level A and AA rules. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Injects axe-core into the page and runs the WCAG A/AA rules on the whole document. */
export async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the DevTools protocol, not added as a <script>: the pages' Content-Security-Policy
    // (rightly) refuses inline scripts, and the tests must see the pages under the policy visitors get.
    await page.evaluate(axeSource);
  }
  return page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
}

/** Formats axe violations for a person to read: rule, impact, help page, and each failing element with why. */
export function formatViolations(violations) {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => {
          const why = (node.failureSummary ?? '').replace(/\n/g, '\n        ');
          return `    - element ${node.target.join(' ')}\n      ${node.html}\n        ${why}`;
        })
        .join('\n');
      return `  ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** How long a test waits for the page to show something before failing. */
export const UI_TIMEOUT_MS = 15_000;

/** A new page in `context` for test `t`: the usual timeout, closed with the test, its errors watched. */
export async function openPage(t, context) {
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const problems = watchPage(page);
  return { context, page, problems };
}

/**
 * Checks a page as every browser test does and saves its screenshot as artifacts/e2e/<name>.png: no axe-core WCAG
 * A/AA violation (listed readably when there is one), no sideways scrolling, exactly one h1, and a title matching
 * `title`.
 */
export async function checkPage(page, name, title) {
  await screenshot(page, name);
  const results = await runAxe(page);
  assert.equal(
    results.violations.length,
    0,
    `axe-core found ${results.violations.length} WCAG A/AA violation(s) on ${name}:\n${formatViolations(results.violations)}`,
  );
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize()?.width ?? 320;
  assert.ok(width <= viewport, `no horizontal scrolling on ${name} (document is ${width} px wide)`);
  assert.equal(await page.locator('main h1').count(), 1, `${name} has exactly one h1`);
  // A control named after a property of its form (`action`, `remove`, `submit`...) hides that property from every
  // script, the app's own included (its `remove()` is how a page is taken down).
  const clobbering = await page.evaluate(() => {
    // A property of the form itself, or a method it inherits (`remove`, `append`, `focus`...).
    const hidden = (name) => {
      for (let proto = HTMLFormElement.prototype; proto; proto = Object.getPrototypeOf(proto)) {
        const property = Object.getOwnPropertyDescriptor(proto, name);
        if (property) return proto === HTMLFormElement.prototype || typeof property.value === 'function';
      }
      return false;
    };
    return [...document.querySelectorAll('form [name]')].map((e) => e.name).filter(hidden);
  });
  assert.deepEqual(clobbering, [], `no form control on ${name} is named after a property of its form`);
  assert.match(await page.title(), title, `${name} has a title`);
}

/**
 * Opens a visitor page and waits until the app has taken it over (`<html data-app="ready">`): the server's page
 * is on screen before that, but its buttons do nothing until the WebAssembly has loaded.
 */
export async function gotoApp(page, url) {
  const response = await page.goto(url);
  await page.locator('html[data-app=ready]').waitFor({ state: 'attached' });
  return response;
}

/**
 * Gives the browser of `page` a draft of a visit request on the server, as if the visitor had typed it (the app
 * saves what is typed with `PUT /book/draft`, under the browser's `pvb_draft` cookie).
 */
export async function saveDraft(page, baseUrl, draft) {
  const saved = await page.request.put(`${baseUrl}/book/draft`, { data: draft, headers: { origin: baseUrl } });
  assert.equal(saved.status(), 204, `the draft is saved: ${await saved.text()}`);
}

/**
 * Reloads a visitor page and waits until the app has taken it over, as `gotoApp` does. First waits for the app to
 * have saved the visitor's draft to the server (`<html data-saving>` gone), which renders the reloaded page from it.
 */
export async function reloadApp(page) {
  await page.locator('html:not([data-saving])').waitFor({ state: 'attached' });
  const response = await page.reload();
  await page.locator('html[data-app=ready]').waitFor({ state: 'attached' });
  return response;
}

/**
 * `checkPage` for a page opened with JavaScript off, where axe-core (which needs timers and promises) cannot run:
 * the page's HTML as the browser holds it, scripts removed, is shown again in a context with JavaScript on (same
 * address, same size, the server's stylesheets) and checked there.
 */
export async function checkPageWithoutJavaScript(page, name, title) {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const context = await page.context().browser().newContext({
    viewport: page.viewportSize(),
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
  });
  try {
    const copy = await context.newPage();
    const url = page.url();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url);
    await checkPage(copy, name, title);
  } finally {
    await context.close();
  }
}
