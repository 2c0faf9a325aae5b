//===- FormatBindings.cpp - Format specs and codecs for Python ------------===//
//
// quant4._format.Spec wraps a lib/Format FormatSpec; quantize / dequantize
// produce and consume its planar storage (Layout.h) through Codec.h, so the
// bytes are those of q4-quant and the compiler. NF4 tensors whose length is
// not a whole number of blocks (bitsandbytes allows that) take NF4.h's
// tail-aware entry points over the same planes.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "Format/DynamicMap.h"
#include "Format/Float16.h"
#include "Format/MXFP4.h"
#include "Format/NF4.h"

#include <pybind11/stl.h>

#include <cstring>
#include <tuple>
#include <vector>

namespace py = pybind11;
using namespace quant4::format;

namespace quant4::python {

namespace {

constexpr FormatKind kAllKinds[] = {FormatKind::Q4_K, FormatKind::NF4,
                                    FormatKind::MXFP4, FormatKind::Q4_0,
                                    FormatKind::Q8_0};

using FloatArray =
    py::array_t<float, py::array::c_style | py::array::forcecast>;
using ByteArray =
    py::array_t<uint8_t, py::array::c_style | py::array::forcecast>;
using HalfArray =
    py::array_t<uint16_t, py::array::c_style | py::array::forcecast>;

bool hasNF4Tail(const FormatSpec &spec, int64_t n) {
  return spec.kind == FormatKind::NF4 && n % spec.nf4BlockSize != 0;
}

/// Blocks of `n` values: NF4 rounds up (its last block may be partial),
/// every other format needs whole blocks.
int64_t numBlocksOf(const FormatSpec &spec, int64_t n) {
  check(validate(spec));
  BlockLayout layout = layoutOf(spec);
  if (n < 0)
    throw FormatError("negative element count");
  if (spec.kind == FormatKind::NF4)
    return nf4NumBlocks(n, spec.nf4BlockSize);
  std::optional<int64_t> blocks = layout.numBlocks(n);
  if (!blocks)
    throw FormatError(describe(spec) + ": " + std::to_string(n) +
                      " values are not a whole number of " +
                      std::to_string(layout.blockSize) + "-value blocks");
  return *blocks;
}

struct PlaneInfo {
  std::string name;
  int64_t offset;
  int64_t bytes;
};

std::vector<PlaneInfo> planesOf(const FormatSpec &spec, int64_t n) {
  int64_t blocks = numBlocksOf(spec, n);
  BlockLayout layout = layoutOf(spec);
  std::vector<PlaneInfo> planes;
  for (size_t p = 0; p < layout.planes.size(); ++p) {
    std::optional<int64_t> offset = layout.planeOffset(p, blocks);
    std::optional<int64_t> bytes = layout.planeBytes(p, blocks);
    if (!offset || !bytes)
      throw FormatError(describe(spec) + ": storage size overflows");
    planes.push_back({std::string(layout.planes[p].name), *offset, *bytes});
  }
  return planes;
}

int64_t storageBytesOf(const FormatSpec &spec, int64_t n) {
  std::vector<PlaneInfo> planes = planesOf(spec, n);
  return planes.back().offset + planes.back().bytes;
}

/// The NF4 absmax of every block, decompressed when double-quantized.
std::vector<float> nf4Absmax(const FormatSpec &spec, const uint8_t *storage,
                             int64_t n) {
  std::vector<PlaneInfo> planes = planesOf(spec, n);
  int64_t blocks = nf4NumBlocks(n, spec.nf4BlockSize);
  std::vector<float> absmax(blocks);
  if (!spec.nf4DoubleQuant) {
    std::memcpy(absmax.data(), storage + planes[1].offset,
                blocks * sizeof(float));
    return absmax;
  }
  std::vector<float> absmax2(planes[2].bytes / sizeof(float));
  std::memcpy(absmax2.data(), storage + planes[2].offset,
              absmax2.size() * sizeof(float));
  float offset;
  std::memcpy(&offset, storage + planes[3].offset, sizeof(float));
  decompressAbsmax(storage + planes[1].offset, absmax2.data(), offset, blocks,
                   absmax.data());
  return absmax;
}

/// NF4 with a partial last block: NF4.h's entry points on the same planes.
void quantizeNF4Tail(const FormatSpec &spec, const float *x, int64_t n,
                     uint8_t *storage) {
  std::vector<PlaneInfo> planes = planesOf(spec, n);
  std::vector<float> absmax(nf4NumBlocks(n, spec.nf4BlockSize));
  check(quantizeNF4(x, n, spec.nf4BlockSize, storage + planes[0].offset,
                    absmax.data()));
  if (!spec.nf4DoubleQuant) {
    std::memcpy(storage + planes[1].offset, absmax.data(),
                absmax.size() * sizeof(float));
    return;
  }
  NF4NestedAbsmax nested = compressAbsmax(absmax.data(), absmax.size());
  std::memcpy(storage + planes[1].offset, nested.qabsmax.data(),
              nested.qabsmax.size());
  std::memcpy(storage + planes[2].offset, nested.absmax2.data(),
              nested.absmax2.size() * sizeof(float));
  std::memcpy(storage + planes[3].offset, &nested.offset, sizeof(float));
}

py::array_t<uint8_t> quantizeArray(const FormatSpec &spec, FloatArray x) {
  int64_t n = x.size();
  py::array_t<uint8_t> storage(storageBytesOf(spec, n));
  std::memset(storage.mutable_data(), 0, storage.size());
  const float *in = x.data();
  uint8_t *out = storage.mutable_data();
  py::gil_scoped_release release;
  if (hasNF4Tail(spec, n))
    quantizeNF4Tail(spec, in, n, out);
  else
    check(quantize(spec, in, n, out));
  return storage;
}

void checkStorage(const FormatSpec &spec, const ByteArray &storage, int64_t n) {
  int64_t expected = storageBytesOf(spec, n);
  if (storage.size() != expected)
    throw FormatError(describe(spec) + ": " + std::to_string(n) +
                      " values take " + std::to_string(expected) +
                      " storage bytes, got " + std::to_string(storage.size()));
}

py::array_t<float> dequantizeArray(const FormatSpec &spec, ByteArray storage,
                                   int64_t n) {
  checkStorage(spec, storage, n);
  py::array_t<float> y(n);
  const uint8_t *in = storage.data();
  float *out = y.mutable_data();
  py::gil_scoped_release release;
  if (hasNF4Tail(spec, n)) {
    std::vector<float> absmax = nf4Absmax(spec, in, n);
    check(dequantizeNF4(in, absmax.data(), n, spec.nf4BlockSize, out));
  } else {
    check(dequantize(spec, in, n, out));
  }
  return y;
}

template <typename In, typename Out>
py::array_t<Out>
convert(const py::array_t<In, py::array::c_style | py::array::forcecast> &in,
        void (*fn)(const In *, int64_t, Out *)) {
  py::array_t<Out> out(in.size());
  fn(in.data(), in.size(), out.mutable_data());
  return out;
}

} // namespace

FormatSpec makeSpec(const std::string &kind, int64_t nf4BlockSize,
                    bool nf4DoubleQuant, const std::string &layout,
                    const std::string &rule) {
  FormatSpec spec;
  bool known = false;
  std::string names;
  for (FormatKind k : kAllKinds) {
    names += (names.empty() ? "" : ", ") + std::string(formatKindName(k));
    if (formatKindName(k) == kind) {
      spec.kind = k;
      known = true;
    }
  }
  if (!known)
    throw py::value_error("unknown format '" + kind + "'; expected one of " +
                          names);
  spec.nf4BlockSize = nf4BlockSize;
  spec.nf4DoubleQuant = nf4DoubleQuant;
  std::optional<MXFP4Layout> parsedLayout = parseMXFP4Layout(layout);
  if (!parsedLayout)
    throw py::value_error("unknown MXFP4 layout '" + layout +
                          "'; expected ggml or hf");
  spec.mxfp4Layout = *parsedLayout;
  std::optional<MXFP4Rule> parsedRule = parseMXFP4Rule(rule);
  if (!parsedRule)
    throw py::value_error("unknown MXFP4 rule '" + rule +
                          "'; expected ggml, ocp or optimal");
  spec.mxfp4Rule = *parsedRule;
  if (Status s = validate(spec); !s)
    throw py::value_error(s.message());
  return spec;
}

void registerFormatBindings(py::module_ &m) {
  py::class_<FormatSpec>(m, "Spec",
                         "One instance of a blocked format (lib/Format "
                         "FormatSpec).")
      .def(py::init(&makeSpec), py::arg("kind"), py::arg("nf4_block_size") = 64,
           py::arg("nf4_double_quant") = false,
           py::arg("mxfp4_layout") = "ggml", py::arg("mxfp4_rule") = "ocp")
      .def_property_readonly("kind",
                             [](const FormatSpec &s) {
                               return std::string(formatKindName(s.kind));
                             })
      .def_property_readonly(
          "block_size",
          [](const FormatSpec &s) { return layoutOf(s).blockSize; })
      .def_readonly("nf4_block_size", &FormatSpec::nf4BlockSize)
      .def_readonly("nf4_double_quant", &FormatSpec::nf4DoubleQuant)
      .def_property_readonly("mxfp4_layout",
                             [](const FormatSpec &s) {
                               return s.mxfp4Layout == MXFP4Layout::GGML
                                          ? "ggml"
                                          : "hf";
                             })
      .def_property_readonly("mxfp4_rule",
                             [](const FormatSpec &s) {
                               switch (s.mxfp4Rule) {
                               case MXFP4Rule::GGML:
                                 return "ggml";
                               case MXFP4Rule::OCP:
                                 return "ocp";
                               case MXFP4Rule::Optimal:
                                 return "optimal";
                               }
                               return "ocp";
                             })
      .def("describe", [](const FormatSpec &s) { return describe(s); })
      .def(
          "planes",
          [](const FormatSpec &s, int64_t n) {
            std::vector<std::tuple<std::string, int64_t, int64_t>> out;
            for (const PlaneInfo &p : planesOf(s, n))
              out.emplace_back(p.name, p.offset, p.bytes);
            return out;
          },
          py::arg("n"),
          "(name, byte offset, byte count) of every storage plane for n "
          "values.")
      .def("storage_bytes", &storageBytesOf, py::arg("n"));

  m.def("quantize", &quantizeArray, py::arg("spec"), py::arg("x"),
        "Quantizes the flattened float32 array x into planar storage.");
  m.def("dequantize", &dequantizeArray, py::arg("spec"), py::arg("storage"),
        py::arg("n"), "Dequantizes planar storage of n values to float32.");
  m.def(
      "nf4_absmax",
      [](const FormatSpec &spec, ByteArray storage, int64_t n) {
        checkStorage(spec, storage, n);
        std::vector<float> absmax = nf4Absmax(spec, storage.data(), n);
        return py::array_t<float>(absmax.size(), absmax.data());
      },
      py::arg("spec"), py::arg("storage"), py::arg("n"),
      "The absmax of every NF4 block (decompressed when double-quantized).");
  m.def(
      "nf4_codebook",
      [] { return py::array_t<float>(16, nf4Codebook().data()); },
      "bitsandbytes' NF4 code table (index = nibble).");
  m.def(
      "dynamic_map",
      [] { return py::array_t<float>(256, signedDynamicMap().data()); },
      "bitsandbytes' signed 8-bit dynamic map (NF4 double quantization).");
  m.def(
      "float_to_fp16",
      [](const FloatArray &x) {
        return convert<float, uint16_t>(x, &floatToFp16);
      },
      "float32 -> IEEE binary16 bits (ggml's conversion).");
  m.def(
      "float_to_bf16",
      [](const FloatArray &x) {
        return convert<float, uint16_t>(x, &floatToBf16);
      },
      "float32 -> bfloat16 bits (ggml's conversion, round to nearest even).");
  m.def(
      "bf16_to_float",
      [](const HalfArray &x) {
        return convert<uint16_t, float>(x, &bf16ToFloat);
      },
      "bfloat16 bits -> float32 (exact).");
}

ByteSpan borrowBytes(py::handle array, std::vector<py::array> &keepAlive) {
  py::array data = py::array::ensure(array, py::array::c_style);
  if (!data)
    throw py::type_error("tensor data must be a numpy array");
  keepAlive.push_back(data);
  return {static_cast<const uint8_t *>(data.data()),
          static_cast<size_t>(data.nbytes())};
}

py::array byteView(ByteSpan span,
                   const std::shared_ptr<const ByteBuffer> &owner) {
  auto *keep = new std::shared_ptr<const ByteBuffer>(owner);
  py::capsule base(keep, [](void *p) {
    delete static_cast<std::shared_ptr<const ByteBuffer> *>(p);
  });
  py::array view(py::dtype::of<uint8_t>(),
                 {static_cast<py::ssize_t>(span.size)}, {1},
                 const_cast<uint8_t *>(span.data), base);
  // The mapping is read-only: writes must fail in numpy, not fault.
  py::detail::array_proxy(view.ptr())->flags &=
      ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

} // namespace quant4::python
