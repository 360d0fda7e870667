// The staff back office in real headless Chromium, against the real server with its demo data: sign in, decide a
// request a visitor made through the visitor journey and see the visitor's status page change; two members of staff
// racing for the last place of a slot, and for the same request; another prison's visit reached by editing the URL;
// a session that ends; search; the day list printed and downloaded as CSV. axe-core checks every screen, and the
// staff screens fit a 320 px phone. Screenshots go to artifacts/e2e/staff-*.png.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import {
  checkPage as checkPageAs,
  gotoApp,
  launchBrowser,
  openPage,
  phone,
  saveDraft,
  screenshot,
  startServer,
} from './harness.mjs';

const PASSWORD = 'demo-visits-password';
const LEEDS = 'HMP Leeds (demo)';
const CARDIFF = 'HMP Cardiff (demo)';

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

async function newPage(t, { mobile = false, locale = 'en-GB' } = {}) {
  const context = mobile
    ? await phone(browser)
    : await browser.newContext({ viewport: { width: 1024, height: 800 }, locale, acceptDownloads: true });
  return openPage(t, context);
}

/** The checks every page gets (see harness.mjs), its screenshot named staff-<name>. */
function checkPage(page, name) {
  return checkPageAs(page, `staff-${name}`, /Manage prison visits|Rheoli ymweliadau carchar/);
}

async function waitForPath(page, path) {
  await page.waitForFunction((p) => location.pathname === p, path);
}

/** Signs in through the sign-in page (going to `path` first, which sends there), and waits for `path`. */
async function signIn(page, email, path = '/staff/inbox') {
  await page.goto(`${server.baseUrl}${path}`);
  await page.locator('#email').waitFor();
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in');
  await waitForPath(page, path.split('?')[0]);
}

async function apiToken(email) {
  const response = await fetch(`${server.baseUrl}/api/v1/staff/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(response.status, 200, `demo staff ${email} can sign in`);
  return { authorization: `Bearer ${(await response.json()).access_token}` };
}

/** Grants a request through the staff API, as another member of staff would. */
async function grantViaApi(auth, visitId, slot, extra = {}) {
  const visit = await (await fetch(`${server.baseUrl}/api/v1/staff/visits/${visitId}`, { headers: auth })).json();
  const response = await fetch(`${server.baseUrl}/api/v1/staff/visits/${visitId}/decision`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'grant', slot, expected_version: visit.version, ...extra }),
  });
  assert.equal(response.status, 200, `the grant is accepted: ${await response.clone().text()}`);
}

async function prisonNamed(name) {
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  return prisons.find((p) => p.name === name);
}

async function availableSlots(prisonId) {
  const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${prisonId}/availability`)).json();
  return availability.days
    .flatMap((day) => day.slots)
    .filter((slot) => slot.state === 'available')
    .map(({ date, start, end }) => ({ date, start, end }));
}

/** A request sent through the public API as the visitor client sends it. */
async function requestVisit(prisonId, slots, { number = 'B2345CD', first = 'Anna', email = 'bea@example.com', waitingList = false } = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1/visits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({
      prison_id: prisonId,
      prisoner: { first_name: first, last_name: 'Jones', date_of_birth: '1990-02-03', number },
      lead_visitor: {
        first_name: 'Bea',
        last_name: 'Jones',
        date_of_birth: '1970-05-06',
        email,
        phone: '07700900456',
      },
      other_visitors: [],
      slots,
      locale: 'en',
      waiting_list: waitingList,
    }),
  });
  assert.equal(response.status, 201, `the request is accepted: ${await response.clone().text()}`);
  return response.json();
}

