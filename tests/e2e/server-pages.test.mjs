// The visitor pages the server renders (crates/api/src/pages.rs): whole without JavaScript, at their real HTTP
// statuses, within the size budget, and taken over by the WebAssembly client without a second load of their data.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { checkPageWithoutJavaScript, launchBrowser, openPage, startServer } from './harness.mjs';

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

/** A 320 px phone page, with JavaScript on or off, recording every response it gets. */
async function phonePage(t, { javaScript }) {
  const context = await browser.newContext({
    viewport: { width: 320, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    javaScriptEnabled: javaScript,
  });
  const opened = await openPage(t, context);
  const responses = [];
  opened.page.on('response', (response) => responses.push(response));
  return { ...opened, responses };
}

/** Bytes each response took on the wire (body as sent, compressed if it was), by path. */
async function transferred(responses) {
  const sizes = [];
  for (const response of responses) {
    const { responseBodySize } = await response.request().sizes();
    sizes.push({ path: new URL(response.url()).pathname, bytes: responseBodySize, type: response.headers()['content-type'] ?? '' });
  }
  return sizes;
}

/** A visit requested through the API at a demo prison, in `locale`. */
async function requestVisit(locale = 'en') {
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  const prison = prisons.find((p) => p.name === 'HMP Leeds (demo)');
  const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${prison.id}/availability`)).json();
  const slot = availability.days.flatMap((day) => day.slots).find((s) => s.state === 'available');
  const response = await fetch(`${server.baseUrl}/api/v1/visits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({
      prison_id: prison.id,
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
      locale,
    }),
  });
  assert.equal(response.status, 201, `the visit is requested: ${await response.clone().text()}`);
  return response.json();
}

