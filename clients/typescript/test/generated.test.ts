// The committed proto/ copy (and so src/gen, made from it) is the current
// proto/pvmd/v1/pvmd.proto of the repository.

import { it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { REPO } from "./daemon";

const source = path.join(REPO, "proto", "pvmd", "v1", "pvmd.proto");
const copy = path.join(__dirname, "..", "..", "proto", "pvmd", "v1", "pvmd.proto");

it("proto copy is current", { skip: fs.existsSync(source) ? undefined : `no ${source}` }, () => {
  assert.ok(fs.readFileSync(copy).equals(fs.readFileSync(source)), "clients/typescript/proto is stale: run clients/typescript/generate.sh");
});
