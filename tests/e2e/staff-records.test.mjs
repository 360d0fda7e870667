// The staff visit page with the prison's records checked (RECORDS=builtin: the prison roll in the service's own
// database) and the emails about the visit, in real headless Chromium against the real server.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  UI_TIMEOUT_MS,
  formatViolations,
  gotoApp,
  launchBrowser,
  phone,
  runAxe,
  saveDraft,
  screenshot,
  startServer,
  watchPage,
} from './harness.mjs';

const PASSWORD = 'demo-visits-password';

let server;
let browser;

before(async () => {
  // Emails go to the log (marked sent without sending), looked for every second.
  server = await startServer({ env: { RECORDS: 'builtin', OUTBOX_POLL_SECONDS: '1' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function staffAuth(email) {
  const response = await fetch(`${server.baseUrl}/api/v1/staff/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(response.status, 200);
  return { authorization: `Bearer ${(await response.json()).access_token}` };
}

describe('the staff visit page with records checks and emails', () => {
  test('shows each check, ticks the reasons failed checks imply, and shows the emails as they go out', async (t) => {
    const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
    const leeds = prisons.find((p) => p.name === 'HMP Leeds (demo)');
    // The roll says: at Leeds, no visits left until 4 January 2027, and only Bea Jones may visit.
    const admin = await staffAuth('admin@demo.example');
    const roll = await fetch(`${server.baseUrl}/api/v1/records/prisoners/G5555HJ`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        number: 'G5555HJ',
        first_name: 'Carys',
        last_name: 'Evans',
        date_of_birth: '1988-08-08',
        prison_code: leeds.code,
        visiting_allowance: 0,
        allowance_renews_on: '2027-01-04',
        contacts: [{ first_name: 'Bea', last_name: 'Jones', date_of_birth: '1970-05-06', approved: true }],
      }),
    });
    assert.equal(roll.status, 200, `the roll takes the prisoner: ${await roll.clone().text()}`);

    const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
    const slot = availability.days.flatMap((d) => d.slots).find((s) => s.state === 'available');
    const created = await fetch(`${server.baseUrl}/api/v1/visits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({
        prison_id: leeds.id,
        prisoner: { first_name: 'Carys', last_name: 'Evans', date_of_birth: '1988-08-08', number: 'G5555HJ' },
        lead_visitor: {
          first_name: 'Bea',
          last_name: 'Jones',
          date_of_birth: '1970-05-06',
          email: 'bea@example.com',
          phone: '07700900456',
        },
        other_visitors: [{ first_name: 'Dai', last_name: 'Morgan', date_of_birth: '1975-01-01' }],
        slots: [{ date: slot.date, start: slot.start, end: slot.end }],
        locale: 'en',
      }),
    });
    assert.equal(created.status, 201);
    const visit = await created.json();

    const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-GB' });
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const problems = watchPage(page);
    await page.goto(`${server.baseUrl}/staff/visits/${visit.id}`);
    await page.fill('#email', 'north@demo.example');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#records-checks').waitFor();

    const outcome = (check) => page.locator(`#records-checks li[data-check=${check}]`).first().getAttribute('data-outcome');
    assert.equal(await outcome('prisoner_details'), 'pass');
    assert.equal(await outcome('at_this_prison'), 'pass');
    assert.equal(await outcome('visiting_allowance'), 'fail');
    const visitors = page.locator('#records-checks li[data-check=visitor]');
    assert.deepEqual(await visitors.evaluateAll((items) => items.map((li) => li.dataset.outcome)), ['pass', 'fail']);
    assert.match(await visitors.nth(1).innerText(), /Dai Morgan/);

    // Rejecting: the reasons the failed checks imply are already ticked, with the renewal date from the roll.
    await page.check('#decision-reject');
    assert.equal(await page.isChecked('#reason-no_allowance'), true);
    assert.equal(await page.isChecked('#reason-visitor_not_on_contact_list'), true);
    assert.equal(await page.isChecked('#reason-prisoner_moved'), false);
    assert.equal(await page.inputValue('#renews-on'), '2027-01-04');

    // The visitor's "request received" email is listed; once the worker has sent it, a reload shows it sent.
    await page.locator('#emails li[data-kind=request_received]').waitFor();
    for (let tries = 0; tries < 30; tries += 1) {
      const staff = await staffAuth('north@demo.example');
      const view = await (await fetch(`${server.baseUrl}/api/v1/staff/visits/${visit.id}`, { headers: staff })).json();
      if (view.emails.every((e) => e.state === 'sent')) break;
      await new Promise((done) => setTimeout(done, 500));
    }
    await page.reload();
    await page.locator('#emails li[data-kind=request_received][data-state=sent]').waitFor();
    assert.match(await page.locator('#emails li[data-kind=request_received]').innerText(), /Sent/);

    await screenshot(page, 'staff-records-checks');
    const results = await runAxe(page);
    assert.equal(results.violations.length, 0, formatViolations(results.violations));
    assert.deepEqual(problems.pageErrors, []);
  });
});

describe('the visitor is told at once when the prisoner’s details do not match the records', () => {
  test('the confirmation warns, in the visitor’s language, and the request is still taken', async (t) => {
    const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
    const leeds = prisons.find((p) => p.name === 'HMP Leeds (demo)');
    const prison = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}`)).json();
    const admin = await staffAuth('admin@demo.example');
    const roll = await fetch(`${server.baseUrl}/api/v1/records/prisoners/H6666JK`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        number: 'H6666JK',
        first_name: 'Owen',
        last_name: 'Price',
        date_of_birth: '1979-03-03',
        prison_code: leeds.code,
        visiting_allowance: 2,
        contacts: [],
      }),
    });
    assert.equal(roll.status, 200);
    const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
    const slot = availability.days.flatMap((d) => d.slots).find((s) => s.state === 'available');
    const person = (first, last, [day, month, year]) => ({ first_name: first, last_name: last, dob: { day, month, year } });
    // The visitor's answers, as the journey keeps them: the date of birth given is not the one on the roll.
    const saved = {
      saved_at: Date.now(),
      draft: {
        prison,
        prisoner: person('Owen', 'Price', ['4', '3', '1979']),
        prison_number: 'H6666JK',
        slots: [{ date: slot.date, start: slot.start, end: slot.end }],
        lead: person('Mair', 'Price', ['1', '7', '1980']),
        email: 'mair@example.com',
        email_confirm: 'mair@example.com',
        phone: '07700900123',
        others: [],
        idempotency_key: null,
        server_errors: [],
        created: null,
      },
    };
    const context = await phone(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const problems = watchPage(page);
    await saveDraft(page, server.baseUrl, saved.draft);
    await context.addCookies([{ name: 'pvb_lang', value: 'cy', url: server.baseUrl }]);
    await gotoApp(page, `${server.baseUrl}/book/check`);
    await page.locator('#send').click();
    await page.locator('#details-mismatch').waitFor();
    assert.match(await page.locator('#details-mismatch').innerText(), /Nid yw manylion y carcharor a roesoch yn cyfateb/);
    assert.match(await page.locator('#reference').innerText(), /^[0-9A-Z]{8}$/, 'the request is still taken');
    await screenshot(page, 'journey-details-mismatch-cy');
    const results = await runAxe(page);
    assert.equal(results.violations.length, 0, formatViolations(results.violations));
    assert.deepEqual(problems.pageErrors, []);
  });
});