/** The visitor journey in the visitor app, on a phone: HMP Leeds, the first free time. Returns the private link. */
async function bookAsVisitor(page) {
  await gotoApp(page, `${server.baseUrl}/`);
  await page.fill('#prison-search', 'leeds');
  await page.waitForFunction(() => document.querySelectorAll('.prison-list__item').length === 1);
  await page.click(`text=${LEEDS}`);
  await page.click('#start');
  await waitForPath(page, '/book/prisoner');
  await page.fill('#prisoner-first_name', 'John');
  await page.fill('#prisoner-last_name', 'Smith');
  await page.fill('#prisoner-date_of_birth-day', '12');
  await page.fill('#prisoner-date_of_birth-month', '4');
  await page.fill('#prisoner-date_of_birth-year', '1985');
  await page.fill('#prisoner-number', 'A1234BC');
  await page.click('#continue');
  await waitForPath(page, '/book/times');
  await page.locator('input[name=slots]').first().click();
  await page.click('#continue');
  await waitForPath(page, '/book/visitors');
  await page.fill('#lead_visitor-first_name', 'Mary');
  await page.fill('#lead_visitor-last_name', 'Smith');
  await page.fill('#lead_visitor-date_of_birth-day', '1');
  await page.fill('#lead_visitor-date_of_birth-month', '7');
  await page.fill('#lead_visitor-date_of_birth-year', '1980');
  await page.fill('#lead_visitor-email', 'mary@example.com');
  await page.fill('#lead_visitor-email_confirm', 'mary@example.com');
  await page.fill('#lead_visitor-phone', '07700900123');
  await page.click('#continue');
  await waitForPath(page, '/book/support');
  await page.click('#continue');
  await waitForPath(page, '/book/check');
  await page.click('#send');
  await waitForPath(page, '/book/done');
  const reference = (await page.locator('#reference').innerText()).trim();
  const href = await page.locator('#status-link').getAttribute('href');
  return { reference, href };
}

async function choosePrison(page, name) {
  const select = page.locator('#prison-switch');
  await select.selectOption({ label: name });
  await page.click('#prison-switch-go');
}

