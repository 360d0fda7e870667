// The home page (the list of prisons) in real headless Chromium, against the real server and its demo data.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  DEMO_PRISONS,
  formatViolations,
  gotoApp,
  launchBrowser,
  phone,
  reloadApp,
  runAxe,
  screenshot,
  startServer,
  UI_TIMEOUT_MS,
  watchPage,
} from './harness.mjs';

const LOADING = /Loading prisons/;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the home page on a phone and waits until the list of prisons is on screen. */
async function openHome(t) {
  const context = await phone(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const problems = watchPage(page);
  await gotoApp(page, `${server.baseUrl}/`);
  const list = page.locator('main ul li');
  await list.first().waitFor({ state: 'visible' });
  return { page, problems, list };
}

/**
 * Opens a prison's page and follows its Back link: the app, not the server, then draws the list, asking the API for
 * the prisons (the server renders the first page with them, so only a move inside the app can meet a failing API).
 */
async function backToTheListInTheApp(page) {
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  await gotoApp(page, `${server.baseUrl}/prison/${prisons[0].id}`);
  await page.locator('.govuk-back-link').click();
  await page.waitForURL(`${server.baseUrl}/`);
}

/** Fails with what axe found, readably, if it found anything. */
async function assertNoAxeViolations(page, where) {
  const results = await runAxe(page);
  assert.equal(
    results.violations.length,
    0,
    `axe-core found ${results.violations.length} WCAG A/AA violation(s) ${where}:\n${formatViolations(results.violations)}`,
  );
}

describe('home page on a 320 px wide phone', () => {
  test('shows a heading and the demo prisons the API returns, each marked as a demo, without horizontal scrolling', async (t) => {
    const { page, problems, list } = await openHome(t);
    await screenshot(page, 'home-phone-320');

    // The page (rendered by the server, with the same service the API answers from) lists exactly what the API
    // answers, in the same order.
    const fromApi = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
    assert.deepEqual(
      fromApi.map((prison) => prison.name).sort(),
      [...DEMO_PRISONS].sort(),
      'the API lists the three demo prisons',
    );
    assert.ok(fromApi.every((prison) => prison.demo === true), 'the API marks every demo prison as a demo');

    const shown = await list.evaluateAll((items) =>
      items.map((item) => ({
        name: item.querySelector('.prison-list__name')?.textContent.trim() ?? item.textContent.trim(),
        text: item.innerText,
      })),
    );
    assert.deepEqual(
      shown.map((item) => item.name),
      fromApi.map((prison) => prison.name),
      'the page lists the prisons the API lists, in its order',
    );
    for (const item of shown) {
      assert.match(item.text, /\bDemo\b/, `"${item.name}" is visibly marked as a demo`);
    }

    // One level-1 heading that says what the page is for.
    const headings = page.getByRole('heading', { level: 1 });
    assert.equal(await headings.count(), 1, 'exactly one level-1 heading');
    assert.ok(await headings.isVisible(), 'the level-1 heading is visible');
    assert.notEqual((await headings.textContent()).trim(), '', 'the level-1 heading has text');

    assert.equal(await page.getByText(LOADING).count(), 0, 'no "Loading" message left on screen');
    assert.notEqual((await page.title()).trim(), '', 'the page has a <title>');
    assert.match((await page.locator('html').getAttribute('lang')) ?? '', /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'html has lang');

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `no horizontal scrolling at 320 px (document is ${width} px wide)`);

    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
    assert.deepEqual(problems.consoleErrors, [], 'no errors in the browser console');
    assert.deepEqual(problems.failedRequests, [], 'no failed requests');
  });

  test('axe-core finds no WCAG 2.2 A/AA violations', async (t) => {
    const { page } = await openHome(t);
    await assertNoAxeViolations(page, 'on the home page at 320 px');
    // And at a desktop width, where the stylesheet's media queries change sizes and spacing.
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'home-desktop-1280');
    await assertNoAxeViolations(page, 'on the home page at 1280 px');
  });

  test('works with the keyboard: Tab focuses the skip link first, and Enter on it moves focus to the main content', async (t) => {
    const { page } = await openHome(t);

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const box = element.getBoundingClientRect();
      return {
        tag: element.tagName,
        text: element.textContent.trim(),
        href: element.getAttribute('href'),
        width: box.width,
        height: box.height,
      };
    });
    assert.equal(focused.tag, 'A', `the first Tab focuses a link (focused: ${JSON.stringify(focused)})`);
    assert.match(focused.text, /skip to main content/i, 'the first Tab focuses the skip link');
    assert.ok(
      focused.width > 10 && focused.height > 10,
      `the skip link becomes visible when focused (${focused.width} x ${focused.height} px)`,
    );
    await screenshot(page, 'home-phone-skip-link-focused');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'MAIN', null, { timeout: 5_000 }).catch(() => {});
    const target = await page.evaluate(() => ({
      tag: document.activeElement?.tagName,
      id: document.activeElement?.id,
      hash: location.hash,
    }));
    assert.equal(target.tag, 'MAIN', `Enter on the skip link moves focus to <main> (focused: ${JSON.stringify(target)})`);
    assert.equal(`#${target.id}`, focused.href, 'focus lands on the element the skip link points to');
  });

  test('when the API fails as the app comes back to the list, shows an error message instead of "Loading", and axe still finds nothing', async (t) => {
    const context = await phone(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const problems = watchPage(page);
    await page.route('**/api/v1/prisons', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: '/problems/internal',
          title: 'Sorry, there is a problem with the service',
          status: 500,
          code: 'internal',
        }),
      }),
    );
    await backToTheListInTheApp(page);

    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    await screenshot(page, 'home-phone-api-error');
    const message = await alert.innerText();
    assert.match(message, /problem|wrong|try again/i, `the error says something went wrong (shown: ${message})`);
    assert.equal(await page.getByText(LOADING).count(), 0, 'the "Loading" message is gone');
    assert.equal(await page.locator('main ul li').count(), 0, 'no prisons listed');
    assert.ok(await page.getByRole('heading', { level: 1 }).isVisible(), 'the page heading is still shown');
    assert.ok(
      await page.getByRole('button', { name: /try again/i }).isVisible(),
      'the visitor is offered a way to try again',
    );
    assert.deepEqual(problems.pageErrors, [], 'the failure is handled: no uncaught errors in the page');

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `no horizontal scrolling at 320 px (document is ${width} px wide)`);
    await assertNoAxeViolations(page, 'on the home page showing the API error');
  });

  test('after an API failure, "Try again" loads the prisons once the API is back', async (t) => {
    const context = await phone(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.route('**/api/v1/prisons', (route) =>
      route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' }),
    );
    await backToTheListInTheApp(page);
    await page.getByRole('alert').waitFor({ state: 'visible' });

    await page.unroute('**/api/v1/prisons');
    await page.getByRole('button', { name: /try again/i }).click();
    const list = page.locator('main ul li');
    await list.first().waitFor({ state: 'visible' });
    await screenshot(page, 'home-phone-after-retry');
    const names = await list.locator('.prison-list__name').allTextContents();
    assert.deepEqual([...names].sort(), [...DEMO_PRISONS].sort(), 'the demo prisons are listed after trying again');
    assert.equal(await page.getByRole('alert').count(), 0, 'the error message is gone');
  });
});

