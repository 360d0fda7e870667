// Regenerates the staff screenshots in docs/screenshots/ used by the README (640 px wide, a tablet at a desk),
// against the real server and its demo data. Run: cd tests/e2e && PVB_BIN=... node staff-screenshots.mjs

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { launchBrowser, repoRoot, startServer } from './harness.mjs';

const out = join(repoRoot, 'docs', 'screenshots');
await mkdir(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
const api = (path, options = {}) => fetch(`${server.baseUrl}/api/v1${path}`, options).then((r) => r.json());
try {
  const prisons = await api('/prisons');
  const leeds = prisons.find((p) => p.name === 'HMP Leeds (demo)');
  const availability = await api(`/prisons/${leeds.id}/availability`);
  const slots = availability.days.flatMap((d) => d.slots).filter((s) => s.state === 'available');
  const ask = (first, last, number, choices) =>
    api('/visits', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({
        prison_id: leeds.id,
        prisoner: { first_name: first, last_name: last, date_of_birth: '1985-04-12', number },
        lead_visitor: { first_name: 'Mary', last_name: last, date_of_birth: '1980-07-01', email: 'mary@example.com', phone: '07700900123' },
        other_visitors: [{ first_name: 'Amy', last_name: last, date_of_birth: '2015-03-09' }],
        slots: choices.map(({ date, start, end }) => ({ date, start, end })),
        locale: 'en',
      }),
    });
  const first = await ask('John', 'Smith', 'A1234BC', slots.slice(0, 3));
  await ask('Sam', 'Evans', 'B2345CD', slots.slice(1, 3));
  const booked = await ask('Lee', 'Brown', 'C3456DE', slots.slice(0, 1));
  const token = (
    await api('/staff/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'north@demo.example', password: 'demo-visits-password' }),
    })
  ).access_token;
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const { version } = await api(`/staff/visits/${booked.id}`, { headers: auth });
  const granted = await api(`/staff/visits/${booked.id}/decision`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ outcome: 'grant', slot: slots[0], expected_version: version, booking_reference: 'LEI-0412' }),
  });
  if (granted.state !== 'booked') throw new Error(`the demo visit was not booked: ${JSON.stringify(granted)}`);

  const context = await browser.newContext({ viewport: { width: 640, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const shot = (name, fullPage = false) => page.screenshot({ path: join(out, `${name}.png`), fullPage });

  await page.goto(`${server.baseUrl}/staff/inbox`);
  await page.fill('#email', 'north@demo.example');
  await page.fill('#password', 'demo-visits-password');
  await page.click('#sign-in');
  await page.locator('#prison-switch').selectOption({ label: 'HMP Leeds (demo)' });
  await page.click('#prison-switch-go');
  await page.locator('.app-request').first().waitFor();
  await shot('staff-1-inbox');

  await page.goto(`${server.baseUrl}/staff/visits/${first.id}`);
  await page.check('#decision');
  await page.check('#slots');
  await page.fill('#message', 'Please bring photo ID for every adult.');
  await page.locator('#decide').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('decide').scrollIntoView());
  await shot('staff-2-decide');

  await page.goto(`${server.baseUrl}/staff/day-list?date=${slots[0].date}`);
  await page.locator('.app-day-slot').first().waitFor();
  await page.emulateMedia({ media: 'print' });
  await shot('staff-3-day-list-print');
  await page.emulateMedia({ media: 'screen' });

  await page.goto(`${server.baseUrl}/staff/timetable`);
  await page.locator('#weekly-0-start').waitFor();
  await page.click('#add-closed');
  const n = (await page.locator('#closed-dates li').count()) - 1;
  await page.fill(`#closed-${n}`, slots[0].date);
  await page.locator(`#closed-${n}`).dispatchEvent('change');
  await page.click('#preview-changes');
  await page.click('#save-timetable');
  await page.locator('#affected-visits').waitFor();
  await page.evaluate(() => document.getElementById('preview').scrollIntoView());
  await shot('staff-4-timetable-warning');

  await page.goto(`${server.baseUrl}/staff/dashboard`);
  await page.locator('#outcomes-chart').waitFor();
  await page.evaluate(() => document.getElementById('outcomes-title').scrollIntoView());
  await shot('staff-5-dashboard');
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(`screenshots written to ${out}`);
