// Staff booking a visit on a visitor's behalf, in real headless Chromium against the real server with its demo data:
// the journey (prisoner, times with live places, visitors, how the request came in, check answers, confirmation),
// the error summary for what staff leave out and for what the server refuses (the visitor's own rules), and the visit
// found afterwards with its channel on the staff visit page. axe-core checks every step, in English on a desktop and
// in Welsh on a 320 px phone, driven from the keyboard there. Screenshots go to artifacts/e2e/staff-book-*.png.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { checkPage as checkPageAs, launchBrowser, openPage, phone, startServer } from './harness.mjs';

const PASSWORD = 'demo-visits-password';

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

async function newPage(t, { mobile = false } = {}) {
  const context = mobile
    ? await phone(browser)
    : await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-GB' });
  return openPage(t, context);
}

function checkPage(page, name) {
  return checkPageAs(page, `staff-book-${name}`, /Manage prison visits|Rheoli ymweliadau carchar/);
}

async function signIn(page, email, path) {
  await page.goto(`${server.baseUrl}${path}`);
  await page.locator('#email').waitFor();
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in');
  await page.waitForFunction((p) => location.pathname === p, path);
}

/** Waits for a step: its heading shown and focused, as a page load would. */
async function atStep(page, heading) {
  await page.locator('main h1', { hasText: heading }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'book-heading', null, { timeout: 5_000 });
}

async function fillDate(page, id, [day, month, year]) {
  await page.fill(`#${id}-day`, day);
  await page.fill(`#${id}-month`, month);
  await page.fill(`#${id}-year`, year);
}

/** Ticks the first time that has places left; returns what its hint says. */
async function chooseFirstFreeTime(page) {
  const free = page.locator('#book-times input[type=checkbox]:not([disabled])').first();
  await free.waitFor();
  const id = await free.getAttribute('id');
  await free.check();
  return page.locator(`#${id}-hint`).innerText();
}

