// Judge a batch of documents with ajv 8 (draft 2020-12, strict mode, ajv-formats), in one
// process. Input (stdin): {"schemas": {name: schema}, "documents": [[name, document], ...]}.
// Output (stdout): {"compiled": [names], "failed": {name: message}, "verdicts": [true|false]}.
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { schemas, documents } = JSON.parse(input);
  const validators = {};
  const failed = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    try {
      validators[name] = ajv.compile(schema);
    } catch (error) {
      failed[name] = String(error.message);
    }
  }
  const verdicts = documents.map(([name, doc]) => (validators[name] ? validators[name](doc) : null));
  process.stdout.write(JSON.stringify({ compiled: Object.keys(validators), failed, verdicts }));
});
