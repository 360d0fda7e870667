// Integrators' API keys on the staff admin screen, in real headless Chromium against the real server: an admin
// creates a key (the form's errors first), sees its secret once, uses it (fetch with the secret gets 200), rotates
// it, revokes it after confirming (then 401), and changes a key's name, scopes, expiry and rate limit. axe-core checks
// each state, in English and Welsh, and at 320 px.

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

function checkPage(page, name) {
  return checkPageAs(page, `staff-api-keys-${name}`, /Manage prison visits|Rheoli ymweliadau carchar/);
}

async function newPage(t, { mobile = false } = {}) {
  const context = mobile
    ? await phone(browser)
    : await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-GB' });
  return openPage(t, context);
}

async function signInToAdmin(page) {
  await page.goto(`${server.baseUrl}/staff/admin`);
  await page.locator('#email').waitFor();
  await page.fill('#email', 'admin@demo.example');
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in');
  await page.waitForFunction(() => location.pathname === '/staff/admin');
  await page.locator('#new-api-key').waitFor();
}

const inbox = (secret) =>
  fetch(`${server.baseUrl}/api/v1/staff/inbox`, { headers: { authorization: `Bearer ${secret}` } });

/** Fills and submits the new key form; returns the secret shown. */
async function createKey(page, name) {
  await page.fill('#key-name', name);
  await page.check('#key-prison_ids');
  await page.check('#key-scopes');
  await page.fill('#key-rate_limit_per_minute', '100');
  await page.click('#create-api-key');
  await page.locator('#api-key-secret-panel').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'api-key-secret');
  return page.inputValue('#api-key-secret');
}

describe('API keys', () => {
  test('an admin creates a key, sees its secret once, rotates and revokes it', async (t) => {
    const { page } = await newPage(t);
    await signInToAdmin(page);
    await checkPage(page, 'empty');

    // Nothing chosen: every problem at once, in the error summary.
    await page.click('#create-api-key');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    const summary = await page.locator('#error-summary').innerText();
    assert.match(summary, /name/i);
    assert.match(summary, /prison/i);
    await checkPage(page, 'errors');

    const secret = await createKey(page, 'Records system');
    assert.match(secret, /^pvb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.match(await page.locator('.govuk-warning-text').innerText(), /will not be shown again/);
    const card = page.locator('.app-api-key', { hasText: 'Records system' });
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(secret.slice(0, 17)));
    assert.ok(!(await card.innerText()).includes(secret), 'the list never shows the whole secret');
    await checkPage(page, 'created');

    // The secret works.
    assert.equal((await inbox(secret)).status, 200);

    // Once dismissed, it is gone from the page.
    await page.click('#api-key-secret-done');
    await page.locator('#api-key-secret-panel').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(secret));

    // Rotation: a new secret, and the old one still works during the overlap.
    await card.locator('button', { hasText: 'Rotate' }).click();
    await page.locator('#api-key-secret-panel').waitFor();
    const rotated = await page.inputValue('#api-key-secret');
    assert.notEqual(rotated, secret);
    assert.equal((await inbox(rotated)).status, 200);
    assert.equal((await inbox(secret)).status, 200);
    await page.click('#api-key-secret-done');

    // Revoke asks first; cancelling changes nothing.
    await card.locator('button', { hasText: 'Revoke' }).click();
    await card.locator('.govuk-inset-text').waitFor();
    await checkPage(page, 'confirm-revoke');
    await card.locator('button', { hasText: 'Cancel' }).click();
    await card.locator('.govuk-inset-text').waitFor({ state: 'detached' });
    assert.equal((await inbox(rotated)).status, 200);
    await card.locator('button', { hasText: 'Revoke' }).click();
    await card.locator('button', { hasText: 'Yes, revoke it' }).click();
    await page.locator('#admin-notice', { hasText: 'Key revoked' }).waitFor();
    await page.locator('.app-api-key', { hasText: 'Records system' }).locator('.govuk-tag', { hasText: 'Revoked' }).waitFor();
    assert.equal((await inbox(rotated)).status, 401);
    assert.equal((await inbox(secret)).status, 401);
    await checkPage(page, 'revoked');

    // In Welsh.
    await page.click('#language-switch');
    await page.locator('#api-keys', { hasText: 'Allweddi API' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'cy');
    await checkPage(page, 'cy');
    await page.click('#language-switch');
  });

  test('the key screen works with a keyboard on a 320 px phone', async (t) => {
    const { page } = await newPage(t, { mobile: true });
    await signInToAdmin(page);
    await page.focus('#key-name');
    await page.keyboard.type('Contact centre');
    await page.focus('#key-prison_ids');
    await page.keyboard.press('Space');
    await page.focus('#key-scopes');
    await page.keyboard.press('Space');
    await page.focus('#create-api-key');
    await page.keyboard.press('Enter');
    await page.locator('#api-key-secret-panel').waitFor();
    const secret = await page.inputValue('#api-key-secret');
    assert.equal((await inbox(secret)).status, 200);
    await checkPage(page, 'phone');
  });

  test('an admin changes a key: its name, scopes, expiry and rate limit', async (t) => {
    const { page } = await newPage(t);
    await signInToAdmin(page);
    const secret = await createKey(page, 'Reporting tool');
    await page.click('#api-key-secret-done');
    const card = page.locator('.app-api-key', { hasText: 'Reporting tool' });
    await card.locator('button', { hasText: 'Change' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'api-key-form-title');
    assert.match(await page.locator('#api-key-form-title').innerText(), /Change the API key Reporting tool/);
    assert.equal(await page.inputValue('#key-name'), 'Reporting tool');
    assert.equal(await page.inputValue('#key-rate_limit_per_minute'), '100');
    assert.ok(await page.isChecked('#key-scopes'), 'the form starts from the key as it is');

    // A refused change shows the error summary and changes nothing.
    await page.fill('#key-name', '');
    await page.click('#create-api-key');
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    await checkPage(page, 'edit-errors');

    await page.fill('#key-name', 'Reporting tool v2');
    await page.check('#key-scopes-4');
    await page.fill('#key-expires_at', '2099-12-01');
    await page.fill('#key-rate_limit_per_minute', '1200');
    await checkPage(page, 'editing');
    await page.click('#create-api-key');
    await page.locator('#admin-notice', { hasText: 'Key saved' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'admin-notice');
    const changed = page.locator('.app-api-key', { hasText: 'Reporting tool v2' });
    await changed.waitFor();
    const text = await changed.innerText();
    assert.match(text, /Requests a minute\s+1200/);
    assert.match(text, /1 December 2099/);
    assert.match(text, /Read reports/);
    assert.equal(await page.inputValue('#key-name'), '', 'the form is back to creating a key');
    // The same secret still works, now under its new name.
    assert.equal((await inbox(secret)).status, 200);
    await checkPage(page, 'edited');
  });
});
