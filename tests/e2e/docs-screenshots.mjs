// Regenerates the phone screenshots in docs/screenshots/ used by the README: the journey on a 360 px wide phone,
// against the real server and its demo data, and a visit's status page with JavaScript off.
// Run: cd tests/e2e && PVB_BIN=... node docs-screenshots.mjs

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { launchBrowser, repoRoot, startServer } from './harness.mjs';

const out = join(repoRoot, 'docs', 'screenshots');
await mkdir(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1.5,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: join(out, `${name}.png`) });

  await page.goto(`${server.baseUrl}/`);
  await page.locator('html[data-app=ready]').waitFor({ state: 'attached' });
  await shot('phone-1-prisons');

  await page.click('text=HMP Leeds (demo)');
  await page.click('#start');
  await page.fill('#prisoner-first_name', 'John');
  await page.fill('#prisoner-last_name', 'Smith');
  await page.fill('#prisoner-date_of_birth-day', '12');
  await page.fill('#prisoner-date_of_birth-month', '4');
  await page.fill('#prisoner-date_of_birth-year', '1985');
  await page.fill('#prisoner-number', 'A1234BC');
  await page.click('#continue');
  const boxes = page.locator('input[name=slots]');
  await boxes.first().waitFor();
  await boxes.nth(0).click();
  await boxes.nth(2).click();
  await page.locator('.app-week').nth(1).scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelectorAll('.app-week')[1].scrollIntoView());
  await shot('phone-2-calendar');

  await page.click('#continue');
  await page.click('#continue');
  await page.locator('#error-summary').waitFor();
  await shot('phone-3-visitors-errors');

  await page.click('#language-switch');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.documentElement.lang === 'cy');
  await shot('phone-4-visitors-welsh');
  await context.close();

  // A visit's status page as the server renders it, with JavaScript off: a request sent through the API.
  const prisons = await (await fetch(`${server.baseUrl}/api/v1/prisons`)).json();
  const leeds = prisons.find((p) => p.name === 'HMP Leeds (demo)');
  const availability = await (await fetch(`${server.baseUrl}/api/v1/prisons/${leeds.id}/availability`)).json();
  const free = availability.days.flatMap((day) => day.slots).filter((slot) => slot.state === 'available').slice(0, 2);
  const created = await (
    await fetch(`${server.baseUrl}/api/v1/visits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
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
        other_visitors: [{ first_name: 'Amy', last_name: 'Smith', date_of_birth: '2015-03-09' }],
        slots: free.map(({ date, start, end }) => ({ date, start, end })),
        locale: 'en',
      }),
    })
  ).json();
  const noJs = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1.5,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    javaScriptEnabled: false,
  });
  const plain = await noJs.newPage();
  await plain.goto(`${server.baseUrl}${created.status_path}`);
  await plain.locator('#visit-state').waitFor();
  await plain.screenshot({ path: join(out, 'phone-5-status-no-javascript.png') });
  await noJs.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(`screenshots written to ${out}`);
