/**
 * The playground page in Chromium: one matrix with a column per adapter, every cell as expected,
 * every row's answers identical on the wire, the refused preflight, Vary, 404/500 and the
 * start-up configuration error shown, and no decision shown twice however slow /decisions is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startPlayground } from './browser.js';

let browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the page and waits for its run to finish. */
async function openPage(pageOrigin) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(pageOrigin);
  await page.locator('#summary[data-state="done"]').waitFor({ timeout: 90_000 });
  return { page, context };
}

function cells(page) {
  return page.locator('#matrix td.cell').evaluateAll((elements) =>
    elements.map((cell) => ({
      adapter: cell.dataset.adapter,
      call: cell.dataset.call,
      outcome: cell.dataset.outcome,
      asExpected: cell.dataset.asExpected,
      differs: cell.dataset.differs,
      text: cell.innerText,
      seqs: [...cell.querySelectorAll('[data-seq]')].map((chip) => chip.dataset.seq),
    })),
  );
}

describe('the playground page', () => {
  let playground;
  let page;
  let context;
  beforeAll(async () => {
    playground = await startPlayground();
    ({ page, context } = await openPage(playground.pageOrigin));
  });
  afterAll(async () => {
    await context?.close();
    await playground?.stop();
  });

  it('shows one column per API module, and every cell as expected and identical', async () => {
    const columns = await page.locator('#matrix thead th[data-adapter]').count();
    expect(columns).toBe(playground.apiFiles.length);
    const all = await cells(page);
    const rows = await page.locator('#matrix tr[data-row]').count();
    expect(all).toHaveLength(rows * columns);
    expect(all.filter((cell) => cell.asExpected !== 'true')).toEqual([]);
    expect(all.filter((cell) => cell.differs !== 'false')).toEqual([]);
    expect(await page.locator('#matrix tr[data-row][data-agree="true"]').count()).toBe(rows);
    expect(await page.locator('#summary').getAttribute('data-all-expected')).toBe('true');
  });

  it('has a Hono column and a Bun column (Bun.serve in a child process), every cell as expected', async () => {
    const rows = await page.locator('#matrix tr[data-row]').count();
    const all = await cells(page);
    for (const adapter of ['hono', 'bun']) {
      const mine = all.filter((cell) => cell.adapter === adapter);
      expect(mine, adapter).toHaveLength(rows);
      expect(
        mine.filter((cell) => cell.asExpected !== 'true' || cell.differs !== 'false'),
        adapter,
      ).toEqual([]);
      // Decisions reached the page: for Bun, through the child's JSON lines on stdout.
      const hello = mine.find((cell) => cell.call === 'hello');
      expect(hello.seqs, adapter).toHaveLength(1);
      expect(hello.text, adapter).toMatch(/allowed/);
    }
  });

  it('shows the refused preflight as 204 without the grant, named by its reason', async () => {
    const refused = (await cells(page)).filter((cell) => cell.call === 'refused-preflight');
    for (const cell of refused) {
      expect(cell.outcome, cell.adapter).toBe('blocked');
      expect(cell.text, cell.adapter).toMatch(/OPTIONS 204/);
      expect(cell.text, cell.adapter).not.toMatch(/PUT 200/);
      expect(cell.text, cell.adapter).toMatch(/header-not-allowed/);
    }
  });

  it('shows Vary on refused answers, readable 404 and 500, and the start-up error', async () => {
    const all = await cells(page);
    for (const cell of all.filter((each) => each.call === 'strict')) {
      expect(cell.text, cell.adapter).toMatch(/Allow-Origin — · Vary Origin/);
    }
    for (const [call, status] of [
      ['missing', 404],
      ['boom', 500],
    ]) {
      for (const cell of all.filter((each) => each.call === call)) {
        expect(cell.text, `${cell.adapter} ${call}`).toContain(`read ${status}`);
      }
    }
    for (const cell of all.filter((each) => each.call === 'config-error')) {
      expect(cell.text, cell.adapter).toMatch(/refused at start-up\s+CorsConfigError/);
    }
    // A click on a cell shows its answer's headers in full.
    await page.locator('td.cell[data-call="strict"]').first().click();
    await expect.poll(() => page.locator('#detail').innerText()).toMatch(/vary: Origin/);
  });
});

describe('the playground page with a slow /decisions', () => {
  let playground;
  beforeAll(async () => {
    playground = await startPlayground({ DECISIONS_DELAY_MS: '1500' });
  });
  afterAll(async () => {
    await playground?.stop();
  });

  it('shows each decision once, however many polls overlap', async () => {
    const { page, context } = await openPage(playground.pageOrigin);
    // The interval poll keeps running after the run; give it a few more overlapping rounds.
    await page.waitForTimeout(3_500);
    const all = await cells(page);
    const seqs = all.flatMap((cell) => cell.seqs);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBe(new Set(seqs).size);
    // One decision per simple call, two (preflight and request) per preflighted one.
    for (const cell of all.filter((each) => each.call === 'hello')) {
      expect(cell.seqs, cell.adapter).toHaveLength(1);
    }
    const logged = await page
      .locator('#log [data-seq]')
      .evaluateAll((chips) => chips.map((chip) => chip.dataset.seq));
    expect(logged.length).toBe(new Set(logged).size);
    await context.close();
  });
});
