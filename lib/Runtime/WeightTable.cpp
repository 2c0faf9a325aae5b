//===- WeightTable.cpp - weights a compiled library reads at load time ----===//
//
// Opens the model files of a Q4WeightTable through lib/Format (memory-mapped,
// zero-copy: the compiled code reads the mapping), checks every tensor
// against what the compiled code expects and reports the first mismatch.
//
//===----------------------------------------------------------------------===//

#include "Runtime/WeightTable.h"
#include "Format/ModelTensor.h"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fmt = quant4::format;

namespace {

/// What the library's state holds between calls.
struct TableState {
  /// The tensors of the last successful load; their owners keep the files
  /// mapped.
  std::vector<fmt::ModelTensor> tensors;
  /// The directory given to the last q4_weights_load, if not NULL.
  std::optional<std::string> dir;
  /// Every message handed out, so that the pointers stay valid.
  std::set<std::string> messages;
};

/// Guards the state of the library's table (this archive is linked into
/// each library privately, so each has its own).
std::mutex tableMutex;

TableState &stateOf(Q4WeightTable *table) {
  if (!table->state)
    table->state = new TableState();
  return *static_cast<TableState *>(table->state);
}

/// Where relative paths are resolved: `dir`, else the directory of the last
/// explicit load, else the environment variable, else the default.
std::string chooseDir(const Q4WeightTable &table, const TableState &state,
                      const char *dir) {
  if (dir)
    return dir;
  if (state.dir)
    return *state.dir;
  if (table.envVar)
    if (const char *env = std::getenv(table.envVar); env && *env)
      return env;
  return table.defaultDir ? table.defaultDir : "";
}

std::string resolve(const std::string &dir, const char *file) {
  if (dir.empty() || file[0] == '/')
    return file;
  return dir.back() == '/' ? dir + file : dir + "/" + file;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// The tensor `spec` names, checked against it; an error message otherwise.
fmt::Expected<fmt::ModelTensor> loadTensor(const Q4WeightSpec &spec,
                                           const std::string &path,
                                           fmt::ModelFileCache &files) {
  std::string what = "tensor '" + std::string(spec.tensor) + "' in '" + path;
  fmt::Expected<std::shared_ptr<fmt::ModelFile>> file = files.get(path);
  if (!file)
    return fmt::Status::error("cannot load " + what + "': " + file.message());
  fmt::Expected<fmt::ModelTensor> tensor = (*file)->tensor(spec.tensor);
  if (!tensor)
    return fmt::Status::error("cannot load " + what + "': " + tensor.message());
  std::vector<int64_t> shape(spec.shape, spec.shape + spec.rank);
  if (tensor->describeElement() != spec.element || tensor->shape != shape)
    return fmt::Status::error(what + "' is " + shapeString(tensor->shape) +
                              " " + tensor->describeElement() +
                              ", but the library expects " +
                              shapeString(shape) + " " + spec.element);
  if (static_cast<int64_t>(tensor->bytes.size) != spec.bytes)
    return fmt::Status::error(
        what + "' holds " + std::to_string(tensor->bytes.size) +
        " bytes, but the library expects " + std::to_string(spec.bytes));
  return tensor;
}

const char *loadLocked(Q4WeightTable *table, const char *dir,
                       bool explicitDir) {
  TableState &state = stateOf(table);
  if (explicitDir) {
    state.dir.reset();
    if (dir)
      state.dir = dir;
  }
  std::string base = chooseDir(*table, state, dir);
  fmt::ModelFileCache files;
  std::vector<fmt::ModelTensor> tensors;
  for (int64_t i = 0; i < table->count; ++i) {
    const Q4WeightSpec &spec = table->specs[i];
    fmt::Expected<fmt::ModelTensor> tensor =
        loadTensor(spec, resolve(base, spec.file), files);
    if (!tensor) {
      std::string message =
          std::string(table->library) + ": " + tensor.message();
      return state.messages.insert(std::move(message)).first->c_str();
    }
    tensors.push_back(tensor.take());
  }
  for (int64_t i = 0; i < table->count; ++i)
    table->data[i] = tensors[i].bytes.data;
  state.tensors = std::move(tensors);
  __atomic_store_n(&table->loaded, 1, __ATOMIC_RELEASE);
  return nullptr;
}

} // namespace

extern "C" const char *q4_weights_ensure(Q4WeightTable *table) {
  if (__atomic_load_n(&table->loaded, __ATOMIC_ACQUIRE))
    return nullptr;
  std::lock_guard<std::mutex> lock(tableMutex);
  if (table->loaded)
    return nullptr;
  return loadLocked(table, nullptr, /*explicitDir=*/false);
}

extern "C" const char *q4_weights_load(Q4WeightTable *table, const char *dir) {
  std::lock_guard<std::mutex> lock(tableMutex);
  return loadLocked(table, dir, /*explicitDir=*/true);
}

extern "C" void q4_weights_release(Q4WeightTable *table) {
  std::lock_guard<std::mutex> lock(tableMutex);
  __atomic_store_n(&table->loaded, 0, __ATOMIC_RELEASE);
  delete static_cast<TableState *>(table->state);
  table->state = nullptr;
}
