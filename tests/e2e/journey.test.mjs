// The visitor's whole journey in real headless Chromium, against the real server on a fresh database with its demo
// data: choose a prison, the prisoner, up to three times, the visitors, check, send once, then follow the private
// link and withdraw. On a 320 px phone, in English and in Welsh, and once with the keyboard alone. axe-core checks
// every page, with errors shown and without. Screenshots of each step go to artifacts/e2e/journey-*.png.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  checkPage as checkPageAs,
  gotoApp,
  launchBrowser,
  openPage,
  phone,
  reloadApp,
  saveDraft,
  screenshot,
  startServer,
} from './harness.mjs';

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

async function newPhonePage(t) {
  return openPage(t, await phone(browser));
}

/** The checks every page gets (see harness.mjs), its screenshot named journey-<name>. */
function checkPage(page, name) {
  return checkPageAs(page, `journey-${name}`, /\S/);
}

/** Words of English that no Welsh page has (names and places aside). */
const ENGLISH_WORDS =
  /\b(the|you|your|and|for|by|with|Times asked for|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August|September|October|November|December)\b/;

/**
 * Switches an English page to Welsh and checks that every text of the main content followed at once (no reload),
 * then switches back.
 */
async function assertSwitchesToWelsh(page) {
  await page.click('#language-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'cy');
  const text = await page.locator('main').innerText();
  const left = text.split('\n').filter((line) => ENGLISH_WORDS.test(line));
  assert.deepEqual(left, [], 'no English left on the page in Welsh');
  await page.click('#language-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
}

async function waitForPath(page, path) {
  await page.waitForFunction((p) => location.pathname === p, path);
}

/** Asserts the error summary is shown, has focus, and the title starts "Error"/"Gwall". */
async function assertErrorSummaryFocused(page) {
  const summary = page.locator('#error-summary');
  await summary.waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  assert.match(await page.title(), /^(Error|Gwall):/, 'the title says there is an error');
  return summary;
}

async function fillDate(page, base, [day, month, year]) {
  await page.fill(`#${base}-day`, day);
  await page.fill(`#${base}-month`, month);
  await page.fill(`#${base}-year`, year);
}

/**
 * Goes through the booking journey with clicks and typing. Returns what the POST to /api/v1/visits carried and the
 * confirmation page's reference and private link.
 */
async function bookWithPointer(page, { tag, welsh = false }) {
  const T = (en, cy) => (welsh ? cy : en);
  await gotoApp(page, `${server.baseUrl}/`);
  await page.locator('.prison-list__name').first().waitFor();
  if (welsh) {
    await page.click('#language-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'cy');
  }
  assert.match(await page.locator('main h1').innerText(), welsh ? /Dewiswch garchar/ : /Choose a prison/);
  await checkPage(page, `${tag}-1-prisons`);

  // 1. Search for the prison and open its information.
  await page.fill('#prison-search', 'leeds');
  await page.waitForFunction(() => document.querySelectorAll('.prison-list__item').length === 1);
  await page.click(`text=${LEEDS}`);
  await page.locator('#start').waitFor();
  assert.equal(await page.locator('#start svg.govuk-button__start-icon').count(), 1, 'a start button, with its arrow');
  assert.equal(await page.locator('main h1').innerText(), LEEDS);
  assert.match(await page.locator('main').innerText(), welsh ? /Gall hyd at 6 o bobl/ : /Up to 6 people/);
  await checkPage(page, `${tag}-2-prison`);
  await page.click('#start');

  // 2. The prisoner: first with nothing filled in, to see the errors.
  await waitForPath(page, '/book/prisoner');
  await page.click('#continue');
  const summary = await assertErrorSummaryFocused(page);
  assert.match(await summary.innerText(), welsh ? /Rhowch enw cyntaf y carcharor/ : /Enter the prisoner’s first name/);
  assert.match(
    await page.locator('#prisoner-first_name-error').innerText(),
    welsh ? /Rhowch enw cyntaf/ : /Enter the prisoner’s first name/,
    'the message is also on the field',
  );
  await checkPage(page, `${tag}-3-prisoner-errors`);
  await summary.locator('a').first().click();
  await page.waitForFunction(() => document.activeElement?.id === 'prisoner-first_name');

  await page.fill('#prisoner-first_name', 'John');
  await page.fill('#prisoner-last_name', 'Smith');
  await fillDate(page, 'prisoner-date_of_birth', ['12', '4', '1985']);
  await page.fill('#prisoner-number', 'a1234bc');
  await checkPage(page, `${tag}-3-prisoner`);
  await page.click('#continue');

  // 3. Times: unavailable ones are shown but cannot be picked; a fourth choice is refused.
  await waitForPath(page, '/book/times');
  const boxes = page.locator('input[name=slots]');
  await boxes.first().waitFor();
  assert.ok((await page.locator('.app-slot--unavailable').count()) > 0, 'times that cannot be booked are listed');
  assert.equal(
    await page.locator('.app-slot--unavailable input').count(),
    0,
    'times that cannot be booked have no checkbox',
  );
  await page.click('#continue');
  await assertErrorSummaryFocused(page);
  await checkPage(page, `${tag}-4-times-errors`);
  for (let i = 0; i < 4; i += 1) await boxes.nth(i).click();
  assert.equal(await page.locator('input[name=slots]:checked').count(), 3, 'no more than 3 times can be chosen');
  assert.equal(await page.locator('.app-chosen__item').count(), 3);
  assert.match(await page.locator('.app-chosen__item').first().innerText(), welsh ? /Dewis cyntaf/ : /1st choice/);
  // The refusal of the 4th is said on the page, by the time refused (GOV.UK error message), not only read out.
  const refusal = page.locator('.app-day.govuk-form-group--error .govuk-error-message');
  assert.equal(await refusal.count(), 1, 'one error message, on the day of the time refused');
  assert.ok(await refusal.isVisible(), 'the error message is visible');
  assert.match(await refusal.innerText(), welsh ? /eisoes wedi dewis 3 amser/ : /already chosen 3 times/);
  const describedBy = await boxes.nth(3).getAttribute('aria-describedby');
  assert.ok(describedBy.split(' ').includes(await refusal.getAttribute('id')), 'the refused checkbox names its error');
  await checkPage(page, `${tag}-4-times-refused`);
  // Removing a choice leaves focus on the choice that took its place, and the refusal goes.
  await page.click('#remove-0');
  await page.waitForFunction(() => document.activeElement?.id === 'remove-0');
  assert.equal(await refusal.count(), 0, 'the refusal goes once there is room');
  await boxes.nth(3).click();
  assert.equal(await page.locator('.app-chosen__item').count(), 3);
  if (!welsh) await assertSwitchesToWelsh(page);
  await checkPage(page, `${tag}-4-times`);
  await page.click('#continue');

  // 4. Visitors: the limits are explained; errors first, then the answers.
  await waitForPath(page, '/book/visitors');
  assert.match(await page.locator('#visitor-limits').innerText(), welsh ? /Gall hyd at 3 oedolyn/ : /Up to 3 adults/);
  await page.click('#continue');
  await assertErrorSummaryFocused(page);
  await checkPage(page, `${tag}-5-visitors-errors`);
  await page.fill('#lead_visitor-first_name', 'Mary');
  await page.fill('#lead_visitor-last_name', 'Smith');
  await fillDate(page, 'lead_visitor-date_of_birth', ['1', '7', '1980']);
  await page.fill('#lead_visitor-email', 'mary.smith@example.com');
  await page.fill('#lead_visitor-email_confirm', 'mary.smith@example.org');
  await page.fill('#lead_visitor-phone', '07700 900123');
  await page.click('#add-visitor');
  await page.fill('#other_visitors-0-first_name', 'Amy');
  await page.fill('#other_visitors-0-last_name', 'Smith');
  await fillDate(page, 'other_visitors-0-date_of_birth', ['9', '3', '2015']);
  await page.click('#continue');
  await assertErrorSummaryFocused(page);
  assert.match(await page.locator('#error-summary').innerText(), welsh ? /ddim yn cyfateb|cyfateb/ : /do not match/);
  await page.fill('#lead_visitor-email_confirm', 'mary.smith@example.com');
  await page.check('#lead_visitor-contact_by-both');
  await checkPage(page, `${tag}-5-visitors`);
  await page.click('#continue');

  // 5. Support: a ticked need reveals its question, which must then be answered.
  await waitForPath(page, '/book/support');
  // Hidden until its box is ticked (once the app runs; without it, every question shows).
  await page.locator('#support_needs-interpreter-conditional').waitFor({ state: 'hidden' });
  await page.check('#support_needs-interpreter');
  await page.locator('#support_needs-interpreter_language').waitFor();
  assert.equal(await page.getAttribute('#support_needs-interpreter', 'aria-expanded'), 'true', 'says its question shows');
  await page.click('#continue');
  await assertErrorSummaryFocused(page);
  assert.match(await page.locator('#error-summary').innerText(), welsh ? /iaith y dylai’r cyfieithydd/ : /language the interpreter/);
  await checkPage(page, `${tag}-5-support-errors`);
  await page.fill('#support_needs-interpreter_language', welsh ? 'Pwyleg' : 'Polish');
  await page.check('#support_needs-wheelchair_access');
  await checkPage(page, `${tag}-5-support`);
  await page.click('#continue');

  // 6. Check your answers; answers survive a reload and Back/Forward.
  await waitForPath(page, '/book/check');
  assert.match(await page.locator('main').innerText(), welsh ? /Cyfieithydd: Pwyleg/ : /Interpreter: Polish/);
  assert.match(await page.locator('main').innerText(), welsh ? /E-bost a neges destun/ : /Email and text message/);
  assert.match(await page.locator('main').innerText(), /A1234BC/);
  await reloadApp(page);
  await page.locator('#send').waitFor();
  assert.match(await page.locator('main').innerText(), /Amy Smith/, 'answers are kept after a reload');
  await page.goBack();
  await waitForPath(page, '/book/support');
  assert.equal(await page.isChecked('#support_needs-wheelchair_access'), true, 'answers are kept going back');
  await page.goForward();
  await waitForPath(page, '/book/check');
  await page.locator('#send').waitFor();
  assert.equal(await page.locator('.govuk-summary-list__actions a').count(), 9, 'a change link for each answer');
  await checkPage(page, `${tag}-6-check`);

  // A change link goes to the field, and Continue comes back to the check page.
  await page.click('a[href="/book/prisoner?from=check#prisoner-number"]');
  await waitForPath(page, '/book/prisoner');
  await page.waitForFunction(() => document.activeElement?.id === 'prisoner-number');
  await page.click('#continue');
  await waitForPath(page, '/book/check');
  await page.locator('#send').waitFor();

  // Send, with a double tap: one request, with an Idempotency-Key.
  const posts = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/visits') posts.push(request);
  });
  await page.dblclick('#send');
  await waitForPath(page, '/book/done');
  assert.equal(posts.length, 1, 'a double tap sends one request');
  const key = posts[0].headers()['idempotency-key'];
  assert.match(key ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID v4 key');
  const body = JSON.parse(posts[0].postData());

  // 6. Confirmation.
  const reference = (await page.locator('#reference').innerText()).trim();
  assert.match(reference, /^[0-9A-Z]{8}$/);
  assert.match(await page.locator('#confirm-by').innerText(), /\d{4}/);
  const href = await page.locator('#status-link').getAttribute('href');
  assert.match(href, new RegExp(`^/visit/${reference}\\?token=.+`), 'the private link carries the token (swapped for a cookie)');
  await assertServerDraft(page, (draft) => !/Mary|A1234BC|mary\.smith/.test(draft), 'personal details are wiped after sending');
  await checkPage(page, `${tag}-7-done`);
  return { body, reference, href };
}

/** Follows the private link, withdraws after confirming, and checks the new state is shown. */
async function withdrawWithPointer(page, { tag, href, welsh = false }) {
  await gotoApp(page, `${server.baseUrl}${href}`);
  await page.locator('#visit-state[data-state=requested]').waitFor();
  assert.match(await page.locator('main').innerText(), /John Smith/);
  // "30 November 2026, 3:40pm, by you" (GOV.UK style), not "3:40pm by, you".
  assert.match(await page.locator('.app-timeline').innerText(), welsh ? /\d(yb|yp), gennych chi/ : /\d(am|pm), by you/);
  assert.equal(await page.locator('#booked-slot').count(), 0, 'nothing is said to be booked yet');
  if (!welsh) await assertSwitchesToWelsh(page);
  await checkPage(page, `${tag}-8-status`);
  // "No, go back" returns focus to the button that asked.
  await page.click('#withdraw');
  await page.click('#confirm-no');
  await page.waitForFunction(() => document.activeElement?.id === 'withdraw');
  await page.click('#withdraw');
  await page.locator('#confirm-yes').waitFor();
  await checkPage(page, `${tag}-8-status-confirm`);
  await page.click('#confirm-yes');
  await page.locator('#visit-state[data-state=withdrawn]').waitFor();
  // A success banner says what happened, and has the focus.
  await page.waitForFunction(() => document.activeElement?.id === 'change-done');
  assert.match(
    await page.locator('#change-done').innerText(),
    welsh ? /Rydych chi wedi tynnu eich cais yn ôl/ : /You have withdrawn your request/,
  );
  assert.match(await page.locator('#visit-state').innerText(), welsh ? /Wedi’i dynnu’n ôl/ : /Withdrawn/);
  assert.equal(await page.locator('#withdraw').count(), 0, 'nothing more to withdraw');
  await checkPage(page, `${tag}-9-withdrawn`);
}

describe('the visitor journey on a 320 px phone', () => {
  test('in English: book, follow the private link, withdraw', async (t) => {
    const { page, problems } = await newPhonePage(t);
    const { body, href } = await bookWithPointer(page, { tag: 'en' });
    assert.equal(body.locale, 'en');
    assert.equal(body.slots.length, 3);
    assert.equal(body.prisoner.number, 'a1234bc');
    assert.equal(body.other_visitors.length, 1);
    await withdrawWithPointer(page, { tag: 'en', href });
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });

  test('in Welsh: every page in Welsh, locale cy sent, and the choice kept', async (t) => {
    const { page, problems } = await newPhonePage(t);
    const { body, href } = await bookWithPointer(page, { tag: 'cy', welsh: true });
    assert.equal(body.locale, 'cy', 'the request asks for Welsh');
    await reloadApp(page);
    await page.locator('main h1', { hasText: /Cais wedi’i anfon|Dim byd/ }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy', 'Welsh is kept after a reload');
    await withdrawWithPointer(page, { tag: 'cy', href, welsh: true });
    assert.match(await page.title(), /Ymweld â rhywun yn y carchar/);

    // The private link opened on another device (no language chosen there) shows the request in Welsh.
    const other = await newPhonePage(t);
    await gotoApp(other.page, `${server.baseUrl}${href}`);
    await other.page.locator('#visit-state[data-state=withdrawn]').waitFor();
    assert.equal(await other.page.evaluate(() => document.documentElement.lang), 'cy');
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });
});

/** Presses Tab until the focused element matches `selector` (at most 80 times). */
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

describe('the visitor journey with the keyboard alone', () => {
  test('a visitor who only uses the keyboard can book and withdraw', async (t) => {
    const { page, problems } = await newPhonePage(t);
    await gotoApp(page, `${server.baseUrl}/`);
    await page.locator('.prison-list__name').first().waitFor();

    await typeInto(page, '#prison-search', 'Leeds');
    await tabTo(page, '.prison-list__name');
    await page.keyboard.press('Enter');
    await page.locator('#start').waitFor();
    await tabTo(page, '#start');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/book/prisoner');

    await typeInto(page, '#prisoner-first_name', 'John');
    await typeInto(page, '#prisoner-last_name', 'Smith');
    await typeInto(page, '#prisoner-date_of_birth-day', '12');
    await typeInto(page, '#prisoner-date_of_birth-month', '4');
    await typeInto(page, '#prisoner-date_of_birth-year', '1985');
    await typeInto(page, '#prisoner-number', 'A1234BC');
    await page.keyboard.press('Enter'); // submits the form
    await waitForPath(page, '/book/times');

    await page.locator('input[name=slots]').first().waitFor();
    await tabTo(page, 'input[name=slots]');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('input[name=slots]:checked').count(), 1, 'Space ticks a time');
    await tabTo(page, '#continue');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/book/visitors');

    await typeInto(page, '#lead_visitor-first_name', 'Mary');
    await typeInto(page, '#lead_visitor-last_name', 'Smith');
    await typeInto(page, '#lead_visitor-date_of_birth-day', '1');
    await typeInto(page, '#lead_visitor-date_of_birth-month', '7');
    await typeInto(page, '#lead_visitor-date_of_birth-year', '1980');
    await typeInto(page, '#lead_visitor-email', 'mary@example.com');
    await typeInto(page, '#lead_visitor-email_confirm', 'mary@example.com');
    await typeInto(page, '#lead_visitor-phone', '07700900123');
    await tabTo(page, '#continue');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/book/support');

    await tabTo(page, '#support_needs-hearing_loop');
    await page.keyboard.press('Space');
    await tabTo(page, '#continue');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/book/check');
    assert.match(await page.locator('main').innerText(), /Hearing loop/, 'a box ticked with the keyboard counts');

    await page.locator('#send').waitFor();
    await tabTo(page, '#send');
    await page.keyboard.press('Enter');
    await waitForPath(page, '/book/done');
    await tabTo(page, '#status-link');
    await page.keyboard.press('Enter');
    await page.locator('#visit-state[data-state=requested]').waitFor();

    await tabTo(page, '#withdraw');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'confirm-question');
    await tabTo(page, '#confirm-yes');
    await page.keyboard.press('Enter');
    await page.locator('#visit-state[data-state=withdrawn]').waitFor();
    await screenshot(page, 'journey-keyboard-withdrawn');
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });
});

describe('a booked visit on the status page', () => {
  /** Sends a request through the API, as the web client does, and has the demo staff grant its first choice. */
  async function bookedVisit() {
    return decidedVisit((slot) => ({ outcome: 'grant', slot }));
  }

  /** Sends a request through the API and has the demo staff decide it with the body `decide(slot)` returns. */
  async function decidedVisit(decide, { locale = 'en', otherVisitors = [] } = {}) {
    const draft = await draftFor();
    const slot = draft.slots[0];
    const created = await (
      await fetch(`${server.baseUrl}/api/v1/visits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          prison_id: draft.prison.id,
          prisoner: { first_name: 'John', last_name: 'Smith', date_of_birth: '1985-04-12', number: 'A1234BC' },
          lead_visitor: {
            first_name: 'Mary',
            last_name: 'Smith',
            date_of_birth: '1980-07-01',
            email: 'mary@example.com',
            phone: '07700900123',
          },
          other_visitors: otherVisitors,
          slots: [slot],
          locale,
        }),
      })
    ).json();
    const signIn = await fetch(`${server.baseUrl}/api/v1/staff/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'north@demo.example', password: 'demo-visits-password' }),
    });
    assert.equal(signIn.status, 200, `demo staff can sign in: ${await signIn.clone().text()}`);
    const auth = { authorization: `Bearer ${(await signIn.json()).access_token}` };
    const visit = await (await fetch(`${server.baseUrl}/api/v1/staff/visits/${created.id}`, { headers: auth })).json();
    const decision = await fetch(`${server.baseUrl}/api/v1/staff/visits/${created.id}/decision`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ...decide(slot), expected_version: visit.version }),
    });
    assert.equal(decision.status, 200, `staff decide the visit: ${await decision.text()}`);
    return { created, slot };
  }

  test('offers the visit as a calendar file and cancels it after a confirmation step', async (t) => {
    const { page, problems } = await newPhonePage(t);
    const { created, slot } = await bookedVisit();
    await gotoApp(page, `${server.baseUrl}${created.status_path}`);
    await page.locator('#visit-state[data-state=booked]').waitFor();
    const ics = decodeURIComponent((await page.locator('#ics').getAttribute('href')).split(',').slice(1).join(','));
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.ok(ics.includes(`\r\nUID:${created.id}@prison-visits\r\n`), 'the UID is the visit id');
    const start = `${slot.date.replaceAll('-', '')}T${slot.start.replace(':', '')}00`;
    assert.ok(ics.includes(`\r\nDTSTART;TZID=Europe/London:${start}\r\n`), `DTSTART ${start}`);
    assert.equal(await page.locator('#ics').getAttribute('download'), `visit-${created.reference}.ics`);
    assert.match(await page.locator('#booked-slot').innerText(), /Visit booked for/);
    await assertSwitchesToWelsh(page);
    await checkPage(page, 'booked-1-status');
    await page.click('#cancel');
    await page.locator('#confirm-no').click();
    assert.equal(await page.locator('#confirm-yes').count(), 0, '"No" goes back without cancelling');
    await page.waitForFunction(() => document.activeElement?.id === 'cancel');
    await page.click('#cancel');
    await checkPage(page, 'booked-2-confirm');
    await page.click('#confirm-yes');
    await page.locator('#visit-state[data-state=cancelled]').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'change-done');
    assert.match(await page.locator('#change-done').innerText(), /You have cancelled your visit/);
    // A cancelled visit is not "booked", and is not offered for a calendar.
    assert.doesNotMatch(await page.locator('main').innerText(), /Visit booked for/);
    assert.match(await page.locator('#booked-slot').innerText(), /Cancelled visit/);
    assert.equal(await page.locator('#ics').count(), 0, 'no calendar file for a cancelled visit');
    await checkPage(page, 'booked-3-cancelled');
    // Opened again later, the page says the same without the banner.
    await reloadApp(page);
    await page.locator('#visit-state[data-state=cancelled]').waitFor();
    assert.equal(await page.locator('#ics').count(), 0, 'no calendar file after a reload either');
    const after = await fetch(`${server.baseUrl}/api/v1/visits/${created.reference}`, {
      headers: { 'x-visit-token': created.status_token },
    });
    assert.equal((await after.json()).state, 'cancelled', 'the server has the visit cancelled');

    // A link that is not valid, opened on another device (this one holds the visit's cookie), says so and what to
    // do instead; trying it again cannot help.
    const elsewhere = await newPhonePage(t);
    await gotoApp(elsewhere.page, `${server.baseUrl}/visit/${created.reference}#vt_not-the-token`);
    await elsewhere.page.locator('#link-not-valid').waitFor();
    const notValid = await elsewhere.page.locator('#link-not-valid').innerText();
    assert.match(notValid, /This link is not valid[\s\S]*email[\s\S]*contact the prison/);
    const retry = elsewhere.page.locator('main button', { hasText: 'Try again' });
    assert.equal(await retry.count(), 0, 'no pointless "Try again"');
    await checkPage(elsewhere.page, 'status-link-not-valid');
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(elsewhere.problems.pageErrors, []);
  });

  test('a rejected request says why, in the language it was made in, with the prison\'s message', async (t) => {
    const { page, problems } = await newPhonePage(t);
    // A renewal date a few weeks ahead (the server takes today to a year ahead), written out as each language writes it.
    const renews = new Date(Date.now() + 40 * 86_400_000);
    const day = renews.getUTCDay();
    const dayOfMonth = renews.getUTCDate();
    const month = renews.getUTCMonth();
    const year = renews.getUTCFullYear();
    const welsh = {
      days: ['Dydd Sul', 'Dydd Llun', 'Dydd Mawrth', 'Dydd Mercher', 'Dydd Iau', 'Dydd Gwener', 'Dydd Sadwrn'],
      months: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
    };
    const english = {
      days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    };
    const written = (names) => `${names.days[day]} ${dayOfMonth} ${names.months[month]} ${year}`;
    const { created } = await decidedVisit(
      () => ({
        outcome: 'reject',
        reasons: [
          { reason: 'no_allowance', allowance_renews_on: renews.toISOString().slice(0, 10) },
          { reason: 'other', detail: 'Internal: under review by security' },
        ],
        visitor_outcomes: [{ visitor_index: 1, outcome: { outcome: 'not_on_contact_list' } }],
        message: 'Ffoniwch y carchar / Call the prison',
      }),
      {
        locale: 'cy',
        otherVisitors: [{ first_name: 'Aled', last_name: 'Jones', date_of_birth: '1990-02-03' }],
      },
    );
    await gotoApp(page, `${server.baseUrl}${created.status_path}`);
    await page.locator('#visit-state[data-state=rejected]').waitFor();
    // Opened on a device with no language chosen: the page follows the request's language, Welsh.
    const reasons = page.locator('#rejection-reasons li');
    assert.deepEqual(await reasons.evaluateAll((items) => items.map((li) => li.dataset.code)), ['no_allowance', 'other']);
    assert.equal(
      await reasons.first().innerText(),
      `Nid oes gan y carcharor unrhyw lwfans ymweld ar ôl. Bydd y lwfans yn adnewyddu ar ${written(welsh).replace(/^Dydd /, 'ddydd ')}.`,
    );
    assert.match(await page.locator('#excluded-visitors').innerText(), /Nid yw Aled Jones ar restr cysylltiadau/);
    assert.match(await page.locator('#prison-messages').innerText(), /Ffoniwch y carchar \/ Call the prison/);
    assert.doesNotMatch(await page.locator('main').innerText(), /under review by security/, 'internal notes stay internal');
    await checkPage(page, 'rejected-cy');
    // The same page in English, at the visitor's choice.
    await page.click('#language-switch');
    await page.locator('#rejection-reasons h2', { hasText: 'We could not book your visit' }).waitFor();
    assert.equal(
      await reasons.first().innerText(),
      `The prisoner has no visiting allowance left. The allowance renews on ${written(english)}.`,
    );
    await checkPage(page, 'rejected-en');
    assert.deepEqual(problems.pageErrors, []);
  });
});

