// Validates xAPI statements with Learning Locker's `xapi-validation` (npm, GPL-3.0; installed by
// scripts/setup.sh under .cache/, never shipped): a validator the kiosk did not write.
// Usage: node validate.js MODULE_DIR < statements.json  →  one list of problems per statement (JSON).
"use strict";
const validate = require(process.argv[2]).default;
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const statements = JSON.parse(input);
  const problems = statements.map((statement) =>
    validate(statement).map((w) => `${(w.path || []).join(".")}: ${w.constructor.name}` +
                                   (w.type ? ` (expected ${w.type})` : "")));
  process.stdout.write(JSON.stringify(problems));
});
