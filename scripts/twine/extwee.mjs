// Converts between Twee 3 and Twine 2 HTML with extwee (npm, MIT), an independent implementation
// of the Twine specifications: the tests check kiosk's Twee writer and HTML reader against it.
//   node scripts/twine/extwee.mjs NODE_MODULES twee2html STORY.twee STORY.html
//   node scripts/twine/extwee.mjs NODE_MODULES html2twee STORY.html STORY.twee
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [, , modules, mode, input, output] = process.argv;
const extwee = await import(pathToFileURL(`${modules}/extwee/index.js`).href);
const text = readFileSync(input, 'utf-8');
if (mode === 'twee2html') {
  writeFileSync(output, extwee.compileTwine2ArchiveHTML([extwee.parseTwee(text)]));
} else if (mode === 'html2twee') {
  writeFileSync(output, extwee.parseTwine2ArchiveHTML(text)[0].toTwee());
} else {
  console.error(`unknown mode ${mode}: twee2html or html2twee`);
  process.exit(2);
}
