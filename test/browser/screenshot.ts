/**
 * Opens a report.html in headless Chromium, prints what the page did and saves a full-page screenshot.
 * Usage: npx tsx test/browser/screenshot.ts RESULT/report.html [shot.png]
 */
import { launchChromium, openReport } from './chromium.js';

const [file, shot] = process.argv.slice(2);
if (file === undefined) throw new TypeError('Expected the path of a report.html');
const { browser, close } = await launchChromium();
try {
  process.stdout.write(JSON.stringify(await openReport(browser, file, shot)) + '\n');
} finally {
  await close();
}
