// Webhook subscriptions on the staff admin screens, in real headless Chromium against the real server, delivering to a
// real HTTP receiver on loopback that this test runs: an admin is refused a cloud metadata address and an ftp:// one
// (error summary), adds a subscription, sees its secret once, a visit request is delivered (the receiver checks the
// Standard Webhooks signature with that secret) and shows as delivered in the log; the receiver then fails, the admin
// redelivers and sees the failure, fixes the receiver and redelivers again; pages through the log; rotates the secret
// (both signatures arrive), turns the subscription off and on again, and deletes it. axe-core checks each state, at
// 320 px and in Welsh; a second test does it by keyboard on a phone.

import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { checkPage as checkPageAs, launchBrowser, openPage, phone, startServer } from './harness.mjs';

const PASSWORD = 'demo-visits-password';
const LEEDS = 'HMP Leeds (demo)';

let server;
let browser;
let receiver;

/** The test's receiver: records every request and answers `status` (200 unless told otherwise). */
function startReceiver() {
  const state = { status: 200, requests: [], waiters: [] };
  const http = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      state.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered: state.status });
      response.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status === 200 ? 'ok' : 'receiver down');
      state.waiters.splice(0).forEach((wake) => wake());
    });
  });
  return new Promise((ready) =>
    http.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${http.address().port}/hooks/visits`;
      state.close = () => new Promise((done) => http.close(done));
      /** Waits until the receiver has had `count` requests in all. */
      state.waitFor = async (count, ms = 15_000) => {
        const deadline = Date.now() + ms;
        while (state.requests.length < count) {
          assert.ok(Date.now() < deadline, `the receiver got ${state.requests.length} of ${count} requests`);
          await new Promise((wake) => {
            state.waiters.push(wake);
            setTimeout(wake, 500);
          });
        }
        return state.requests[count - 1];
      };
      ready(state);
    }),
  );
}

before(async () => {
  receiver = await startReceiver();
  server = await startServer({ env: { WEBHOOKS_ALLOW_LOOPBACK: 'true', WEBHOOKS_POLL_SECONDS: '1' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

function checkPage(page, name) {
  return checkPageAs(page, `staff-webhooks-${name}`, /Webhooks - Manage prison visits|Bachau gwe - Rheoli ymweliadau carchar/);
}

/** Standard Webhooks: base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the secret's bytes after `whsec_`. */
function signature(secret, request) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

/** A visit request for HMP Leeds through the public API, as the visitor app sends it: a `visit.*` event. */
async function requestVisit() {
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  const leeds = prisons.find((p) => p.name === LEEDS);
  const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
  const slot = availability.days.flatMap((day) => day.slots).find((s) => s.state === 'available');
  const response = await fetch(`${server.baseUrl}/api/v1/visits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      prison_id: leeds.id,
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
  });
  assert.equal(response.status, 201, `the visit request is accepted: ${await response.clone().text()}`);
  return response.json();
}

/** Refreshes the log until its newest line shows `state`; returns that line. */
async function newestLineShows(page, state) {
  const line = page.locator('#delivery-log tbody tr').first();
  const deadline = Date.now() + 15_000;
  while (true) {
    await page.click('#refresh-log');
    await page.locator('#delivery-log, #no-deliveries').first().waitFor();
    const text = (await line.count()) ? await line.locator('.app-delivery-state').innerText() : '';
    if (text === state) return line;
    assert.ok(Date.now() < deadline, `the newest delivery shows "${state}" (it shows "${text}")`);
    await page.waitForTimeout(400);
  }
}

async function waitForNotice(page, text) {
  await page.locator('#webhooks-notice', { hasText: text }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'webhooks-notice');
}