/** A complete draft as the app saves it to the server, for HMP Leeds's first three free times. */
async function draftFor() {
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  const leeds = prisons.find((p) => p.name === LEEDS);
  const prison = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}`)).json();
  const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
  const slots = availability.days
    .flatMap((day) => day.slots)
    .filter((slot) => slot.state === 'available')
    .slice(0, 3)
    .map(({ date, start, end }) => ({ date, start, end }));
  const person = (first, last, [day, month, year]) => ({ first_name: first, last_name: last, dob: { day, month, year } });
  return {
    prison,
    prisoner: person('John', 'Smith', ['12', '4', '1985']),
    prison_number: 'A1234BC',
    slots,
    lead: person('Mary', 'Smith', ['1', '7', '1980']),
    email: 'mary@example.com',
    email_confirm: 'mary@example.com',
    phone: '07700900123',
    others: [],
    idempotency_key: null,
    server_errors: [],
    created: null,
  };
}

/** A phone page whose browser already has `draft` on the server, as if the visitor had typed it. */
async function pageWithDraft(t, draft) {
  const { page, problems } = await newPhonePage(t);
  await saveDraft(page, server.baseUrl, draft);
  return { page, problems };
}

/**
 * Waits (up to 5 s: the app saves a moment after a change) until the draft the server holds for this browser, as a
 * page hands it over, satisfies `ok`.
 */
async function assertServerDraft(page, ok, message) {
  let draft = '';
  for (let tries = 0; tries < 50; tries += 1) {
    const html = await (await page.request.get(`${server.baseUrl}/book/check`)).text();
    draft = html.match(/data-draft="([^"]*)"/)?.[1] ?? '';
    if (ok(draft)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${message}: the server still holds ${draft}`);
}