describe('the visitor client split by page', () => {
  test('the prison list needs only the main module; the journey\'s module arrives when a prison is chosen, and Back and Forward work', async (t) => {
    const context = await phone(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const problems = watchPage(page);
    const modules = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('.wasm')) modules.push(path);
    });
    await gotoApp(page, `${server.baseUrl}/`);
    await page.locator('.prison-list__name').first().waitFor({ state: 'visible' });
    assert.deepEqual(modules, ['/pkg/frontend_bg.wasm'], 'the prison list needs the main module alone');

    await page.locator('.prison-list__name').first().click();
    await page.locator('#start').waitFor({ state: 'visible' });
    assert.ok(
      modules.includes('/pkg/split_journey.wasm'),
      `the journey's module is fetched when a prison is chosen (fetched: ${modules.join(', ')})`,
    );
    assert.ok(!modules.some((path) => path.includes('status')), 'not the status page\'s');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.match(await page.evaluate(() => document.activeElement.textContent), /\(demo\)/, 'the prison\'s name has focus');

    await page.goBack();
    await page.locator('.prison-list__name').first().waitFor({ state: 'visible' });
    await page.goForward();
    await page.locator('#start').waitFor({ state: 'visible' });
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
    assert.deepEqual(problems.consoleErrors, [], 'no errors in the browser console');
    assert.deepEqual(problems.failedRequests, [], 'no failed requests');
  });

  test('when the journey\'s module cannot be downloaded, the page says so, and trying again carries on', async (t) => {
    const context = await phone(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const problems = watchPage(page);
    await gotoApp(page, `${server.baseUrl}/`);
    await page.locator('.prison-list__name').first().waitFor({ state: 'visible' });
    await page.route('**/pkg/split_journey*', (route) => route.abort('internetdisconnected'));

    await page.locator('.prison-list__name').first().click();
    await page.getByRole('heading', { level: 1, name: /this page could not be loaded/i }).waitFor({ state: 'visible' });
    assert.match(await page.getByRole('alert').innerText(), /internet connection/);
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(problems.pageErrors.length, 0, `the app keeps running (${problems.pageErrors})`);
    await assertNoAxeViolations(page, 'on the page shown when a module cannot be downloaded');
    await screenshot(page, 'home-phone-module-not-loaded');

    await page.unroute('**/pkg/split_journey*');
    await page.getByRole('button', { name: /try again/i }).click();
    await page.locator('#start').waitFor({ state: 'visible' });
    await page.getByRole('link', { name: 'Cymraeg' }).click();
    await page.locator('#start', { hasText: 'Dechrau nawr' }).waitFor({ state: 'visible' });
  });

  test('every module the split loader names is served, Brotli-compressed at build time', async () => {
    const loader = await fetch(`${server.baseUrl}/pkg/__wasm_split.js`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(loader.status, 200);
    assert.equal(loader.headers.get('content-encoding'), 'br');
    assert.match(loader.headers.get('content-type') ?? '', /javascript/);
    const names = [...new Set((await loader.text()).match(/(?:split|chunk)_\w+\.wasm/g))];
    assert.ok(names.includes('split_journey.wasm'), `the journey's module (found ${names})`);
    assert.ok(names.includes('split_status.wasm'), `the status page's module (found ${names})`);
    for (const name of names) {
      const response = await fetch(`${server.baseUrl}/pkg/${name}`, { headers: { 'accept-encoding': 'br' } });
      assert.equal(response.status, 200, `/pkg/${name}`);
      assert.equal(response.headers.get('content-encoding'), 'br', `/pkg/${name}`);
      assert.equal(response.headers.get('content-type'), 'application/wasm', `/pkg/${name}`);
      await WebAssembly.compile(await response.arrayBuffer());
    }
  });
});

