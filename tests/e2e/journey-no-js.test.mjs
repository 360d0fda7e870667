// The visitor's whole journey with JavaScript off, in real headless Chromium on a 320 px phone: every step is an
// HTML form the server checks (crates/api/src/journey), in English and in Welsh, axe-checked on every page, errors
// shown and without. Then the journey finished by a visitor whose WebAssembly stops downloading half way, and a
// draft shared by the server-rendered pages and the app. Screenshots go to artifacts/e2e/no-js-journey-*.png.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { checkPage, checkPageWithoutJavaScript, gotoApp, launchBrowser, openPage, phone, startServer } from './harness.mjs';

const LEEDS = 'HMP Leeds (demo)';

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

async function phonePage(t, { javaScript }) {
  return openPage(t, await phone(browser, { javaScript }));
}

async function fillDate(page, base, [day, month, year]) {
  await page.fill(`#${base}-day`, day);
  await page.fill(`#${base}-month`, month);
  await page.fill(`#${base}-year`, year);
}

/** Asserts the page is `path`, loaded from the server (`<html data-rendered="server">`). */
async function assertAt(page, path) {
  await page.waitForURL((url) => url.pathname === path);
  assert.equal(await page.locator('html').getAttribute('data-rendered'), 'server');
}

/**
 * The journey with JavaScript off, from the prison list to the confirmation, then the status page. `T(en, cy)`
 * picks the wording. Returns the reference.
 */
