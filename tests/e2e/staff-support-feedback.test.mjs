// Issue 14 in the staff app, in real headless Chromium against the real server, on a 320 px phone: the support a
// visitor said the party needs shows on the visit page and the day list (English and Welsh); a member of staff sends
// feedback through the form (errors first, then thanks); an admin reads it beside a visitor's and downloads it as
// CSV. axe-core checks every state, in English and in Welsh.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { checkPage as checkPageAs, launchBrowser, openPage, phone, startServer } from './harness.mjs';

const PASSWORD = 'demo-visits-password';
const ROCHESTER = 'HMP Rochester (demo)';

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

const TITLES = /(Visit|Day list|Give feedback|Feedback|Rhestr y dydd|Rhoi adborth|Adborth|Ymweliad).* - (Manage prison visits|Rheoli ymweliadau carchar)|Manage prison visits|Rheoli ymweliadau carchar/;

function checkPage(page, name) {
  return checkPageAs(page, `staff-issue14-${name}`, TITLES);
}

async function api(path, { method = 'GET', token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${server.baseUrl}${path}`, { method, headers, body: body && JSON.stringify(body) });
}

async function tokenFor(email) {
  const response = await api('/api/v1/staff/sign-in', { method: 'POST', body: { email, password: PASSWORD } });
  assert.equal(response.status, 200);
  return (await response.json()).access_token;
}

/** A visit to HMP Rochester with support needs, requested through the public API and booked by staff through it. */
async function bookedVisitWithNeeds() {
  const prisons = await (await api('/api/v1/prisons')).json();
  const rochester = prisons.find((p) => p.name === ROCHESTER);
  const availability = await (await api(`/api/v1/prisons/${rochester.id}/availability`)).json();
  const slot = availability.days.flatMap((day) => day.slots).find((s) => s.state === 'available');
  const response = await fetch(`${server.baseUrl}/api/v1/visits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      prison_id: rochester.id,
      prisoner: { first_name: 'John', last_name: 'Smith', date_of_birth: '1985-04-12', number: 'A1234BC' },
      lead_visitor: { first_name: 'Mary', last_name: 'Smith', date_of_birth: '1980-07-01', email: 'mary@example.com', phone: '07700900123' },
      other_visitors: [],
      slots: [{ date: slot.date, start: slot.start, end: slot.end }],
      locale: 'en',
      support_needs: {
        wheelchair_access: true,
        interpreter: true,
        interpreter_language: 'Polish',
        other: true,
        other_details: 'My son finds queues hard.\nA quiet corner would help.',
      },
    }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  const visit = await response.json();
  const token = await tokenFor('rochester@demo.example');
  const view = await (await api(`/api/v1/staff/visits/${visit.id}`, { token })).json();
  if (view.state === 'requested') {
    const granted = await api(`/api/v1/staff/visits/${visit.id}/decision`, {
      method: 'POST',
      token,
      body: { outcome: 'grant', expected_version: view.version, slot: { date: slot.date, start: slot.start, end: slot.end } },
    });
    assert.equal(granted.status, 200, await granted.clone().text());
  }
  return { visit, date: slot.date };
}

async function signIn(page, url, email) {
  await page.goto(`${server.baseUrl}${url}`);
  await page.locator('#email').waitFor();
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in');
  await page.waitForFunction((path) => location.pathname === path, new URL(url, server.baseUrl).pathname);
}

async function inWelsh(page, heading) {
  await page.click('#language-switch');
  await page.locator('h1', { hasText: heading }).first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy');
}