describe('sending the request', () => {
  test('errors the server finds are listed on the check page and shown on the step they belong to', async (t) => {
    const { page } = await pageWithDraft(t, await draftFor());
    await page.route('**/api/v1/visits', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Some answers need correcting',
          status: 422,
          code: 'validation_failed',
          errors: [
            { field: 'slots[0]', code: 'slot_fully_booked', message: 'Visit time 1 is now fully booked. Choose another time' },
            { field: 'lead_visitor.email', code: 'invalid_email', message: 'Enter an email address in the correct format, like name@example.com' },
          ],
        }),
      }),
    );
    await gotoApp(page, `${server.baseUrl}/book/check`);
    await page.click('#send');
    const summary = await assertErrorSummaryFocused(page);
    assert.match(await summary.innerText(), /fully booked/);
    assert.equal(await summary.locator('a[href="/book/times#slots"]').count(), 1, 'slots[0] links to the times step');
    await checkPage(page, 'server-errors-1-check');

    await summary.locator('a[href="/book/visitors#lead_visitor-email"]').click();
    await waitForPath(page, '/book/visitors');
    await page.locator('#lead_visitor-email-error').waitFor();
    assert.match(await page.locator('#lead_visitor-email-error').innerText(), /correct format/);
    await checkPage(page, 'server-errors-2-visitors');

    // In Welsh, the same codes are translated.
    await page.click('#language-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'cy');
    assert.match(await page.locator('#lead_visitor-email-error').innerText(), /Rhowch gyfeiriad e-bost yn y fformat cywir/);
  });

  test('a failed send is retried with the same Idempotency-Key, and makes one visit', async (t) => {
    const { page } = await pageWithDraft(t, await draftFor());
    const keys = [];
    let first = true;
    await page.route('**/api/v1/visits', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (first) {
        first = false;
        // The request reaches the server but the answer is lost on the way back.
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await gotoApp(page, `${server.baseUrl}/book/check`);
    await page.click('#send');
    await page.locator('#send-failed').waitFor();
    assert.match(await page.locator('#send-failed').innerText(), /could not reach|internet/i);
    await checkPage(page, 'retry-1-failed');
    await page.click('#send');
    await waitForPath(page, '/book/done');
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry carries the same Idempotency-Key');
    assert.match(await page.locator('#reference').innerText(), /^[0-9A-Z]{8}$/);
  });

  test('answers left alone for more than 20 minutes are wiped, on the screen and on the server', async (t) => {
    const { page } = await pageWithDraft(t, await draftFor());
    await page.clock.install();
    await gotoApp(page, `${server.baseUrl}/book/visitors`);
    assert.equal(await page.inputValue('#lead_visitor-first_name'), 'Mary');
    await page.clock.fastForward('21:00');
    await page.locator('main h1', { hasText: /Start again/ }).waitFor();
    await assertServerDraft(page, (draft) => draft === '', 'nothing is left on the server');
    await checkPage(page, 'expired');
  });
});