describe('staff book a visit on a visitor’s behalf', () => {
  test('the whole journey in English, with the server’s own rules, and the visit shows it came in by phone', async (t) => {
    const { page, problems } = await newPage(t);
    await signIn(page, 'rochester@demo.example', '/staff/inbox');
    await page.click('#book-visit-link');
    await page.waitForFunction(() => location.pathname === '/staff/book');
    await page.locator('main h1', { hasText: 'Who is the visit for?' }).waitFor();
    await checkPage(page, 'prisoner');

    // Nothing typed: every missing answer is listed and linked, and focus goes to the summary.
    await page.click('#book-continue');
    await page.locator('#error-summary').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.equal(await page.locator('#error-summary li').count(), 4);
    assert.match(await page.title(), /^Error:/);
    await checkPage(page, 'prisoner-errors');
    await page.click('#error-summary a[href="#prisoner-number"]');
    await page.waitForFunction(() => document.activeElement?.id === 'prisoner-number');

    await page.fill('#prisoner-first-name', 'John');
    await page.fill('#prisoner-last-name', 'Smith');
    await fillDate(page, 'prisoner-dob', ['12', '4', '1985']);
    await page.fill('#prisoner-number', 'a1234bc');
    await page.click('#book-continue');

    await atStep(page, 'Choose the visit times');
    const places = await chooseFirstFreeTime(page);
    assert.match(places, /^\d+ places? left$/, 'each time shows its places left');
    await checkPage(page, 'times');
    await page.click('#book-continue');

    await atStep(page, 'Who is visiting?');
    await page.fill('#lead-first-name', 'Mary');
    await page.fill('#lead-last-name', 'Smith');
    // Too young to be the lead visitor: the server's rule, reported when the request is sent.
    await fillDate(page, 'lead-dob', ['1', '7', '2015']);
    await page.fill('#lead-email', 'mary.smith@example.com');
    await page.fill('#lead-phone', '07700 900123');
    await page.click('#add-visitor');
    await page.waitForFunction(() => document.activeElement?.id === 'visitor-0-first-name');
    await page.fill('#visitor-0-first-name', 'Amy');
    await page.fill('#visitor-0-last-name', 'Smith');
    await fillDate(page, 'visitor-0-dob', ['9', '3', '2015']);
    await page.check('#lead-texts');
    // A ticked interpreter asks for the language, by the API's own rule, before the request goes.
    await page.check('#support-interpreter');
    await page.click('#book-continue');
    await page.locator('#error-summary', { hasText: 'the language the interpreter should speak' }).waitFor();
    await page.fill('#support-interpreter-language', 'British Sign Language');
    await page.check('#support-wheelchair-access');
    await checkPage(page, 'visitors');
    await page.click('#book-continue');

    await atStep(page, 'How did the request come in?');
    await page.click('#book-continue');
    await page.locator('#error-summary', { hasText: 'Select how the request came in' }).waitFor();
    await checkPage(page, 'channel-errors');
    await page.check('#channel');
    await page.click('#book-continue');

    await atStep(page, 'Check the answers');
    const answers = await page.locator('#book-answers').innerText();
    assert.match(answers, /A1234BC/);
    assert.match(answers, /Amy Smith/);
    assert.match(answers, /Phone/);
    assert.match(answers, /Text messages as well as emails/);
    assert.match(answers, /Wheelchair access, Interpreter: British Sign Language/);
    await checkPage(page, 'check');
    await page.click('#book-send');

    // Refused by the visitor's own rules: back to the visitors, with the server's message on the field.
    await page.locator('#error-summary', { hasText: 'The lead visitor must be 18 or over' }).waitFor();
    await page.locator('main h1', { hasText: 'Who is visiting?' }).waitFor();
    await page.locator('#lead-dob-day-error').waitFor();
    await checkPage(page, 'visitors-refused');
    await fillDate(page, 'lead-dob', ['1', '7', '1980']);
    await page.click('#book-continue');
    await atStep(page, 'How did the request come in?');
    assert.ok(await page.isChecked('#channel'), 'the answers are kept');
    await page.click('#book-continue');
    await atStep(page, 'Check the answers');
    await page.click('#book-send');

    await atStep(page, /Request sent|Visit booked/);
    const reference = (await page.locator('#book-reference').innerText()).trim();
    assert.match(reference, /^[0-9A-Z]{8}$/);
    assert.match(await page.locator('#book-next').innerText(), /mary\.smith@example\.com/);
    await checkPage(page, 'done');

    await page.click('#book-view');
    await page.locator('#visit-reference', { hasText: reference }).waitFor();
    assert.equal((await page.locator('#visit-channel').innerText()).trim(), 'Phone');
    assert.match(await page.locator('#contact-by').innerText(), /text/i, 'texts as chosen');
    assert.match(await page.locator('main').innerText(), /Interpreter: British Sign Language/);
    assert.match(await page.locator('main').innerText(), /Rochester Visits Team/, 'the timeline names who booked it');
    await checkPage(page, 'visit');

    assert.deepEqual(problems.pageErrors, []);
  });

  test('in Welsh on a 320 px phone, from the keyboard', async (t) => {
    const { page, problems } = await newPage(t, { mobile: true });
    await signIn(page, 'rochester@demo.example', '/staff/book');
    await page.click('#language-switch');
    await page.locator('main h1', { hasText: 'Ar gyfer pwy mae’r ymweliad?' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy');
    await checkPage(page, 'prisoner-cy');

    await page.focus('#prisoner-first-name');
    await page.keyboard.type('Sion');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Jones');
    await page.keyboard.press('Tab');
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1990');
    await page.keyboard.press('Tab');
    await page.keyboard.type('B2345CD');
    await page.keyboard.press('Enter');

    await atStep(page, 'Dewiswch yr amseroedd ymweld');
    const places = await chooseFirstFreeTime(page);
    assert.match(places, /lle ar ôl$/);
    await checkPage(page, 'times-cy');
    await page.focus('#book-continue');
    await page.keyboard.press('Enter');

    await atStep(page, 'Pwy sy’n ymweld?');
    await page.fill('#lead-first-name', 'Bethan');
    await page.fill('#lead-last-name', 'Jones');
    await fillDate(page, 'lead-dob', ['6', '5', '1970']);
    await page.fill('#lead-email', 'bethan@example.com');
    await page.fill('#lead-phone', '07700 900456');
    await checkPage(page, 'visitors-cy');
    await page.focus('#lead-phone');
    await page.keyboard.press('Enter');

    await atStep(page, 'Sut y daeth y cais i mewn?');
    await page.focus('#channel-in_person');
    await page.keyboard.press('Space');
    assert.ok(await page.isChecked('#channel-in_person'));
    await checkPage(page, 'channel-cy');
    await page.focus('#book-continue');
    await page.keyboard.press('Enter');

    await atStep(page, 'Gwiriwch yr atebion');
    assert.match(await page.locator('#book-answers').innerText(), /Wyneb yn wyneb/);
    await checkPage(page, 'check-cy');
    await page.focus('#book-send');
    await page.keyboard.press('Enter');

    await atStep(page, /Cais wedi’i anfon|Ymweliad wedi’i drefnu/);
    await page.locator('#book-reference').waitFor();
    await checkPage(page, 'done-cy');
    await page.click('#book-view');
    await page.locator('#visit-channel', { hasText: 'Wyneb yn wyneb' }).waitFor();

    assert.deepEqual(problems.pageErrors, []);
  });
});
