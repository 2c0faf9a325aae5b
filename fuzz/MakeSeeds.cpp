//===- MakeSeeds.cpp - Seed corpora for the model file fuzzers ------------===//
//
// quant4-fuzz-seeds DIR writes small GGUF files to DIR/gguf and safetensors
// files to DIR/safetensors, produced by quant4's own writers, covering every
// metadata kind, the main tensor types and the NF4 / MXFP4 groups.
//
//===----------------------------------------------------------------------===//

#include "Format/GGUFWriter.h"
#include "Format/SafetensorsWriter.h"

#include <cstdio>
#include <string>
#include <sys/stat.h>

using namespace quant4::format;

namespace {

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(i * 37 + 11);
  return v;
}

std::vector<uint8_t> text(const std::string &s) { return {s.begin(), s.end()}; }

bool check(const Status &s) {
  if (!s)
    std::fprintf(stderr, "quant4-fuzz-seeds: %s\n", s.message().c_str());
  return s.ok();
}

bool writeGGUFSeeds(const std::string &dir) {
  GGUFWriter all;
  bool ok = check(
      all.setMetadata("general.architecture", GGUFValue::string("llama")));
  ok &= check(all.setMetadata("general.alignment", GGUFValue::u32(32)));
  ok &= check(all.setMetadata("a.u8", GGUFValue::u8(7)));
  ok &= check(all.setMetadata("a.i8", GGUFValue::i8(-7)));
  ok &= check(all.setMetadata("a.u16", GGUFValue::u16(700)));
  ok &= check(all.setMetadata("a.i16", GGUFValue::i16(-700)));
  ok &= check(all.setMetadata("a.u32", GGUFValue::u32(70000)));
  ok &= check(all.setMetadata("a.i32", GGUFValue::i32(-70000)));
  ok &= check(all.setMetadata("a.u64", GGUFValue::u64(1ull << 40)));
  ok &= check(all.setMetadata("a.i64", GGUFValue::i64(-(1ll << 40))));
  ok &= check(all.setMetadata("a.f32", GGUFValue::f32(0.25f)));
  ok &= check(all.setMetadata("a.f64", GGUFValue::f64(-0.125)));
  ok &= check(all.setMetadata("a.bool", GGUFValue::boolean(true)));
  ok &= check(all.setMetadata(
      "a.arr", GGUFValue::arrayOf<int32_t>(GGUFValueType::Int32, {1, 2, 3})));
  ok &= check(all.setMetadata("a.strs", GGUFValue::stringArray({"x", "yz"})));
  ok &= check(all.setMetadata(
      "a.nested", GGUFValue::arrayArray(
                      {GGUFValue::arrayOf<uint8_t>(GGUFValueType::UInt8, {1}),
                       GGUFValue::stringArray({"n"})})));
  ok &= check(all.addTensor("f32", GGMLType::F32, {4, 2}, pattern(32)));
  ok &= check(all.addTensor("f16", GGMLType::F16, {3}, pattern(6)));
  ok &= check(all.addTensor("bf16", GGMLType::BF16, {2, 1, 1, 1}, pattern(4)));
  ok &= check(all.addTensor("q4_0", GGMLType::Q4_0, {32}, pattern(18)));
  ok &= check(all.addTensor("q8_0", GGMLType::Q8_0, {32}, pattern(34)));
  ok &= check(all.addTensor("q4_k", GGMLType::Q4_K, {256}, pattern(144)));
  ok &= check(all.addTensor("mxfp4", GGMLType::MXFP4, {32, 2}, pattern(34)));
  ok &= check(all.write(dir + "/all-types.gguf"));

  GGUFWriter empty;
  ok &= check(empty.write(dir + "/empty.gguf"));

  GGUFWriter aligned;
  ok &= check(aligned.setMetadata("general.alignment", GGUFValue::u32(64)));
  ok &= check(aligned.addTensor("a", GGMLType::F32, {1}, pattern(4)));
  ok &= check(aligned.addTensor("b", GGMLType::I8, {3}, pattern(3)));
  ok &= check(aligned.write(dir + "/aligned64.gguf"));
  return ok;
}

bool writeSafetensorsSeeds(const std::string &dir) {
  SafetensorsWriter plain;
  plain.setMetadata("format", "pt");
  bool ok =
      check(plain.addTensor("w", SafetensorsDType::F32, {2, 2}, pattern(16)));
  ok &= check(plain.addTensor("h", SafetensorsDType::F16, {3}, pattern(6)));
  ok &= check(plain.addTensor("b", SafetensorsDType::BF16, {1, 2}, pattern(4)));
  ok &= check(plain.addTensor("i", SafetensorsDType::I64, {}, pattern(8)));
  ok &= check(plain.write(dir + "/plain.safetensors"));

  SafetensorsWriter nf4;
  std::string state =
      R"({"quant_type": "nf4", "blocksize": 64, "dtype": )"
      R"("bfloat16", "shape": [2, 64], "nested_blocksize": )"
      R"(256, "nested_dtype": "float32", "nested_offset": 0.5})";
  ok &= check(
      nf4.addTensor("l.weight", SafetensorsDType::U8, {64, 1}, pattern(64)));
  ok &= check(
      nf4.addTensor("l.weight.absmax", SafetensorsDType::U8, {2}, pattern(2)));
  ok &= check(nf4.addTensor("l.weight.nested_absmax", SafetensorsDType::F32,
                            {1}, pattern(4)));
  ok &= check(nf4.addTensor("l.weight.quant_map", SafetensorsDType::F32, {16},
                            pattern(64)));
  ok &= check(nf4.addTensor("l.weight.quant_state.bitsandbytes__nf4",
                            SafetensorsDType::U8,
                            {static_cast<int64_t>(state.size())}, text(state)));
  ok &= check(nf4.write(dir + "/nf4.safetensors"));

  SafetensorsWriter mx;
  mx.setMetadata("model", "gpt-oss");
  ok &= check(mx.addTensor("e.gate_up_proj_blocks", SafetensorsDType::U8,
                           {2, 1, 16}, pattern(32)));
  ok &= check(mx.addTensor("e.gate_up_proj_scales", SafetensorsDType::U8,
                           {2, 1}, pattern(2)));
  ok &= check(mx.addTensor("e.down.blocks", SafetensorsDType::U8, {1, 16},
                           pattern(16)));
  ok &= check(
      mx.addTensor("e.down.scales", SafetensorsDType::U8, {1}, pattern(1)));
  ok &= check(mx.write(dir + "/mxfp4.safetensors"));
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quant4-fuzz-seeds DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  ::mkdir(dir.c_str(), 0755);
  ::mkdir((dir + "/gguf").c_str(), 0755);
  ::mkdir((dir + "/safetensors").c_str(), 0755);
  bool ok = writeGGUFSeeds(dir + "/gguf");
  ok &= writeSafetensorsSeeds(dir + "/safetensors");
  return ok ? 0 : 1;
}