describe('staff decide requests', () => {
  test('sign in, decide a request made through the visitor journey, and the visitor sees it booked', async (t) => {
    const visitor = await newPage(t, { mobile: true });
    const { reference, href } = await bookAsVisitor(visitor.page);
    await gotoApp(visitor.page, `${server.baseUrl}${href}`);
    await visitor.page.locator('#visit-state[data-state=requested]').waitFor();

    // Staff on a phone: the inbox asks for sign-in first and comes back afterwards.
    const { page, problems } = await newPage(t, { mobile: true });
    await page.goto(`${server.baseUrl}/staff/inbox`);
    await page.waitForFunction(() => location.pathname === '/staff/sign-in');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/staff/inbox', 'where they were is kept');
    await page.click('#sign-in');
    await page.locator('#error-summary').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.title(), /^Error:/);
    await checkPage(page, 'sign-in-errors');
    await page.fill('#email', 'north@demo.example');
    await page.fill('#password', 'not the password');
    await page.click('#sign-in');
    await page.locator('#error-summary', { hasText: 'Enter a correct email address and password' }).waitFor();
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await waitForPath(page, '/staff/inbox');

    // North works at Leeds and Cardiff: the switcher chooses which inbox is shown.
    await choosePrison(page, CARDIFF);
    await page.locator('main .govuk-caption-l', { hasText: CARDIFF }).waitFor();
    await choosePrison(page, LEEDS);
    await page.locator('main .govuk-caption-l', { hasText: LEEDS }).waitFor();
    // The list of the other prisons follows the switch (it may still name Leeds for a moment).
    await page.locator('#other-prisons', { hasText: /HMP Cardiff \(demo\): \d+ waiting/ }).waitFor();
    const card = page.locator('.app-request', { hasText: reference });
    await card.waitFor();
    assert.equal(await page.locator('#count-waiting').innerText(), String(await page.locator('.app-request').count()));
    assert.match(await card.innerText(), /Confirm by/);
    await checkPage(page, 'inbox');
    // And in Welsh.
    await page.click('#language-switch');
    await page.locator('main h1', { hasText: 'Mewnflwch' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy');
    assert.match(await page.title(), /Rheoli ymweliadau carchar/);
    await checkPage(page, 'inbox-cy');
    await page.click('#language-switch');
    await page.locator('main h1', { hasText: 'Inbox' }).waitFor();

    // Session survives a reload.
    await page.reload();
    await card.waitFor();

    await card.locator('a').click();
    await page.locator('#decision-form').waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 5_000 });
    assert.match(await page.locator('main h1').innerText(), /John Smith/);
    await page.click('#send-decision');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await checkPage(page, 'decide-errors');
    await page.check('#decision');
    await page.locator('#slots').waitFor();
    assert.match(await page.locator('#slots-hint').innerText(), /of 25 places left/, 'live capacity beside the time');
    await page.check('#slots');
    await page.fill('#message', 'Please bring photo ID.');
    await checkPage(page, 'decide');
    await page.click('#send-decision');
    await page.locator('#notice', { hasText: 'The visit is booked' }).waitFor();
    await page.locator('#visit-state', { hasText: 'Booked' }).waitFor();
    assert.match(await page.locator('#messages').innerText(), /Please bring photo ID/);
    assert.match(await page.locator('#timeline').innerText(), /Requested by the visitor[\s\S]*Booked by Leeds and Cardiff Visits Team/);
    await checkPage(page, 'visit-booked');

    // The visitor's status page changes.
    await visitor.page.reload();
    await visitor.page.locator('#visit-state[data-state=booked]').waitFor();

    // Sign out ends the session: the inbox asks for sign-in again.
    await page.click('#sign-out');
    await page.locator('#session-ended', { hasText: 'You have signed out' }).waitFor();
    await page.goto(`${server.baseUrl}/staff/inbox`);
    await page.waitForFunction(() => location.pathname === '/staff/sign-in');
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });

  test('two members of staff race for the last place: one books it, the other is told why and keeps what they typed', async (t) => {
    const cardiff = await prisonNamed(CARDIFF);
    const [slot] = await availableSlots(cardiff.id);
    // Fill the time up to its last place through the API.
    const auth = await apiToken('north@demo.example');
    const day = await (
      await fetch(`${server.baseUrl}/api/v1/staff/prisons/${cardiff.id}/day-list?date=${slot.date}`, { headers: auth })
    ).json();
    const capacity = day.slots.find((s) => s.start === slot.start).capacity;
    for (let i = 0; i < capacity - 1; i += 1) {
      const filler = await requestVisit(cardiff.id, [slot], { number: `C${String(1000 + i)}DE` });
      await grantViaApi(auth, filler.id, slot);
    }
    const first = await requestVisit(cardiff.id, [slot], { number: 'D1111EF', first: 'Firstly' });
    const second = await requestVisit(cardiff.id, [slot], { number: 'D2222EF', first: 'Secondly' });

    const a = await newPage(t);
    const b = await newPage(t);
    await signIn(a.page, 'north@demo.example', `/staff/visits/${first.id}`);
    await signIn(b.page, 'admin@demo.example', `/staff/visits/${second.id}`);
    for (const { page } of [a, b]) {
      await page.check('#decision');
      await page.locator('#slots-hint', { hasText: '1 of' }).waitFor();
      await page.check('#slots');
      await page.fill('#message', 'See you soon');
    }
    await Promise.all([a.page.click('#send-decision'), b.page.click('#send-decision')]);
    const outcome = async (page) => {
      const notice = page.locator('#notice');
      await notice.waitFor();
      return notice.innerText();
    };
    const texts = await Promise.all([outcome(a.page), outcome(b.page)]);
    const winners = texts.filter((text) => /The visit is booked/.test(text));
    const losers = texts.filter((text) => /filled up while you were deciding/.test(text));
    assert.equal(winners.length, 1, `exactly one books it: ${texts.join(' | ')}`);
    assert.equal(losers.length, 1, `the other is told why: ${texts.join(' | ')}`);
    const loser = /filled up/.test(texts[0]) ? a.page : b.page;
    await loser.locator('#slots-hint', { hasText: 'Full' }).waitFor();
    assert.equal(await loser.locator('#slots').isDisabled(), true, 'the full time can no longer be chosen');
    assert.equal(await loser.inputValue('#message'), 'See you soon', 'the message typed is kept');
    await checkPage(loser, 'race-lost');
  });

  test('a request decided by someone else first: the page says so and shows what was typed', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const slots = (await availableSlots(leeds.id)).slice(0, 2);
    const visit = await requestVisit(leeds.id, slots, { number: 'E3333FG' });
    const { page } = await newPage(t);
    await signIn(page, 'north@demo.example', `/staff/visits/${visit.id}`);
    await page.check('#decision-reject');
    await page.check('#reason-prisoner_moved');
    await page.fill('#message', 'Sorry, the prisoner has moved.');

    await grantViaApi(await apiToken('admin@demo.example'), visit.id, slots[1]);

    await page.click('#send-decision');
    await page.locator('#notice', { hasText: 'Someone else decided this request first' }).waitFor();
    assert.match(await page.locator('#notice').innerText(), /Booked/);
    assert.match(await page.locator('#kept-message').innerText(), /Sorry, the prisoner has moved/);
    await page.locator('#visit-state', { hasText: 'Booked' }).waitFor();
    await page.locator('#booked-slot').waitFor();
    await checkPage(page, 'conflict');
  });

  test('staff of one prison cannot reach another prison’s visit by editing the URL', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const visit = await requestVisit(leeds.id, (await availableSlots(leeds.id)).slice(0, 1), { number: 'F4444GH' });
    const { page } = await newPage(t, { mobile: true });
    await signIn(page, 'rochester@demo.example', `/staff/visits/${visit.id}`);
    await page.locator('main h1', { hasText: 'Visit not found' }).waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /Anna|Jones|F4444GH/, 'nothing of the visit shows');
    assert.equal(await page.locator('#prison-name').innerText(), 'HMP Rochester (demo)');
    await checkPage(page, 'other-prison');
  });

  test('the session is renewed before the access token expires, without the member of staff noticing', async (t) => {
    const { context, page, problems } = await newPage(t);
    await context.clock.install();
    await signIn(page, 'rochester@demo.example', '/staff/inbox');
    await page.locator('#inbox-counts').waitFor();
    const first = await page.evaluate(() => sessionStorage.getItem('pvb.staff.refresh'));
    assert.ok(first, 'the refresh token is kept in this tab');
    // The access token lasts 15 minutes; the app renews it a minute before.
    await page.clock.fastForward('14:30');
    await page.waitForFunction((old) => sessionStorage.getItem('pvb.staff.refresh') !== old, first);
    await page.click('#staff-nav a[href="/staff/search"]');
    await page.fill('#q', 'A1234BC');
    await page.click('#search');
    await page.locator('#results-title').waitFor();
    assert.equal(new URL(page.url()).pathname, '/staff/search', 'still signed in');
    // The renewal used the old refresh token up. Presented again (as a thief holding a copy would), it is refused
    // and ends the whole session (RFC 9700 refresh token reuse detection): the tab is signed out too.
    const replayed = await fetch(`${server.baseUrl}/api/v1/staff/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: first }),
    });
    assert.equal(replayed.status, 401, 'the old refresh token was used up by the renewal');
    await page.reload();
    await page.waitForFunction(() => location.pathname === '/staff/sign-in');
    assert.deepEqual(problems.pageErrors, []);
  });

  test('a session that can no longer be renewed ends cleanly and sign-in brings staff back', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, 'rochester@demo.example', '/staff/inbox');
    await page.goto(`${server.baseUrl}/staff/search?q=A1234BC`);
    await page.locator('#results-title').waitFor();
    // The refresh token is revoked (as when it expires): the reload cannot renew the session.
    await page.evaluate(() => sessionStorage.setItem('pvb.staff.refresh', 'rt_revoked'));
    await page.reload();
    await page.waitForFunction(() => location.pathname === '/staff/sign-in');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/staff/search?q=A1234BC');
    await page.locator('#session-ended', { hasText: 'Your session has ended' }).waitFor();
    await checkPage(page, 'session-ended');
    await page.fill('#email', 'rochester@demo.example');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await waitForPath(page, '/staff/search');
    assert.equal(await page.inputValue('#q'), 'A1234BC');
  });
});

describe('visits after booking', () => {
  test('staff cancel a booked visit with a reason, and acknowledge a visitor’s own cancellation', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const slots = await availableSlots(leeds.id);
    const auth = await apiToken('north@demo.example');
    const ours = await requestVisit(leeds.id, [slots[1]], { number: 'K8888LM', first: 'Cancelme' });
    await grantViaApi(auth, ours.id, slots[1]);
    const theirs = await requestVisit(leeds.id, [slots[2]], { number: 'L9999MN', first: 'Theycancel' });
    await grantViaApi(auth, theirs.id, slots[2]);
    const cancelled = await fetch(`${server.baseUrl}/api/v1/visits/${theirs.reference}/cancel`, {
      method: 'POST',
      headers: { 'x-visit-token': theirs.status_token },
    });
    assert.equal(cancelled.status, 200, 'the visitor cancels their visit');

    const { page } = await newPage(t, { mobile: true });
    await signIn(page, 'north@demo.example', `/staff/visits/${ours.id}`);
    await page.locator('#visit-state', { hasText: 'Booked' }).waitFor();
    await page.click('#cancel-details summary');
    await page.click('#cancel-visit');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await page.check('#cancel-prisoner_moved');
    await page.fill('#cancel-message', 'Sorry, the prisoner has moved to another prison.');
    await checkPage(page, 'cancel');
    await page.click('#cancel-visit');
    await page.locator('#notice', { hasText: 'The visit is cancelled' }).waitFor();
    await page.locator('#visit-state', { hasText: 'Cancelled' }).waitFor();
    assert.match(await page.locator('#timeline').innerText(), /Cancelled by[\s\S]*Prisoner has moved/);
    const status = await (
      await fetch(`${server.baseUrl}/api/v1/visits/${ours.reference}`, { headers: { 'x-visit-token': ours.status_token } })
    ).json();
    assert.equal(status.state, 'cancelled', 'the visitor sees it cancelled');

    await page.goto(`${server.baseUrl}/staff/inbox`);
    await choosePrison(page, LEEDS);
    const notice = page.locator('#cancellations .app-card', { hasText: theirs.reference });
    await notice.waitFor();
    const before = Number(await page.locator('#count-cancellations').innerText());
    await checkPage(page, 'inbox-cancellations');
    await notice.locator('button', { hasText: 'Acknowledge' }).click();
    await page.waitForFunction(
      (n) => Number(document.getElementById('count-cancellations')?.innerText) === n - 1,
      before,
    );
    assert.equal(await page.locator('#cancellations .app-card', { hasText: theirs.reference }).count(), 0);
    // The card is gone, so a banner says what happened and has the focus (not <body>).
    await page.waitForFunction(() => document.activeElement?.id === 'acknowledged');
    assert.match(await page.locator('#acknowledged').innerText(), new RegExp(`acknowledged the cancelled visit ${theirs.reference}`));
    await checkPage(page, 'inbox-acknowledged');
  });
});

describe('search and the day list', () => {
  test('search by reference and by prison number', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const visit = await requestVisit(leeds.id, (await availableSlots(leeds.id)).slice(0, 1), { number: 'G5555HJ' });
    const { page } = await newPage(t, { mobile: true });
    await signIn(page, 'north@demo.example', '/staff/search');
    await page.click('#search');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await page.fill('#q', visit.reference.toLowerCase());
    await page.click('#search');
    await page.locator('#results .app-card', { hasText: visit.reference }).waitFor();
    assert.match(await page.locator('#results-title').innerText(), /1 visit found/);
    await checkPage(page, 'search');
    await page.fill('#q', 'g5555hj');
    await page.click('#search');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'G5555HJ');
    await page.locator('#results .app-card', { hasText: visit.reference }).locator('a').click();
    await page.locator('#visit-reference', { hasText: visit.reference }).waitFor();
  });

  test('the day list groups visits by time, prints without navigation, and downloads as CSV', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const [slot] = await availableSlots(leeds.id);
    const visit = await requestVisit(leeds.id, [slot], { number: 'H6666JK', first: 'Daylist' });
    await grantViaApi(await apiToken('north@demo.example'), visit.id, slot, { closed_visit: true });

    const { page } = await newPage(t);
    await signIn(page, 'north@demo.example', '/staff/day-list');
    await choosePrison(page, LEEDS);
    await page.fill('#date', slot.date);
    await page.click('#show-day');
    const card = page.locator('.app-day-slot .app-card', { hasText: visit.reference });
    await card.waitFor();
    assert.match(await card.innerText(), /Daylist Jones/);
    assert.match(await card.innerText(), /Closed visit/);
    assert.match(await card.innerText(), /Bea Jones/);
    await checkPage(page, 'day-list');

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#staff-nav').isVisible(), false, 'no navigation in print');
    assert.equal(await page.locator('#print').isVisible(), false, 'no buttons in print');
    assert.equal(await page.locator('#prison-switch').isVisible(), false, 'no prison switcher in print');
    assert.equal(await card.isVisible(), true, 'the visits print');
    await screenshot(page, 'staff-day-list-print');
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    assert.equal(download.suggestedFilename(), `visits-${slot.date}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.includes(visit.reference), 'the CSV has the visit');
    assert.ok(csv.includes('H6666JK'), 'and its prisoner');
  });
});

