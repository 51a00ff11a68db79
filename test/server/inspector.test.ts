/**
 * The inspector page in a real browser: Debian's chromium, headless, driven
 * by playwright-core. Requests sent to the dev server show up live with their
 * chain steps, logs, cache and table changes, and a failing script's code frame.
 *
 * Needs /usr/bin/chromium (CI installs it: apt-get install -y chromium).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, jsonInit, startDev, type DevProcess } from './dev-process.ts';
import { route, serverProject } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('the inspector page (skipped without /usr/bin/chromium outside CI)', () => {
  let dev: DevProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    const dir = serverProject({
      'routes/stock.json': route({
        path: '/stock/:id',
        mainTable: 'products',
        availableMethods: ['PATCH'],
        publicMethods: ['PATCH'],
        preHooks: [{ name: 'note', sourceCode: "$ctx.$logs('checking', { id: @PARAMS.id });", methods: ['PATCH'] }],
        handlers: { PATCH: { file: 'stock.js' } },
      }),
      'routes/stock.js': [
        "await $ctx.$cache.set('stock-touched:' + $ctx.$params.id, $ctx.$body.stock, 60000);",
        'const r = await $ctx.$repos.products.update({ id: $ctx.$params.id, data: { stock: $ctx.$body.stock } });',
        'return r.data[0];',
        '',
      ].join('\n'),
      'routes/broken.json': route({ path: '/broken', availableMethods: ['GET'], publicMethods: ['GET'], handlers: { GET: { file: 'broken.js' } } }),
      'routes/broken.js': 'const first = 1;\nconst second = (first +;\nreturn second;\n',
    });
    dev = await startDev(dir);
    // A fresh profile each run (--user-data-dir): Playwright takes it as launchPersistentContext's folder.
    browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'enfyra-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
  });

  it('lists requests live and shows steps, logs, cache and table changes, and the error with its code frame', async () => {
    const page = await browser.newPage();
    await page.goto(`${dev.url}/__enfyra`);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();

    const ok = await getJson(`${dev.url}/stock/4`, jsonInit('PATCH', { stock: 9 }));
    expect(ok.status).toBe(200);
    const row = page.locator('[data-testid="request-row"][data-status="200"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('PATCH/stock/4');
    await row.click();

    const detail = page.getByTestId('detail');
    await expect(detail.getByTestId('detail-title').textContent()).resolves.toBe('PATCH /stock/4 → 200');
    const steps = detail.getByTestId('step');
    await expect(steps.count()).resolves.toBe(3);
    await expect(steps.nth(0).getAttribute('data-phase')).resolves.toBe('pre');
    await expect(steps.nth(1).getAttribute('data-phase')).resolves.toBe('handler');
    await expect(steps.nth(2).getAttribute('data-phase')).resolves.toBe('post');
    await expect(steps.nth(1).textContent()).resolves.toMatch(/PATCH handler \(stock\.js\)\s*[\d.]+ ms/);
    await expect(detail.getByTestId('logs').textContent()).resolves.toContain('checking');
    await expect(detail.getByTestId('cache-change').textContent()).resolves.toMatch(/stock-touched:4.*9/s);
    await expect(detail.getByTestId('table-change').textContent()).resolves.toMatch(/products #4.*updated.*"stock": 9/s);

    const failed = await getJson(`${dev.url}/broken`);
    expect(failed.status).toBe(400);
    const errRow = page.locator('[data-testid="request-row"][data-status="400"]');
    await errRow.waitFor();
    await errRow.click();
    await expect(detail.getByTestId('error-message').textContent()).resolves.toContain('400 HTTP_ERROR] Script execution failed');
    await expect(detail.getByTestId('error-location').textContent()).resolves.toMatch(/^routes\/broken\.js:2:\d+$/);
    const frame = await detail.getByTestId('code-frame').textContent();
    expect(frame).toContain('> 2 | const second = (first +;');
    expect(frame).toContain('  1 | const first = 1;');
    await page.close();
  });

  it('a page opened later gets the recent requests and the project\'s problems', async () => {
    const page = await browser.newPage();
    await page.goto(`${dev.url}/__enfyra`);
    await page.locator('[data-testid="request-row"]').first().waitFor();
    await expect(page.locator('[data-testid="request-row"]').count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('problems').textContent()).resolves.toBe('');
    await page.close();
  });
});