describe('webhooks', () => {
  test('an admin subscribes a receiver, follows its deliveries, redelivers, rotates, edits and deletes', async (t) => {
    const { page, problems } = await openPage(
      t,
      await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-GB' }),
    );
    await page.goto(`${server.baseUrl}/staff/admin/webhooks`);
    await page.locator('#email').waitFor();
    await page.fill('#email', 'admin@demo.example');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.waitForFunction(() => location.pathname === '/staff/admin/webhooks');
    await page.locator('#no-subscriptions').waitFor();
    // Reached from the admin area's navigation too.
    assert.equal(await page.locator('nav a[href="/staff/admin/webhooks"][aria-current=page]').count(), 1);
    await checkPage(page, 'empty');

    // The cloud metadata address is refused by the server: the error summary takes the focus and names the field.
    await page.fill('#webhook-url', 'http://169.254.169.254/latest/meta-data');
    await page.getByLabel(LEEDS).check();
    await page.click('#save-webhook');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.locator('#error-summary').innerText(), /not a public internet address/);
    assert.match(await page.locator('#webhook-url-error').innerText(), /public/);
    assert.equal(await page.title(), 'Error: Webhooks - Manage prison visits');
    await checkPage(page, 'refused');
    await page.fill('#webhook-url', 'ftp://records.example/hooks');
    await page.click('#save-webhook');
    await page.locator('#error-summary', { hasText: 'must start with https://' }).waitFor();

    // Added: its secret shown once, focused, with what to do with it.
    await page.fill('#webhook-url', receiver.url);
    await page.fill('#webhook-description', 'Records system');
    await page.click('#save-webhook');
    await page.locator('#webhook-secret-panel').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'webhook-secret');
    const secret = await page.inputValue('#webhook-secret');
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(await page.locator('.govuk-warning-text').innerText(), /will not be shown again/);
    const card = page.locator('.app-subscription', { hasText: receiver.url });
    await card.waitFor();
    assert.match(await card.innerText(), /Every event, including kinds added later/);
    assert.match(await card.innerText(), new RegExp(LEEDS.replace(/[()]/g, '\\$&')));
    assert.match(await card.locator('.govuk-tag').innerText(), /^On$/);
    await checkPage(page, 'created');
    await page.click('#webhook-secret-done');
    await page.locator('#webhook-secret-panel').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page once dismissed');

    // A visit request reaches the receiver, signed with that secret, and the log says it was delivered.
    const visit = await requestVisit();
    const first = await receiver.waitFor(1);
    const payload = JSON.parse(first.body);
    assert.match(payload.type, /^visit\.(requested|booked)$/);
    assert.equal(payload.data.reference, visit.reference);
    assert.equal(first.headers['webhook-signature'], signature(secret, first), 'the request is signed with the secret shown');
    await card.locator('button', { hasText: 'Delivery log' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'delivery-log-title');
    let line = await newestLineShows(page, 'Delivered');
    assert.match(await line.innerText(), new RegExp(payload.type.replace('.', '\\.')));
    assert.match(await line.locator('[data-label="Last HTTP status"]').innerText(), /^200$/);
    assert.match(await line.locator('[data-label="Time taken"]').innerText(), /^\d+ ms$/);
    await checkPage(page, 'delivered');

    // The receiver fails; a redelivery says what happened, and the log shows the failure and the next try.
    receiver.status = 500;
    await line.locator('.app-redeliver').click();
    await waitForNotice(page, 'Delivery queued again');
    const failed = await receiver.waitFor(2);
    assert.equal(failed.headers['webhook-id'], first.headers['webhook-id'], 'a redelivery keeps its webhook-id');
    line = await newestLineShows(page, 'Failed, trying again');
    assert.match(await line.locator('[data-label="Last HTTP status"]').innerText(), /^500$/);
    assert.match(await line.locator('[data-label="Last error"]').innerText(), /500/);
    assert.doesNotMatch(await line.locator('[data-label="Next try"]').innerText(), /^–$/);
    await checkPage(page, 'failing');

    // At 320 px the log reflows: no sideways scrolling, every cell labelled.
    await page.setViewportSize({ width: 320, height: 640 });
    await checkPage(page, 'phone');
    await page.setViewportSize({ width: 1024, height: 800 });

    // Fixed, and redelivered at once.
    receiver.status = 200;
    await line.locator('.app-redeliver').click();
    await waitForNotice(page, 'Delivery queued again');
    await newestLineShows(page, 'Delivered');

    // Paging: 20 lines a page, newest first. Twenty more visit requests make 21 deliveries.
    for (let i = 0; i < 20; i += 1) await requestVisit();
    const deadline = Date.now() + 15_000;
    while (!(await page.locator('#log-older').count())) {
      assert.ok(Date.now() < deadline, 'the log offers older deliveries');
      await page.click('#refresh-log');
      await page.waitForTimeout(300);
    }
    assert.equal(await page.locator('#delivery-log tbody tr').count(), 20);
    await page.click('#log-older');
    await page.waitForFunction(() => document.activeElement?.id === 'delivery-log-title');
    await page.locator('#log-newer').waitFor();
    assert.equal(await page.locator('#delivery-log tbody tr').count(), 1, 'the oldest delivery is alone on page 2');
    assert.equal(await page.locator('#delivery-log tbody tr').getAttribute('data-event-id'), first.headers['webhook-id']);
    await page.click('#log-newer');
    await page.locator('#log-newer').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#delivery-log tbody tr').count(), 20);

    // A rotation: a new secret shown once; the old one keeps signing during the overlap (two signatures).
    await card.locator('button', { hasText: 'Rotate secret' }).click();
    await page.locator('#webhook-secret-panel', { hasText: 'New signing secret' }).waitFor();
    assert.match(await page.locator('#webhook-secret-overlap').innerText(), /old secret keeps signing too for 24 hours/);
    const rotated = await page.inputValue('#webhook-secret');
    assert.notEqual(rotated, secret);
    await checkPage(page, 'rotated');
    await page.click('#webhook-secret-done');
    await card.locator('dt', { hasText: 'Old secret signs until' }).waitFor();
    const seen = receiver.requests.length;
    await page.locator('#delivery-log .app-redeliver').first().click();
    const resent = await receiver.waitFor(seen + 1);
    const signatures = resent.headers['webhook-signature'].split(' ');
    assert.deepEqual(signatures.sort(), [signature(rotated, resent), signature(secret, resent)].sort());

    // Changed: turned off, one event type only.
    await card.locator('button', { hasText: 'Change' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'webhook-form-title');
    assert.equal(await page.inputValue('#webhook-url'), receiver.url);
    await page.uncheck('#webhook-enabled');
    await page.check('#webhook-form input[value="visit.cancelled"]');
    await page.fill('#webhook-description', 'Records system (paused)');
    await checkPage(page, 'editing');
    await page.click('#save-webhook');
    await waitForNotice(page, 'Subscription saved.');
    await card.locator('.govuk-tag', { hasText: 'Off' }).waitFor();
    assert.match(await card.innerText(), /visit\.cancelled/);
    assert.match(await card.innerText(), /An admin turned it off/);

    // In Welsh.
    await page.click('#language-switch');
    await page.locator('h1', { hasText: 'Bachau gwe' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy');
    await page.locator('#webhooks-notice', { hasText: 'Tanysgrifiad wedi’i gadw.' }).waitFor();
    await checkPage(page, 'cy');
    await page.click('#language-switch');
    await page.locator('h1', { hasText: 'Webhooks' }).waitFor();

    // Turned on again.
    await card.locator('button', { hasText: 'Change' }).click();
    await page.check('#webhook-enabled');
    await page.click('#save-webhook');
    await waitForNotice(page, 'turned on again');
    await card.locator('.govuk-tag', { hasText: 'On' }).waitFor();

    // Deleted after a confirmation; cancelling first changes nothing.
    await card.locator('button', { hasText: 'Delete' }).click();
    await card.locator('.govuk-inset-text').waitFor();
    await checkPage(page, 'confirm-delete');
    await card.locator('button', { hasText: 'Cancel' }).click();
    await card.locator('.govuk-inset-text').waitFor({ state: 'detached' });
    await card.locator('button', { hasText: 'Delete' }).click();
    await card.locator('button', { hasText: 'Yes, delete it' }).click();
    await waitForNotice(page, 'Subscription deleted');
    await page.locator('#no-subscriptions').waitFor();
    await page.locator('#delivery-log-title').waitFor({ state: 'detached' });
    await checkPage(page, 'deleted');
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });

  test('the webhooks screen works with a keyboard on a 320 px phone', async (t) => {
    const { page, problems } = await openPage(t, await phone(browser));
    await page.goto(`${server.baseUrl}/staff/admin/webhooks`);
    await page.locator('#email').waitFor();
    await page.fill('#email', 'admin@demo.example');
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in');
    await page.locator('#webhook-form').waitFor();
    await page.focus('#webhook-url');
    await page.keyboard.type(receiver.url.replace('/hooks/visits', '/hooks/phone'));
    await page.focus('#webhook-event_types');
    await page.keyboard.press('Space');
    await page.focus('#webhook-prison_ids');
    await page.keyboard.press('Space');
    await page.focus('#save-webhook');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'webhook-secret');
    assert.match(await page.inputValue('#webhook-secret'), /^whsec_/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "I have copied it"
    await page.waitForFunction(() => document.activeElement?.id === 'subscriptions');
    const card = page.locator('.app-subscription', { hasText: '/hooks/phone' });
    assert.match(await card.innerText(), /visit\.requested/);
    await card.locator('button', { hasText: 'Delivery log' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'delivery-log-title');
    await page.locator('#no-deliveries, #delivery-log').first().waitFor();
    await checkPage(page, 'phone-keyboard');
    assert.deepEqual(problems.pageErrors, []);
  });
});