/** A visitor's phone with HMP Leeds already chosen (as the first steps of the journey leave it), on the times page. */
async function visitorOnTimes(t, prisonId) {
  const prison = await (await fetch(`${server.baseUrl}/api/v1/prisons/${prisonId}`)).json();
  const person = { first_name: 'John', last_name: 'Smith', dob: { day: '12', month: '4', year: '1985' } };
  const draft = { prison, prisoner: person, prison_number: 'A1234BC' };
  const visitor = await newPage(t, { mobile: true });
  await saveDraft(visitor.page, server.baseUrl, draft);
  await gotoApp(visitor.page, `${server.baseUrl}/book/times`);
  await visitor.page.locator('input[name=slots]').first().waitFor();
  return visitor;
}

describe('the timetable', () => {
  test('closing a date with a booked visit: preview, warning, confirmation, and the visitor calendar changes', async (t) => {
    const leeds = await prisonNamed(LEEDS);
    const [slot] = await availableSlots(leeds.id);
    const booked = await requestVisit(leeds.id, [slot], { number: 'J7777KL' });
    await grantViaApi(await apiToken('north@demo.example'), booked.id, slot);
    const box = `#slot-${slot.date}-${slot.start.replace(':', '')}`;

    const visitor = await visitorOnTimes(t, leeds.id);
    assert.equal(await visitor.page.locator(box).count(), 1, 'the visitor can choose the time before');
    // The time given only the places booked on that date (so it is full), and another visitor waits for it.
    const auth = await apiToken('north@demo.example');
    const path = `${server.baseUrl}/api/v1/staff/prisons/${leeds.id}/timetable`;
    const current = await (await fetch(path, { headers: auth })).json();
    const days = (await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json()).days;
    const { places_left: left } = days.flatMap((day) => day.slots).find((s) => s.date === slot.date && s.start === slot.start);
    const { capacity } = current.timetable.weekly.find((w) => w.start === slot.start);
    current.timetable.replacements.push({ ...slot, capacity: capacity - left, closed_capacity: 1 });
    const oneplace = await fetch(path, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ rules: current.rules, timetable: current.timetable }),
    });
    assert.equal(oneplace.status, 200, await oneplace.clone().text());
    const waiting = await requestVisit(leeds.id, [slot], { number: 'W5555XY', email: 'wait@example.com', waitingList: true });
    assert.equal(waiting.state, 'waiting');

    const { page } = await newPage(t, { mobile: true });
    await signIn(page, 'north@demo.example', '/staff/timetable');
    await choosePrison(page, LEEDS);
    await page.locator('main .govuk-caption-l', { hasText: LEEDS }).waitFor();
    await page.locator('#weekly-0-start').waitFor();
    await checkPage(page, 'timetable');
    const closedBefore = await page.locator('#closed-dates li').count();
    await page.click('#add-closed');
    await page.fill(`#closed-${closedBefore}`, slot.date);
    await page.locator(`#closed-${closedBefore}`).dispatchEvent('change');
    await page.click('#preview-changes');
    const day = page.locator(`#preview-days [data-date="${slot.date}"]`);
    await day.waitFor();
    assert.equal(await day.getAttribute('data-closed'), 'true', 'the preview shows the date closed');
    await checkPage(page, 'timetable-preview');
    await page.click('#save-timetable');
    await page.locator('#affected-visits', { hasText: booked.reference }).waitFor();
    await checkPage(page, 'timetable-affected');
    await page.click('#confirm-save');
    await page.locator('#saved', { hasText: 'The timetable is saved' }).waitFor();
    assert.match(await page.locator('#saved').innerText(), new RegExp(booked.reference), 'the kept visits are listed');
    assert.match(await page.locator('#waiting-list-ended').innerText(), new RegExp(waiting.reference), 'the ended wait is listed');
    const ended = await fetch(`${server.baseUrl}/api/v1/visits/${waiting.reference}`, { headers: { 'x-visit-token': waiting.status_token } });
    assert.equal((await ended.json()).state, 'expired', 'the visitor no longer waits for a closed date');

    await visitor.page.reload();
    await visitor.page.locator('input[name=slots]').first().waitFor();
    assert.equal(await visitor.page.locator(box).count(), 0, 'the visitor can no longer choose the closed date');
    const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
    assert.equal(availability.days.find((day) => day.date === slot.date).closed, true, 'the date is closed to visitors');
    const visitStillBooked = await (
      await fetch(`${server.baseUrl}/api/v1/staff/visits/${booked.id}`, { headers: await apiToken('north@demo.example') })
    ).json();
    assert.equal(visitStillBooked.state, 'booked', 'the booked visit is kept');
  });

  test('mistakes in the timetable are listed in an error summary; times fit in 12-hour browsers', async (t) => {
    // A browser that shows 12-hour time ("02:00 PM"), as many in the US do.
    const { page } = await newPage(t, { locale: 'en-US' });
    await signIn(page, 'rochester@demo.example', '/staff/timetable');
    await page.locator('#weekly-0-start').waitFor();
    // The time field has room for "12:00 PM" and the picker's icon, so "PM" is not cut off.
    const { text, icon, room } = await page.evaluate(() => {
      const input = document.getElementById('weekly-0-start');
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d');
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      return {
        text: context.measureText('12:00 PM').width,
        icon: parseFloat(style.fontSize) * 1.2,
        room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      };
    });
    assert.ok(room >= text + icon, `the time field has ${room} px for ${text} px of text and a ${icon} px icon`);
    await page.fill('#weekly-0-capacity', 'lots');
    await page.locator('#weekly-0-capacity').dispatchEvent('change');
    await page.click('#preview-changes');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.locator('#error-summary').innerText(), /Enter a whole number of places/);
    await checkPage(page, 'timetable-errors');
    // Removing a time leaves focus on the time that took its place (or the list's heading), not on <body>.
    const rows = await page.locator('#weekly > li').count();
    await page.click('#weekly-0-remove');
    const expected = rows > 1 ? 'weekly-0-remove' : 'weekly-title';
    await page.waitForFunction((id) => document.activeElement?.id === id, expected);
  });
});

