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

test('an unknown page path answers 404 with the service\'s "Page not found" page, which the client takes over', async () => {
  const response = await fetch(`${server.baseUrl}/some/page`, { headers: { accept: 'text/html' } });
  const body = await response.text();
  assert.equal(response.status, 404, `an address the service does not have is a 404 (got ${response.status})`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html\b/, 'an HTML page');
  assert.match(body, /<html[^>]*\blang="en"/i, 'a whole page, with its lang attribute');
  assert.match(body, /<title>Page not found - Visit someone in prison<\/title>/i, 'its title says what happened');
  assert.match(body, /<h1[^>]*>Page not found<\/h1>/, 'and so does its heading, without JavaScript');
  assert.match(body, /\/pkg\/frontend\.js/, 'the page loads the web client');
  const policy = response.headers.get('content-security-policy') ?? '';
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  assert.ok(nonce, `the page's policy admits its own inline script by nonce (${policy})`);
  assert.match(body, new RegExp(`<script[^>]*nonce="${nonce}"`), 'and only that script carries it');
  const again = await fetch(`${server.baseUrl}/some/page`);
  assert.notEqual(/'nonce-([^']+)'/.exec(again.headers.get('content-security-policy'))?.[1], nonce, 'a new nonce each time');
});

test('a step of the journey is a page the server renders, downloading nothing before JavaScript runs', async () => {
  const response = await fetch(`${server.baseUrl}/book/prisoner`, { headers: { accept: 'text/html' } });
  const body = await response.text();
  assert.equal(response.status, 200);
  assert.match(body, /<html[^>]* data-rendered="server"/);
  assert.match(body, /<h1[^>]*>Start again<\/h1>/, 'without a draft, the step says to start again');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.doesNotMatch(body, /rel="(modulepreload|preload)"/, 'no preload: without JavaScript nothing more is fetched');
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
