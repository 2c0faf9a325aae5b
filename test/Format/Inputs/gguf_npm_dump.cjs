// Prints what the independent @huggingface/gguf parser reads from a GGUF file,
// as JSON in the shape of `q4-quant inspect --json` (metadata without the
// parser's own version/tensor_count/kv_count entries; bigints as numbers).
// usage: node gguf_npm_dump.cjs NODE_MODULES_DIR FILE.gguf
const path = require("path");
const [modules, file] = process.argv.slice(2);
let gguf;
try {
  ({ gguf } = require(path.join(modules, "@huggingface/gguf")));
} catch (e) {
  console.error(`cannot load @huggingface/gguf from ${modules} ` +
                "(run `make npm-deps`): " + e.message);
  process.exit(2);
}
const TYPE_NAMES = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool",
                    "str", "arr", "u64", "i64", "f64"];

// JSON with bigints written as exact integer literals.
function toJSON(value) {
  return JSON.stringify(value, (k, v) =>
    typeof v === "bigint" ? `@@BIG${v.toString()}@@` : v)
    .replace(/"@@BIG(-?\d+)@@"/g, "$1");
}

(async () => {
  const { typedMetadata, tensorInfos, tensorDataOffset } =
      await gguf(path.resolve(file), { allowLocalFile: true, typedMetadata: true });
  const metadata = [];
  for (const [key, entry] of Object.entries(typedMetadata)) {
    if (key === "version" || key === "tensor_count" || key === "kv_count")
      continue;
    const item = { key, type: TYPE_NAMES[entry.type] };
    if (entry.subType !== undefined)
      item.element_type = TYPE_NAMES[entry.subType];
    item.value = entry.value;
    metadata.push(item);
  }
  const tensors = tensorInfos.map((t) => ({
    name: t.name, type_id: t.dtype, ne: t.shape, offset: t.offset,
  }));
  console.log(toJSON({ format: "gguf", version: typedMetadata.version.value,
                       data_offset: tensorDataOffset, metadata, tensors }));
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