describe('the dashboard and admin', () => {
  test('the dashboard shows the prison’s figures as numbers, a chart and a table', async (t) => {
    const { page } = await newPage(t, { mobile: true });
    await signIn(page, 'north@demo.example', '/staff/dashboard');
    await choosePrison(page, LEEDS);
    await page.locator('#outcomes-table').waitFor();
    const booked = Number(await page.locator('#outcomes-table tbody tr:first-child td').innerText());
    assert.ok(booked >= 1, `the visits booked by the other tests count (${booked})`);
    assert.equal(await page.locator('#outcomes-chart rect').count(), 5, 'one bar per outcome');
    await checkPage(page, 'dashboard');
    await page.fill('#from', '2026-02-01');
    await page.fill('#to', '2026-01-01');
    await page.click('#show-period');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
  });

  test('an admin creates a staff account that can then sign in, and disables it', async (t) => {
    const { page } = await newPage(t);
    await signIn(page, 'admin@demo.example', '/staff/admin');
    await page.locator('#accounts').waitFor();
    await checkPage(page, 'admin');
    await page.click('#create-account');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await page.fill('#new-name', 'Pat Visits');
    await page.fill('#new-email', 'pat@demo.example');
    await page.fill('#new-password', 'a long first passphrase');
    await page.check('#new-prison_ids');
    await page.click('#create-account');
    await page.locator('#admin-notice', { hasText: 'pat@demo.example' }).waitFor();
    const card = page.locator('.app-account', { hasText: 'pat@demo.example' });
    await card.waitFor();

    const signInAs = (password) =>
      fetch(`${server.baseUrl}/api/v1/staff/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'pat@demo.example', password }),
      });
    assert.equal((await signInAs('a long first passphrase')).status, 200, 'the new account can sign in');
    await card.locator('button', { hasText: 'Disable' }).click();
    await page.locator('.app-account', { hasText: 'pat@demo.example' }).locator('.govuk-tag', { hasText: 'Disabled' }).waitFor();
    assert.equal((await signInAs('a long first passphrase')).status, 401, 'a disabled account cannot sign in');

    // Prisons: change one's phone number; visitors see it.
    const rochester = await prisonNamed('HMP Rochester (demo)');
    await page.locator('.app-prison', { hasText: 'HMP Rochester (demo)' }).locator('button', { hasText: 'Change details' }).click();
    await page.locator('#edit-phone').waitFor();
    assert.equal(await page.inputValue('#edit-name'), 'HMP Rochester (demo)');
    await page.fill('#edit-phone', '');
    await page.click('#edit-save');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await page.fill('#edit-phone', '01632 960999');
    assert.equal(await page.inputValue('#edit-reminder_days'), '2', 'reminders 2 days before, to start with');
    await page.selectOption('#edit-reminder_days', '0');
    await page.click('#edit-save');
    await page.locator('#admin-notice', { hasText: 'is changed' }).waitFor();
    const details = await (await fetch(`${server.baseUrl}/api/v1/prisons/${rochester.id}`)).json();
    assert.equal(details.phone, '01632 960999');
    assert.equal(details.reminder_days, 0, 'reminders turned off');
  });
});
