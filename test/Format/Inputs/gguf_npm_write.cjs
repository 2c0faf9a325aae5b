// Writes a GGUF file with @huggingface/gguf's own serializer
// (serializeGgufMetadata: header and metadata, no tensors) and the JSON that
// `q4-quant inspect --json` must print for it.
// usage: node gguf_npm_write.cjs NODE_MODULES_DIR OUT.gguf EXPECTED.json
const path = require("path");
const fs = require("fs");
const [modules, out, expectedPath] = process.argv.slice(2);
let lib;
try {
  lib = require(path.join(modules, "@huggingface/gguf"));
} catch (e) {
  console.error(`cannot load @huggingface/gguf from ${modules} ` +
                "(run `make npm-deps`): " + e.message);
  process.exit(2);
}
const { serializeGgufMetadata, GGUFValueType: T } = lib;
const NAMES = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str",
               "arr", "u64", "i64", "f64"];
const kv = [
  ["general.architecture", "llama", T.STRING],
  ["js.u8", 200, T.UINT8],
  ["js.i8", -5, T.INT8],
  ["js.u16", 65535, T.UINT16],
  ["js.i16", -300, T.INT16],
  ["js.u32", 4294967295, T.UINT32],
  ["js.i32", -7, T.INT32],
  ["js.f32", 0.25, T.FLOAT32],
  ["js.bool", false, T.BOOL],
  ["js.u64", 18446744073709551615n, T.UINT64],
  ["js.i64", -9007199254740993n, T.INT64],
  ["js.f64", 1e-300, T.FLOAT64],
  ["js.arr_str", ["x", "\u00e9"], T.ARRAY, T.STRING],
  ["js.arr_f32", [1.5, -2], T.ARRAY, T.FLOAT32],
];
const md = {
  version: { value: 3, type: T.UINT32 },
  tensor_count: { value: 0n, type: T.UINT64 },
  kv_count: { value: BigInt(kv.length), type: T.UINT64 },
};
const expected = [];
for (const [key, value, type, subType] of kv) {
  md[key] = subType === undefined ? { value, type } : { value, type, subType };
  const e = { key, type: NAMES[type] };
  if (subType !== undefined)
    e.element_type = NAMES[subType];
  e.value = value;
  expected.push(e);
}
fs.writeFileSync(out, serializeGgufMetadata(md));
const json = JSON.stringify(
  { format: "gguf", version: 3, metadata: expected, tensors: [] },
  (k, v) => typeof v === "bigint" ? `@@BIG${v}@@` : v)
  .replace(/"@@BIG(-?\d+)@@"/g, "$1");
fs.writeFileSync(expectedPath, json);
