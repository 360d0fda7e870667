// The staff back office's split into modules, in real headless Chromium against the real server: the sign-in page
// needs only the first module (it works while every later one is blocked), the admin module is not part of its
// download, the everyday screens' module is fetched while the sign-in page is shown, and a module that cannot be
// downloaded after sign-in shows a page saying so whose Try again works once the connection is back. The sign-in
// form staff.html carries takes typing and Sign in before the app has arrived, and the app carries them on.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { checkPage as checkPageAs, launchBrowser, openPage, phone, startServer } from './harness.mjs';

const PASSWORD = 'demo-visits-password';
const ADMIN = 'admin@demo.example';

/** The modules behind sign-in (and the code they share), cut out of the first module by scripts/build-frontend.sh. */
const LATER_MODULES = /\/staff-pkg\/(split|chunk)_[^/]*\.wasm$/;

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
  return checkPageAs(page, `staff-${name}`, /Manage prison visits|Rheoli ymweliadau carchar/);
}

/** Every staff asset the page asks for, by file name, in order. */
function recordAssets(page) {
  const asked = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/staff-pkg/')) asked.push(pathname.slice('/staff-pkg/'.length));
  });
  return asked;
}

async function fillSignIn(page) {
  await page.fill('#email', ADMIN);
  await page.fill('#password', PASSWORD);
}

test('the sign-in page works while the later modules cannot be downloaded, and a failed module has a working Try again', async (t) => {
  const { context, page } = await openPage(t, await phone(browser));
  let blocked = 0;
  const block = (route) => {
    blocked += 1;
    return route.abort('internetdisconnected');
  };
  await context.route(LATER_MODULES, block);

  await page.goto(`${server.baseUrl}/staff/sign-in`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.locator('#email').waitFor(); // the app's form, not staff.html's
  await checkPage(page, 'split-sign-in-blocked');

  // By keyboard, as on a phone with a keyboard attached: the form is usable without the later modules.
  await page.locator('#email').focus();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');

  const heading = page.getByRole('heading', { level: 1, name: 'Sorry, this page could not be loaded' });
  await heading.waitFor();
  assert.ok(blocked > 0, 'the inbox module was asked for, and blocked');
  assert.equal(new URL(page.url()).pathname, '/staff/inbox', 'the address stays the page asked for');
  assert.match(await page.title(), /^Sorry, this page could not be loaded - Manage prison visits$/);
  // Signed in all the same: the staff menu is there, so the member of staff is not sent back to sign in.
  assert.ok(await page.locator('#sign-out').isVisible(), 'still signed in');
  await checkPage(page, 'split-not-loaded');

  // Welsh too.
  await page.getByRole('link', { name: 'Cymraeg' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mae’n ddrwg gennym, nid oedd modd llwytho’r dudalen hon' }).waitFor();
  await page.getByRole('button', { name: 'Rhowch gynnig arall arni' }).waitFor();
  await page.getByRole('link', { name: 'English' }).click();

  // The connection comes back: Try again, by keyboard, shows the inbox, still signed in.
  await context.unroute(LATER_MODULES, block);
  const retry = page.getByRole('button', { name: 'Try again' });
  await retry.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/staff/inbox');
  assert.equal(await heading.count(), 0, 'the error page is gone');
});

test('the sign-in page downloads neither the admin module nor the other screens, and fetches the everyday screens while shown', async (t) => {
  const { page } = await openPage(t, await phone(browser));
  const asked = recordAssets(page);

  await page.goto(`${server.baseUrl}/staff/sign-in`);
  await page.locator('#email').waitFor();
  assert.ok(asked.includes('frontend_staff_bg.wasm'), `the first module is fetched (asked: ${asked.join(', ')})`);

  // While the member of staff types: the everyday screens, and no other screen's module.
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((entry) => entry.name.endsWith('/split_everyday.wasm')),
  );
  await page.waitForLoadState('networkidle');
  const whileShown = asked.filter((name) => name.startsWith('split_'));
  assert.deepEqual(whileShown, ['split_everyday.wasm'], 'only the everyday screens are fetched on the sign-in page');
  assert.ok(await page.locator('#email').isEditable(), 'the sign-in form is still there to use');

  // After sign-in the inbox needs no download of its own.
  const beforeSignIn = asked.length;
  await fillSignIn(page);
  await page.click('#sign-in');
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  assert.deepEqual(
    asked.slice(beforeSignIn).filter((name) => name.endsWith('.wasm')),
    [],
    'the inbox was already loaded when sign-in finished',
  );

  // The admin area comes with its own module, when an admin opens it.
  await page.click('#staff-nav a[href="/staff/admin"]');
  await page.getByRole('heading', { level: 1, name: 'Staff and prisons' }).waitFor();
  assert.ok(asked.includes('split_admin.wasm'), 'the admin module is fetched when the admin area is opened');
});

/** Holds the first module's download until the returned function is called: the app is not there until then. */
async function holdApp(context) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await context.route('**/staff-pkg/frontend_staff_bg.wasm', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test('before the app has arrived, the sign-in form in the page takes typing and Sign in, and the app carries them on', async (t) => {
  const { context, page } = await openPage(t, await phone(browser));
  const release = await holdApp(context);
  await page.goto(`${server.baseUrl}/staff/sign-in`, { waitUntil: 'commit' });
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.locator('#early-email').waitFor();
  await checkPage(page, 'split-early-sign-in');
  // Its language switch works before the app is there too, and the choice is kept for the app.
  await page.getByRole('button', { name: 'Cymraeg' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mewngofnodi' }).waitFor();
  assert.equal(await page.getByLabel('Cyfrinair').count(), 1, 'the labels are in Welsh');
  assert.equal(await page.evaluate(() => localStorage.getItem('pvb.locale')), 'cy');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

  await page.locator('#early-email').focus();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Signing in…' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/staff/sign-in', 'nothing was sent with the page address');
  assert.equal(await page.locator('#email').count(), 0, 'the app is not there yet');

  release();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  assert.ok(await page.locator('#sign-out').isVisible(), 'signed in');
});

test('what was typed before the app arrived stays, with the caret where it was, and the form is in Welsh when chosen', async (t) => {
  const { context, page } = await openPage(t, await phone(browser));
  await context.addInitScript(() => localStorage.setItem('pvb.locale', 'cy'));
  const release = await holdApp(context);
  await page.goto(`${server.baseUrl}/staff/sign-in`, { waitUntil: 'commit' });
  await page.getByRole('heading', { level: 1, name: 'Mewngofnodi' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
  await page.getByLabel('Cyfeiriad e-bost').focus();
  await page.keyboard.type('admin@demo');

  release();
  await page.locator('#email').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'email');
  await page.keyboard.type('.example');
  assert.equal(await page.locator('#email').inputValue(), ADMIN, 'typing carries on after what was typed');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Mewnflwch' }).waitFor();
});
