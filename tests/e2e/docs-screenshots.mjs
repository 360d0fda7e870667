// Regenerates the phone screenshots in docs/screenshots/ used by the README: the journey on a 360 px wide phone,
// against the real server and its demo data. Run: cd tests/e2e && PVB_BIN=... node docs-screenshots.mjs

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
  await page.locator('.prison-list__name').first().waitFor();
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
} finally {
  await browser.close();
  await server.stop();
}
console.log(`screenshots written to ${out}`);