async function bookWithoutJavaScript(page, { tag, welsh }) {
  const T = (en, cy) => (welsh ? cy : en);
  await page.goto(`${server.baseUrl}/`);
  if (welsh) {
    await page.click('#language-switch');
    await page.locator('html[lang=cy]').waitFor({ state: 'attached' });
  }
  await page.click(`text=${LEEDS}`);
  await page.click('#start');
  await assertAt(page, '/book/prisoner');

  // The prisoner: Continue with nothing typed shows the GOV.UK error summary, from the server.
  await page.click('#continue');
  await assertAt(page, '/book/prisoner');
  const summary = page.locator('#error-summary');
  assert.match(await summary.innerText(), T(/Enter the prisoner’s first name/, /Rhowch enw cyntaf y carcharor/));
  assert.match(await page.title(), T(/^Error:/, /^Gwall:/));
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-prisoner-errors`, /\S/);
  await page.fill('#prisoner-first_name', 'John');
  await page.fill('#prisoner-last_name', 'Smith');
  await fillDate(page, 'prisoner-date_of_birth', ['12', '4', '1985']);
  await page.fill('#prisoner-number', 'a1234bc');
  // Enter in a field means Continue, not one of the other buttons of the form.
  await page.press('#prisoner-number', 'Enter');

  // Times: checkboxes; the choice comes back ticked and listed.
  await assertAt(page, '/book/times');
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-times`, /\S/);
  const boxes = page.locator('input[name=slots]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.click('#continue');
  await assertAt(page, '/book/visitors');
  await page.goBack();
  await assertAt(page, '/book/times');
  await page.reload();
  assert.equal(await page.locator('.app-chosen__item').count(), 2, 'both choices are listed');
  // Remove the second: a button of the form, answered by the server.
  await page.click('#remove-1');
  await assertAt(page, '/book/times');
  assert.equal(await page.locator('.app-chosen__item').count(), 1);
  await page.click('#continue');

  // Visitors: add one without JavaScript, then fill everything in.
  await assertAt(page, '/book/visitors');
  await page.fill('#lead_visitor-first_name', 'Mary');
  await page.click('#add-visitor');
  await assertAt(page, '/book/visitors');
  assert.equal(await page.inputValue('#lead_visitor-first_name'), 'Mary', 'what was typed before Add stays');
  await page.fill('#lead_visitor-last_name', 'Smith');
  await fillDate(page, 'lead_visitor-date_of_birth', ['1', '7', '1980']);
  await page.fill('#lead_visitor-email', 'mary.nojs@example.com');
  await page.fill('#lead_visitor-email_confirm', 'mary.nojs@example.com');
  await page.fill('#lead_visitor-phone', '07700 900123');
  await page.fill('#other_visitors-0-first_name', 'Amy');
  await page.fill('#other_visitors-0-last_name', 'Smith');
  await fillDate(page, 'other_visitors-0-date_of_birth', ['9', '3', '2015']);
  await page.check('#lead_visitor-contact_by-sms');
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-visitors`, /\S/);
  await page.click('#continue');

  // Support: every question shows without JavaScript; a ticked need's question must be answered.
  await assertAt(page, '/book/support');
  assert.equal(await page.locator('#support_needs-other_details').isVisible(), true, 'shown without JavaScript');
  await page.check('#support_needs-other');
  await page.click('#continue');
  await assertAt(page, '/book/support');
  assert.match(await page.locator('#error-summary').innerText(), T(/support you need/, /cymorth/));
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-support-errors`, /\S/);
  await page.fill('#support_needs-other_details', T('A quiet place to wait', 'Lle tawel i aros'));
  await page.click('#continue');

  // Check your answers, then Send.
  await assertAt(page, '/book/check');
  assert.match(await page.locator('main').innerText(), T(/Text message[\s\S]*Other: A quiet place to wait/, /Neges destun[\s\S]*Arall: Lle tawel i aros/));
  assert.match(await page.locator('main').innerText(), /John Smith[\s\S]*Mary Smith[\s\S]*Amy Smith/);
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-check`, /\S/);
  await page.click('#send');
  await assertAt(page, '/book/done');
  const reference = (await page.locator('#reference').innerText()).trim();
  assert.match(reference, /^[0-9A-Z]{8}$/);
  assert.match(await page.locator('main h1').innerText(), T(/Request sent/, /Cais wedi’i anfon/));
  await checkPageWithoutJavaScript(page, `no-js-journey-${tag}-done`, /\S/);

  // The private link opens the visit, without JavaScript too.
  await page.click('#status-link');
  await assertAt(page, `/visit/${reference}`);
  assert.equal(await page.locator('#visit-state').getAttribute('data-state'), 'requested');
  return reference;
}

describe('the visitor journey without JavaScript', () => {
  test('in English: every step a form the server checks, under 30 KB of HTML and CSS each, and the visit made', async (t) => {
    const { page, problems } = await phonePage(t, { javaScript: false });
    const responses = [];
    page.on('response', (response) => responses.push(response));
    const reference = await bookWithoutJavaScript(page, { tag: 'en', welsh: false });
    // Each page as a phone that has nothing cached would fetch it: its HTML and the stylesheets (as sent, compressed).
    const sizes = {};
    const stylesheets = {};
    for (const response of responses) {
      const path = new URL(response.url()).pathname;
      const { responseBodySize } = await response.request().sizes();
      if (/\.css$/.test(path)) stylesheets[path] = Math.max(stylesheets[path] ?? 0, responseBodySize);
      else if (response.request().resourceType() === 'document' && response.status() === 200) {
        sizes[path] = Math.max(sizes[path] ?? 0, responseBodySize);
      }
    }
    const css = Object.values(stylesheets).reduce((sum, bytes) => sum + bytes, 0);
    assert.ok(css > 0, 'the stylesheets were fetched');
    for (const [path, html] of Object.entries(sizes)) {
      assert.ok(html + css <= 30_000, `${path}: ${html} bytes of HTML + ${css} of CSS is over 30 KB`);
    }
    t.diagnostic(`HTML + CSS without JavaScript: ${JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([p, h]) => [p, h + css])))}`);
    const response = await page.request.get(`${server.baseUrl}/api/v1/visits/${reference}`);
    const visit = await response.json();
    assert.equal(visit.locale, 'en');
    assert.equal(visit.visitors.length, 2, 'the lead visitor and Amy');
    assert.deepEqual(visit.contact_by, ['sms'], 'texts only, as chosen');
    assert.equal(visit.support_needs.other, 'A quiet place to wait');
    assert.deepEqual(problems.pageErrors, []);
  });

  test('in Welsh: every step in Welsh, and the visit asked for in Welsh', async (t) => {
    const { page } = await phonePage(t, { javaScript: false });
    const reference = await bookWithoutJavaScript(page, { tag: 'cy', welsh: true });
    const visit = await (await page.request.get(`${server.baseUrl}/api/v1/visits/${reference}`)).json();
    assert.equal(visit.locale, 'cy');
  });
});

describe('the journey with JavaScript on', () => {
  test('a visitor whose WebAssembly stops downloading half way still finishes', async (t) => {
    const { page } = await phonePage(t, { javaScript: true });
    await gotoApp(page, `${server.baseUrl}/`);
    // From here on, no more of the app arrives.
    await page.route('**/pkg/**', (route) => route.abort('internetdisconnected'));
    await page.click(`text=${LEEDS}`);
    // The app says it could not load the page; trying again loads it from the server, which works without the app.
    await page.getByRole('button', { name: /try again/i }).click();
    await page.locator('#start').waitFor();
    await page.click('#start');
    await assertAt(page, '/book/prisoner');
    await page.fill('#prisoner-first_name', 'John');
    await page.fill('#prisoner-last_name', 'Smith');
    await fillDate(page, 'prisoner-date_of_birth', ['12', '4', '1985']);
    await page.fill('#prisoner-number', 'a1234bc');
    await page.click('#continue');
    await assertAt(page, '/book/times');
    await page.locator('input[name=slots]').first().check();
    await page.click('#continue');
    await assertAt(page, '/book/visitors');
    await page.fill('#lead_visitor-first_name', 'Mary');
    await page.fill('#lead_visitor-last_name', 'Smith');
    await fillDate(page, 'lead_visitor-date_of_birth', ['1', '7', '1980']);
    await page.fill('#lead_visitor-email', 'mary.offline@example.com');
    await page.fill('#lead_visitor-email_confirm', 'mary.offline@example.com');
    await page.fill('#lead_visitor-phone', '07700 900123');
    await page.click('#continue');
    await assertAt(page, '/book/support');
    await page.click('#continue');
    await assertAt(page, '/book/check');
    await page.click('#send');
    await assertAt(page, '/book/done');
    assert.match((await page.locator('#reference').innerText()).trim(), /^[0-9A-Z]{8}$/);
  });

  test('the app and the server share one draft: typed in the app, shown by the server after a reload', async (t) => {
    const { page } = await phonePage(t, { javaScript: true });
    await gotoApp(page, `${server.baseUrl}/`);
    await page.click(`text=${LEEDS}`);
    await page.locator('#start').click();
    await page.waitForURL((url) => url.pathname === '/book/prisoner');
    await page.fill('#prisoner-first_name', 'Jonah');
    // Saved to the server as the visitor types (in a burst after they stop).
    await page.waitForResponse((r) => new URL(r.url()).pathname === '/book/draft' && r.status() === 204);
    const again = await page.context().newPage();
    await again.goto(`${server.baseUrl}/book/prisoner`);
    assert.equal(await again.inputValue('#prisoner-first_name'), 'Jonah', 'the server renders what the app saved');
    await again.close();
  });
});

describe('feedback on the service, linked from every page', () => {
  test('without JavaScript: the form says what to fix, keeps what was typed, and thanks the visitor', async (t) => {
    const { page } = await phonePage(t, { javaScript: false });
    await page.goto(`${server.baseUrl}/`);
    await page.click('#footer-feedback');
    await assertAt(page, '/feedback');
    await checkPageWithoutJavaScript(page, 'no-js-feedback', /\S/);
    await page.fill('#improvement', 'The list of times was long');
    await page.click('#feedback-send');
    await assertAt(page, '/feedback');
    assert.match(await page.locator('#error-summary').innerText(), /Select how satisfied you are/);
    assert.equal(await page.inputValue('#improvement'), 'The list of times was long', 'what was typed stays');
    await checkPageWithoutJavaScript(page, 'no-js-feedback-errors', /\S/);
    await page.check('#satisfaction-satisfied');
    await page.click('#feedback-send');
    await assertAt(page, '/feedback');
    assert.match(await page.locator('main h1').innerText(), /Thank you for your feedback/);
  });

  test('with JavaScript, in Welsh: the app sends it to the REST API', async (t) => {
    const { page, problems } = await phonePage(t, { javaScript: true });
    await gotoApp(page, `${server.baseUrl}/feedback?lang=cy`);
    await page.click('#feedback-send');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.locator('#error-summary').innerText(), /Dewiswch pa mor fodlon/);
    await checkPage(page, 'feedback-cy-errors', /^Gwall: Rhoi adborth/);
    await page.check('#satisfaction');
    const sent = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/feedback');
    await page.click('#feedback-send');
    assert.equal((await sent).status(), 201);
    await page.locator('#feedback-sent').waitFor();
    assert.match(await page.locator('#feedback-sent').innerText(), /Diolch am eich adborth/);
    await checkPage(page, 'feedback-cy-sent', /^Diolch am eich adborth/);
    assert.deepEqual(problems.pageErrors, []);
  });
});