describe('issue 14 in the staff app', () => {
  test('support needs show on the visit page and the day list, in English and Welsh, at 320 px', async (t) => {
    const { visit, date } = await bookedVisitWithNeeds();
    const { page, problems } = await openPage(t, await phone(browser));
    await signIn(page, `/staff/visits/${visit.id}`, 'rochester@demo.example');
    const needs = page.locator('#support-needs');
    await needs.waitFor();
    const text = await needs.innerText();
    assert.match(text, /Wheelchair access/);
    assert.match(text, /Interpreter: Polish/);
    assert.match(text, /Other: My son finds queues hard\.\nA quiet corner would help\./, 'the visitor’s line break is kept');
    await checkPage(page, 'visit');
    await inWelsh(page, 'John Smith');
    await page.locator('#support-needs', { hasText: 'Mynediad i gadair olwyn' }).waitFor();
    assert.match(await needs.innerText(), /Cyfieithydd: Polish/);
    await checkPage(page, 'visit-cy');
    await page.click('#language-switch');

    await page.goto(`${server.baseUrl}/staff/day-list?date=${date}`);
    const card = page.locator('.app-day-visit', { hasText: visit.reference });
    await card.waitFor();
    assert.match(await card.locator('.app-day-support').innerText(), /Wheelchair access[\s\S]*Interpreter: Polish/);
    await checkPage(page, 'day-list');
    await inWelsh(page, 'Ymweliadau ar');
    await card.locator('.app-day-support', { hasText: 'Cymorth sydd ei angen' }).waitFor();
    await checkPage(page, 'day-list-cy');
    assert.deepEqual(problems.pageErrors, [], 'no uncaught errors in the page');
  });

  test('staff send feedback, and an admin reads it beside a visitor’s and downloads the CSV', async (t) => {
    const visitor = await api('/api/v1/feedback', {
      method: 'POST',
      body: { satisfaction: 'satisfied', improvement: 'Easy on my phone', locale: 'cy' },
    });
    assert.equal(visitor.status, 201);

    const { page, problems } = await openPage(t, await phone(browser));
    await signIn(page, '/staff/feedback', 'rochester@demo.example');
    await page.locator('#feedback-form').waitFor();
    // Reached from every page's footer too.
    assert.equal(await page.locator('footer a#footer-feedback[href="/staff/feedback"]').count(), 1);
    await checkPage(page, 'feedback-form');
    await page.click('#feedback-send');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    assert.match(await page.locator('#error-summary').innerText(), /Select how satisfied you are with the service/);
    assert.equal(await page.title(), 'Error: Give feedback - Manage prison visits');
    await checkPage(page, 'feedback-refused');
    await inWelsh(page, 'Rhoi adborth');
    await page.locator('#error-summary', { hasText: 'Dewiswch pa mor fodlon ydych chi gyda’r gwasanaeth' }).waitFor();
    await checkPage(page, 'feedback-refused-cy');
    await page.click('#language-switch');
    await page.getByLabel('Dissatisfied', { exact: true }).check();
    await page.fill('#feedback-improvement', 'The day list is hard to read on a tablet');
    await page.click('#feedback-send');
    await page.locator('#feedback-sent').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'feedback-sent');
    await checkPage(page, 'feedback-sent');
    assert.deepEqual(problems.pageErrors, []);

    const admin = await openPage(t, await phone(browser));
    await signIn(admin.page, '/staff/admin/feedback', 'admin@demo.example');
    const table = admin.page.locator('#feedback-table');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).innerText(), /Staff[\s\S]*Dissatisfied[\s\S]*hard to read on a tablet[\s\S]*English/, 'newest first');
    // The language the visitor wrote in, so that a Welsh comment is read as Welsh.
    assert.match(await rows.nth(1).innerText(), /Visitor[\s\S]*Satisfied[\s\S]*Easy on my phone[\s\S]*Welsh/);
    assert.equal(await admin.page.locator('nav a[href="/staff/admin/feedback"][aria-current=page]').count(), 1);
    await checkPage(admin.page, 'admin-feedback');
    const [download] = await Promise.all([admin.page.waitForEvent('download'), admin.page.click('#feedback-download')]);
    assert.match(download.suggestedFilename(), /^feedback-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    assert.match(csv, /sent at,from,satisfaction,what went wrong or could be better,email,language\r\n/);
    assert.match(csv, /,staff,Dissatisfied,The day list is hard to read on a tablet,,en\r\n/);
    await inWelsh(admin.page, 'Adborth');
    await admin.page.locator('#feedback-table', { hasText: 'Anfodlon' }).waitFor();
    await checkPage(admin.page, 'admin-feedback-cy');
    assert.deepEqual(admin.problems.pageErrors, []);
  });
});
