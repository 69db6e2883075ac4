// Writes screenshot.png, the picture of the page in the README: the playground started as
// `npm run demo` starts it, opened in Debian's Chromium, after its run. `npm run screenshot`.
import { fileURLToPath } from 'node:url';
import { launchChromium, startPlayground } from '../test/browser.js';

const OUT = fileURLToPath(new URL('../screenshot.png', import.meta.url));

const playground = await startPlayground();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(playground.pageOrigin);
  await page.locator('#summary[data-state="done"]').waitFor({ timeout: 90_000 });
  await page.locator('td.cell[data-call="refused-preflight"]').first().click();
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`${OUT}: ${await page.locator('#summary').textContent()}`);
} finally {
  await browser.close();
  await playground.stop();
}
