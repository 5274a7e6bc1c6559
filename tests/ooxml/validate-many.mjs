// Validate several workbooks with the Open XML SDK in one Node process (the WebAssembly runtime
// takes seconds to start): node validate-many.mjs VERSION[,VERSION…] FILE… → JSON on stdout,
// {"file": {"version": [{id, description, part, xpath}, …]}}.
import { readFile } from "fs/promises";
import validate from "@ooxml-tools/validate";

const [versions, ...files] = process.argv.slice(2);
const found = {};
for (const file of files) {
  const data = await readFile(file);
  found[file] = {};
  for (const version of versions.split(",")) {
    const errors = await validate(data, "xlsx", version);
    found[file][version] = errors.map((e) => ({
      id: e.id, description: e.description, part: e.path.partUri, xpath: e.path.xpath,
    }));
  }
}
process.stdout.write(JSON.stringify(found));
process.exit(0);