describe('without JavaScript', () => {
  test('the prison list and a prison page are whole pages, under 30 KB of HTML and CSS, with no script or WebAssembly fetched', async (t) => {
    const { page, responses, problems } = await phonePage(t, { javaScript: false });
    const home = await page.goto(`${server.baseUrl}/`);
    assert.equal(home.status(), 200);
    const names = await page.locator('#prison-list .prison-list__name').allInnerTexts();
    assert.deepEqual(names.sort(), ['HMP Cardiff (demo)', 'HMP Leeds (demo)', 'HMP Rochester (demo)']);
    assert.match(await page.title(), /^Choose a prison - Visit someone in prison$/);
    await checkPageWithoutJavaScript(page, 'no-js-1-prisons', /Choose a prison/);

    await page.click('text=HMP Leeds (demo)');
    await page.waitForURL(/\/prison\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('main h1').innerText(), /HMP Leeds \(demo\)/);
    assert.match(await page.locator('main').innerText(), /Who can visit[\s\S]*Contact the prison[\s\S]*Phone:/);
    assert.match(await page.title(), /^HMP Leeds \(demo\) - /, 'the title names the prison');
    await checkPageWithoutJavaScript(page, 'no-js-2-prison', /HMP Leeds/);

    const sizes = await transferred(responses);
    const fetchedCode = sizes.filter((s) => /\.(js|wasm)$/.test(s.path));
    assert.deepEqual(fetchedCode, [], 'no JavaScript or WebAssembly is downloaded with JavaScript off');
    for (const pagePath of ['/', sizes.find((s) => s.path.startsWith('/prison/')).path]) {
      const htmlAndCss = sizes
        .filter((s) => s.path === pagePath || /\.css$/.test(s.path))
        .reduce((sum, s) => sum + s.bytes, 0);
      assert.ok(htmlAndCss <= 30_000, `${pagePath}: ${htmlAndCss} bytes of HTML and CSS (budget 30,000)`);
    }
    assert.deepEqual(problems.pageErrors, []);
  });

  test('an unknown address and an unknown prison answer 404 with a page saying so', async (t) => {
    const { page } = await phonePage(t, { javaScript: false });
    const missing = await page.goto(`${server.baseUrl}/no/such/page`);
    assert.equal(missing.status(), 404);
    assert.match(await page.locator('main h1').innerText(), /Page not found/);
    await checkPageWithoutJavaScript(page, 'no-js-404', /Page not found/);
    const prison = await page.goto(`${server.baseUrl}/prison/00000000-0000-4000-8000-000000000000`);
    assert.equal(prison.status(), 404);
    assert.match(await page.locator('main').innerText(), /could not find this page/);
  });

  test('the language switch is a link: the page and the next ones come in Welsh', async (t) => {
    const { page } = await phonePage(t, { javaScript: false });
    await page.goto(`${server.baseUrl}/`);
    await page.click('#language-switch');
    await page.waitForURL(/\?lang=cy$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
    assert.match(await page.locator('main h1').innerText(), /Dewiswch garchar/);
    await checkPageWithoutJavaScript(page, 'no-js-prisons-cy', /Dewiswch garchar/);
    await page.click('text=HMP Leeds (demo)');
    await page.waitForURL(/\/prison\//);
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy', 'the choice is kept for the next page');
    assert.match(await page.locator('main').innerText(), /Pwy all ymweld/);
    await page.click('#language-switch');
    await page.waitForURL(/\?lang=en$/);
    assert.match(await page.locator('main').innerText(), /Who can visit/);
  });

  test('the status link shows the visit, and takes its token out of the address at once', async (t) => {
    const created = await requestVisit();
    const { page, responses } = await phonePage(t, { javaScript: false });
    const link = `${server.baseUrl}${created.status_path}`;
    assert.match(created.status_path, new RegExp(`^/visit/${created.reference}\\?token=`), 'the link carries the token');
    const landed = await page.goto(link);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, `/visit/${created.reference}`, 'no token left in the address');
    assert.equal(landed.status(), 200);
    const redirect = responses.find((r) => r.status() === 303);
    assert.ok(redirect, 'the link is answered with a redirect');
    const cookie = (await redirect.allHeaders())['set-cookie'] ?? '';
    assert.match(cookie, new RegExp(`^pvb_visit_${created.reference}=`), 'the token goes to a cookie');
    assert.match(cookie, /HttpOnly/i, 'which no script can read');
    assert.match(cookie, /SameSite=Lax/i, 'and no other site can send');
    assert.equal(landed.headers()['referrer-policy'], 'no-referrer');
    assert.equal(landed.headers()['cache-control'], 'no-store', 'the visit page is not kept by any cache');
    assert.equal(await page.locator('#visit-state').getAttribute('data-state'), 'requested');
    assert.match(await page.locator('main').innerText(), new RegExp(`${created.reference}[\\s\\S]*John Smith[\\s\\S]*Mary Smith`));
    await checkPageWithoutJavaScript(page, 'no-js-status', /Your visit request/);

    // Reloading keeps working (the cookie), and a wrong token is a 404 that says what to do.
    assert.equal((await page.reload()).status(), 200);
    const wrong = await page.goto(`${server.baseUrl}/visit/${created.reference}?token=not-the-token`);
    assert.equal(wrong.status(), 404);
    assert.match(await page.locator('#link-not-valid').innerText(), /This link is not valid/);
  });

  test('a visit asked for in Welsh opens in Welsh on a device that has never chosen', async (t) => {
    const created = await requestVisit('cy');
    const { page } = await phonePage(t, { javaScript: false });
    await page.goto(`${server.baseUrl}${created.status_path}`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
    assert.match(await page.locator('main h1').innerText(), /Eich cais am ymweliad/);
    await checkPageWithoutJavaScript(page, 'no-js-status-cy', /Eich cais am ymweliad/);
  });
});

describe('with JavaScript', () => {
  test('the app takes over the server\'s page without loading its data again, and then moves between pages itself', async (t) => {
    const { page, problems } = await phonePage(t, { javaScript: true });
    const calls = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) calls.push(new URL(request.url()).pathname);
    });
    await page.goto(`${server.baseUrl}/`);
    await page.locator('html[data-app=ready]').waitFor({ state: 'attached' });
    assert.deepEqual(calls, [], 'the prisons came with the page');
    await page.fill('#prison-search', 'leeds');
    await page.locator('#prison-count', { hasText: '1 prison' }).waitFor();
    const documents = [];
    page.on('request', (request) => request.resourceType() === 'document' && documents.push(request.url()));
    await page.click('text=HMP Leeds (demo)');
    await page.locator('#start').waitFor();
    assert.deepEqual(documents, [], 'the prison page is drawn by the app, not loaded from the server');
    await page.click('#start');
    await page.waitForURL(/\/book\/prisoner$/);
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors');
    assert.deepEqual(problems.consoleErrors, [], 'no console errors (a failed takeover logs one)');
  });

  test('an old-style status link (token after #) still opens the visit, and the token leaves the address', async (t) => {
    const created = await requestVisit();
    const { page, problems } = await phonePage(t, { javaScript: true });
    await page.goto(`${server.baseUrl}/visit/${created.reference}#${created.status_token}`);
    await page.waitForURL(new RegExp(`/visit/${created.reference}$`));
    await page.locator('#visit-state[data-state=requested]').waitFor();
    await page.locator('html[data-app=ready]').waitFor({ state: 'attached' });
    await page.click('#withdraw');
    await page.click('#confirm-yes');
    await page.locator('#visit-state[data-state=withdrawn]').waitFor();
    assert.deepEqual(problems.pageErrors, []);
  });
});
