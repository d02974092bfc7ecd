#!/usr/bin/env node
// validate.js - validates SARIF files against the official SARIF 2.1.0 JSON
// schema, the copy @microsoft/jest-sarif ships (JSON Schema draft-04), with
// ajv.  Usage: node validate.js FILE...  Exit status 0 when every file is
// valid, 1 when one is not (its errors on stderr), 2 when the schema or the
// validator is missing (run scripts/bootstrap.sh).
'use strict';
const fs = require('fs');
const path = require('path');

let Ajv, addFormats, schema;
try {
  Ajv = require('ajv-draft-04');
  addFormats = require('ajv-formats');
  schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', '@microsoft',
    'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
} catch (e) {
  console.error('validate.js: the SARIF schema or ajv is missing (' + e.message +
                '): run scripts/bootstrap.sh');
  process.exit(2);
}
// unicodeRegExp off: the schema's pattern for "language" is not valid
// with the u flag (an unbalanced ']'), as the standard's own copy has it.
const ajv = new Ajv({allErrors: true, strict: false, unicodeRegExp: false});
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const file of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(file + ': not JSON: ' + e.message);
    bad++;
    continue;
  }
  if (!validate(doc)) {
    bad++;
    for (const err of validate.errors)
      console.error(file + ': ' + (err.instancePath || '/') + ' ' + err.message);
  }
}
process.exit(bad ? 1 : 0);
