// How the one server splits paths between the JSON API and the web client's pages.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startServer } from './harness.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test('an unknown API path answers 404 application/problem+json, not the web page', async () => {
  // Ask the way a browser does (preferring HTML): an API path must still answer as the API.
  const response = await fetch(`${server.baseUrl}/api/v1/does-not-exist`, {
    headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
  const body = await response.text();
  assert.equal(response.status, 404, `404 for an unknown API path (got ${response.status}: ${body.slice(0, 200)})`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json\b/, 'a problem document');
  assert.doesNotMatch(body, /<html/i, 'not the HTML shell');
  const problem = JSON.parse(body);
  assert.equal(problem.status, 404, 'the problem document repeats the status');
  assert.equal(typeof problem.title, 'string', 'the problem document has a title');
});

test('an unknown page path answers the web client\'s HTML shell', async () => {
  const response = await fetch(`${server.baseUrl}/some/page`, { headers: { accept: 'text/html' } });
  const body = await response.text();
  assert.equal(response.status, 200, `the shell is served for a client-side route (got ${response.status})`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html\b/, 'an HTML page');
  assert.match(body, /<html[^>]*\blang="[^"]+"/i, 'the shell, with its lang attribute');
  assert.match(body, /<title>[^<]+<\/title>/i, 'the shell, with its title');
  assert.match(body, /\/pkg\/frontend\.js/, 'the shell loads the web client');
});

test('the built client has a real icon at /favicon.ico, and another missing file is a 404, not the HTML shell', async () => {
  const icon = await fetch(`${server.baseUrl}/favicon.ico`);
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get('content-type') ?? '', /icon/, 'served as an icon');
  const bytes = new Uint8Array(await icon.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0, 0, 1, 0], 'an ICO file, not a page');
  const missing = await fetch(`${server.baseUrl}/foo.png`, { headers: { accept: 'text/html,*/*' } });
  assert.equal(missing.status, 404);
  assert.doesNotMatch(await missing.text(), /<html/i);
});