describe('the calendar of visit times', () => {
  test('shows full, closed and out-of-window times as such, without a checkbox, in English and Welsh', async (t) => {
    const saved = await draftFor();
    saved.slots = [];
    const { page } = await pageWithDraft(t, saved);
    const slot = (date, state, places_left = 0) => ({ date, start: '14:15', end: '16:15', state, places_left });
    const prisonId = saved.prison.id;
    await page.route(`**/api/v1/prisons/${prisonId}/availability`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          prison_id: prisonId,
          from: '2026-11-30',
          to: '2026-12-04',
          today: '2026-11-30',
          confirm_by: '2026-12-02',
          first_bookable: '2026-12-03',
          last_bookable: '2026-12-28',
          days: [
            { date: '2026-12-01', closed: false, slots: [slot('2026-12-01', 'outside_window')] },
            { date: '2026-12-03', closed: false, slots: [slot('2026-12-03', 'fully_booked')] },
            { date: '2026-12-04', closed: true, slots: [slot('2026-12-04', 'closed')] },
            { date: '2026-12-05', closed: false, slots: [slot('2026-12-05', 'available', 3)] },
          ],
        }),
      }),
    );
    // The server renders the times with the real availability; the app, moving to the step itself, asks the API
    // (answered above).
    await gotoApp(page, `${server.baseUrl}/book/prisoner`);
    await page.click('#continue');
    await page.waitForURL((url) => url.pathname === '/book/times');
    await page.locator('input[name=slots]').first().waitFor();
    assert.equal(await page.locator('input[name=slots]').count(), 1, 'only the available time can be ticked');
    const states = await page.locator('.app-slot--unavailable').evaluateAll((els) =>
      els.map((el) => [el.dataset.state, el.innerText.trim()]),
    );
    assert.deepEqual(
      states.map(([state]) => state),
      ['OutsideWindow', 'FullyBooked', 'Closed'],
    );
    assert.match(states[1][1], /Fully booked/);
    assert.match(states[2][1], /Closed/);
    assert.match(await page.locator('main').innerText(), /3 places left/);
    await checkPage(page, 'calendar-states');
    await page.click('#language-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'cy');
    assert.match(await page.locator('[data-state=FullyBooked]').innerText(), /Llawn/);
    assert.match(await page.locator('[data-state=Closed]').innerText(), /Ar gau/);
  });
});

