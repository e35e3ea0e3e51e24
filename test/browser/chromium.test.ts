/**
 * The browser bundle in headless Chromium: the test serves a page, its bundled script, the shipped
 * MLP's bytes and one MNIST test digit from 127.0.0.1, and the page posts back the digit's 𝔹 and ℝ
 * relevance, computed in the browser, which must equal Node's. It skips where Chromium is not
 * installed, except in CI, where that is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compile,
  loadMnist,
  loadShippedModel,
  relevanceToArray,
  SHIPPED_MODELS,
  SHIPPED_MODELS_DIR,
} from '../../src/index.js';
import { browserBundle, findChromium } from './support.js';

const chromium = findChromium();
const inCi = Boolean(process.env.CI);
if (!chromium && !inCi) console.warn('browser test skipped: no chromium on PATH (apt-get install chromium)');

interface PageResult {
  readonly boolean?: number[];
  readonly real?: number[];
  readonly shape?: number[];
  readonly error?: string;
}

/** Serves the page and its files, and resolves with what the page posts to /result. */
async function servePage(files: Record<string, [string, Uint8Array | string]>) {
  let deliver: (r: PageResult) => void = () => undefined;
  const result = new Promise<PageResult>((resolve) => {
    deliver = resolve;
  });
  const server: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/result') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response.end('ok');
        deliver(JSON.parse(body) as PageResult);
      });
      return;
    }
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, result, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe.skipIf(!chromium && !inCi)('the browser bundle in headless Chromium', () => {
  const profile = mkdtempSync(join(tmpdir(), 'provlrp-chromium-'));
  let browser: ChildProcess | undefined;
  let server: Server | undefined;
  afterAll(async () => {
    // Chromium and its helper processes write to the profile until they have exited: stop its
    // whole process group, then remove the folder, retrying while the last writers finish.
    if (browser?.pid !== undefined && browser.exitCode === null) {
      const exited = new Promise((resolve) => browser?.once('exit', resolve));
      try {
        process.kill(-browser.pid, 'SIGTERM');
      } catch {
        browser.kill();
      }
      await exited;
    }
    server?.close();
    for (let attempt = 0; ; attempt++)
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
  });

  it('computes the 𝔹 and ℝ relevance of an MNIST digit with the shipped MLP, equal to Node’s', async () => {
    expect(chromium, 'Chromium must be installed in CI (apt-get install chromium)').toBeDefined();
    const { images } = loadMnist('test', { limit: 1 });
    const digit = new Uint8Array(images.data.buffer, images.data.byteOffset, images.data.byteLength);
    const model = readFileSync(join(SHIPPED_MODELS_DIR, SHIPPED_MODELS.mlp.file));
    const { code } = await browserBundle('test/browser/page.ts');
    const page = await servePage({
      '/': [
        'text/html',
        '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
      ],
      '/page.js': ['text/javascript', code],
      '/model.provlrp': ['application/octet-stream', model],
      '/digit.f32': ['application/octet-stream', digit],
    });
    server = page.server;
    browser = spawn(
      chromium as string,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        page.url,
      ],
      // Its own process group, so that its helper processes can be stopped with it.
      { stdio: 'ignore', detached: true },
    );
    const fromBrowser = await page.result;
    expect(fromBrowser.error).toBeUndefined();

    const trace = compile(loadShippedModel('mlp')).trace(images);
    const boolean = relevanceToArray(trace.relevance({ semiring: 'boolean' }));
    const real = relevanceToArray(trace.relevance({ semiring: 'real' }));
    expect(fromBrowser.shape).toEqual([1, 1, 28, 28]);
    expect(fromBrowser.boolean).toEqual([...boolean.data]);
    expect(fromBrowser.boolean?.some((b) => b === 1)).toBe(true);
    expect(fromBrowser.real).toEqual([...real.data]);
  }, 120_000);
});