describe('the compiled client as served', () => {
  for (const path of ['/pkg/frontend_bg.wasm', '/staff-pkg/frontend_staff_bg.wasm']) test(`${path} is sent Brotli-compressed at build time to browsers that accept it, and plain to those that do not`, async () => {
    const wasm = `${server.baseUrl}${path}`;
    const brotli = await fetch(wasm, { headers: { 'accept-encoding': 'br' } });
    assert.equal(brotli.status, 200);
    assert.equal(brotli.headers.get('content-encoding'), 'br');
    assert.equal(brotli.headers.get('content-type'), 'application/wasm');
    // fetch decodes the body: what arrives is the very module, so it must compile.
    const module = await WebAssembly.compile(await brotli.arrayBuffer());
    assert.ok(WebAssembly.Module.exports(module).length > 0);

    const plain = await fetch(wasm, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(plain.headers.get('content-type'), 'application/wasm');

    const outside = await fetch(`${server.baseUrl}/pkg/..%2Findex.html`);
    assert.equal(outside.status, 404);
  });

  for (const path of ['/govuk-frontend.min.css', '/style.css', '/staff.css']) test(`${path} is sent Brotli-compressed at build time too`, async () => {
    const brotli = await fetch(`${server.baseUrl}${path}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(brotli.status, 200);
    assert.equal(brotli.headers.get('content-encoding'), 'br');
    assert.match(brotli.headers.get('content-type') ?? '', /^text\/css\b/);
    const plain = await fetch(`${server.baseUrl}${path}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await brotli.text(), await plain.text(), 'the same stylesheet either way');
  });
});
