//===- Quant4Matmul.cpp - a quant4 matmul compiled by the CPU JIT ---------===//

#include "Quant4Matmul.h"

#include "Target/CPU/JitRunner.h"
#include "Tools/InitQuant4.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <dlfcn.h>
#include <vector>

using namespace quant4::bench;
using ::quant4::cpu::NpyArray;
using ::quant4::cpu::NpyType;

struct Quant4Matmul::Impl {
  std::unique_ptr<mlir::quant4::CPUJit> jit;
  std::vector<NpyArray> inputs{2};
  std::vector<NpyArray> outputs;
};

namespace {

/// One context for every compiled matmul of the process.
mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    mlir::quant4::registerQuant4Dialects(registry);
    return new mlir::MLIRContext(registry);
  }();
  return *ctx;
}

std::string matmulSource(const std::string &format, int64_t n, int64_t k,
                         int64_t m, int64_t bytes,
                         const std::string &activations) {
  return llvm::formatv(
      R"mlir(!w = !quant4.blocked<{0}x{1}, #quant4.{2}>
func.func @matmul(%x: tensor<{3}x{1}xf32>, %raw: tensor<{4}xui8>) -> tensor<{3}x{0}xf32> {
  %w = quant4.from_bytes %raw : tensor<{4}xui8> -> !w
  %y = quant4.matmul %x, %w activations {5} : tensor<{3}x{1}xf32>, !w -> tensor<{3}x{0}xf32>
  return %y : tensor<{3}x{0}xf32>
}
)mlir",
      n, k, format, m, bytes, activations);
}

} // namespace

Quant4Matmul::Quant4Matmul(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
Quant4Matmul::~Quant4Matmul() = default;

std::unique_ptr<Quant4Matmul>
Quant4Matmul::compile(const std::string &format, int64_t n, int64_t k,
                      int64_t m, int64_t weightBytes,
                      const std::string &activations, int threads,
                      std::string &error) {
  auto start = std::chrono::steady_clock::now();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(
          matmulSource(format, n, k, m, weightBytes, activations), &context());
  if (!module) {
    error = "cannot parse the generated quant4 matmul";
    return nullptr;
  }
  auto jit = mlir::quant4::CPUJit::compile(*module, "matmul", threads);
  if (mlir::failed(jit)) {
    error = "CPUJit::compile failed";
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->jit = std::move(*jit);
  impl->inputs[0].type = NpyType::F32;
  impl->inputs[0].shape = {m, k};
  impl->inputs[0].data.assign(size_t(m * k) * sizeof(float), 0);
  impl->inputs[1].type = NpyType::U8;
  impl->inputs[1].shape = {weightBytes};
  impl->inputs[1].data.assign(size_t(weightBytes), 0);
  std::unique_ptr<Quant4Matmul> matmul(new Quant4Matmul(std::move(impl)));
  std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  matmul->compileTime = s.count();
  return matmul;
}

bool Quant4Matmul::run(std::string &error) {
  auto start = std::chrono::steady_clock::now();
  bool ok = mlir::succeeded(impl->jit->run(impl->inputs, impl->outputs, error));
  std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  runTime = s.count();
  return ok;
}

void Quant4Matmul::pauseThreads() {
  // libomp is loaded by the JIT only when a compiled function uses OpenMP.
  using PauseFn = int (*)(int kind);
  constexpr int kOmpPauseSoft = 1;
  if (auto pause = reinterpret_cast<PauseFn>(
          dlsym(RTLD_DEFAULT, "omp_pause_resource_all")))
    pause(kOmpPauseSoft);
}

uint8_t *Quant4Matmul::weights() { return impl->inputs[1].data.data(); }
float *Quant4Matmul::activations() {
  return reinterpret_cast<float *>(impl->inputs[0].data.data());
}
const float *Quant4Matmul::result() const {
  return reinterpret_cast<const float *>(impl->outputs.at(0).data.data());
}