describe('the waiting list', () => {
  /** Books every place left at Leeds's first time with places (staff grant each request), so that it is full. */
  async function fillFirstTime() {
    const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
    const leeds = prisons.find((p) => p.name === LEEDS);
    const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
    const open = availability.days.flatMap((day) => day.slots).find((s) => s.state === 'available');
    const slot = { date: open.date, start: open.start, end: open.end };
    const signIn = await fetch(`${server.baseUrl}/api/v1/staff/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'north@demo.example', password: 'demo-visits-password' }),
    });
    const auth = { authorization: `Bearer ${(await signIn.json()).access_token}` };
    const booked = [];
    for (let i = 0; i < open.places_left; i += 1) {
      const created = await (
        await fetch(`${server.baseUrl}/api/v1/visits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            prison_id: leeds.id,
            prisoner: { first_name: 'Ann', last_name: 'Full', date_of_birth: '1985-04-12', number: `F${String(1000 + i)}GH` },
            lead_visitor: { first_name: 'Bo', last_name: 'Full', date_of_birth: '1980-07-01', email: `full${i}@example.com`, phone: '07700900123' },
            slots: [slot],
            locale: 'en',
          }),
        })
      ).json();
      const visit = await (await fetch(`${server.baseUrl}/api/v1/staff/visits/${created.id}`, { headers: auth })).json();
      const decision = await fetch(`${server.baseUrl}/api/v1/staff/visits/${created.id}/decision`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'grant', slot, expected_version: visit.version }),
      });
      assert.equal(decision.status, 200, await decision.text());
      booked.push(created.id);
    }
    return { slot, booked, auth };
  }

  test('a visitor joins the waiting list for a full time, then leaves it', async (t) => {
    const { slot } = await fillFirstTime();
    const id = `slot-${slot.date}-${slot.start.replace(':', '')}`;
    const { page, problems } = await pageWithDraft(t, { ...(await draftFor()), slots: [] });
    await gotoApp(page, `${server.baseUrl}/book/times`);
    assert.equal(await page.locator(`#${id}`).count(), 0, 'a full time cannot be ticked for a request');
    await page.click('#join-waiting-list');
    await page.locator('main h1', { hasText: 'Choose times to wait for' }).waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /The prison will tell you by/, 'no date for an answer');
    await checkPage(page, 'waiting-1-times');
    await page.check(`#${id}`);
    await page.click('#continue');
    await waitForPath(page, '/book/visitors');
    await page.click('#continue');
    await waitForPath(page, '/book/support');
    await page.click('#continue');
    await waitForPath(page, '/book/check');
    await page.locator('#joining-waiting-list').waitFor();
    assert.equal((await page.locator('#send').innerText()).trim(), 'Join the waiting list');
    await checkPage(page, 'waiting-2-check');
    await page.click('#send');
    await waitForPath(page, '/book/done');
    assert.match(await page.locator('main h1').innerText(), /You are on the waiting list/);
    await checkPage(page, 'waiting-3-done');

    await page.click('#status-link');
    await page.locator('#visit-state[data-state=waiting]').waitFor();
    await page.click('#leave');
    assert.match(await page.locator('main').innerText(), /Are you sure you want to leave the waiting list\?/);
    await page.click('#confirm-yes');
    await page.locator('#visit-state[data-state=withdrawn]').waitFor();
    assert.match(await page.locator('#change-done').innerText(), /You have left the waiting list/);
    assert.deepEqual(problems.pageErrors, []);
  });

  test('a place booked for a waiting visitor before they press leave: told so, and shown booked', async (t) => {
    const { slot, booked, auth } = await fillFirstTime();
    const join = await fetch(`${server.baseUrl}/api/v1/visits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        prison_id: (await draftFor()).prison.id,
        prisoner: { first_name: 'Cai', last_name: 'Wait', date_of_birth: '1985-04-12', number: 'W7777XY' },
        lead_visitor: { first_name: 'Dee', last_name: 'Wait', date_of_birth: '1980-07-01', email: 'dee@example.com', phone: '07700900123' },
        slots: [slot],
        locale: 'en',
        waiting_list: true,
      }),
    });
    assert.equal(join.status, 201, await join.clone().text());
    const waiting = await join.json();
    const { page, problems } = await openPage(t, await phone(browser));
    await gotoApp(page, `${server.baseUrl}${waiting.status_path}`);
    await page.locator('#visit-state[data-state=waiting]').waitFor();

    // Meanwhile a booking is cancelled, the place goes to this visitor and staff book it.
    const staff = (path, body) =>
      fetch(`${server.baseUrl}/api/v1/staff/visits/${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await staff(`${booked[0]}/cancel`, { reason: 'capacity_issues', expected_version: 1 })).status, 200);
    const held = await (await fetch(`${server.baseUrl}/api/v1/staff/visits/${waiting.id}`, { headers: auth })).json();
    assert.equal((await staff(`${waiting.id}/decision`, { outcome: 'grant', slot, expected_version: held.version })).status, 200);

    await page.click('#leave');
    await page.click('#confirm-yes');
    await page.locator('#change-stale', { hasText: 'Your visit was booked before your change reached us' }).waitFor();
    await page.locator('#visit-state[data-state=booked]').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'change-stale');
    await checkPage(page, 'waiting-4-booked-first');
    assert.deepEqual(problems.pageErrors, []);
  });
});
