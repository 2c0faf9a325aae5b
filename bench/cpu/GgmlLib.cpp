//===- GgmlLib.cpp - ggml's CPU backend, loaded at run time ---------------===//

#include "GgmlLib.h"

#include <dirent.h>
#include <dlfcn.h>

#include <vector>

using namespace quant4::bench;

namespace {

/// Resolves `name` in `handle` into `fn`; records the first missing symbol.
template <typename Fn>
void resolve(void *handle, const char *name, Fn &fn, std::string &missing) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (!fn && missing.empty())
    missing = name;
}

/// File names libggml-cpu-*.so in `dir`.
std::vector<std::string> cpuVariants(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *entry = readdir(d)) {
      std::string name = entry->d_name;
      if (name.rfind("libggml-cpu-", 0) == 0 && name.size() > 3 &&
          name.compare(name.size() - 3, 3, ".so") == 0)
        names.push_back(name);
    }
    closedir(d);
  }
  return names;
}

/// ggml_backend_score() of a CPU variant library: 0 when it cannot run here.
int variantScore(const std::string &path) {
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return 0;
  using ScoreFn = int (*)();
  auto score = reinterpret_cast<ScoreFn>(dlsym(handle, "ggml_backend_score"));
  int result = score ? score() : 0;
  dlclose(handle);
  return result;
}

} // namespace

bool GgmlLib::load(const std::string &dir, const std::string &cpuVariant,
                   std::string &error) {
  std::string basePath = dir + "/libggml-base.so";
  void *base = dlopen(basePath.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!base) {
    error = dlerror();
    return false;
  }
  if (!cpuVariant.empty()) {
    cpuName = "libggml-cpu-" + cpuVariant + ".so";
  } else {
    int best = 0;
    for (const std::string &name : cpuVariants(dir))
      if (int score = variantScore(dir + "/" + name); score > best) {
        best = score;
        cpuName = name;
      }
    if (cpuName.empty()) {
      error = "no libggml-cpu-*.so in " + dir + " runs on this CPU";
      return false;
    }
  }
  std::string cpuPath = dir + "/" + cpuName;
  void *cpu = dlopen(cpuPath.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!cpu) {
    error = dlerror();
    return false;
  }

  std::string missing;
  resolve(base, "ggml_version", fns.version, missing);
  resolve(base, "ggml_commit", fns.commit, missing);
  resolve(base, "ggml_type_name", fns.typeName, missing);
  resolve(base, "ggml_init", fns.init, missing);
  resolve(base, "ggml_free", fns.free, missing);
  resolve(base, "ggml_new_tensor_2d", fns.newTensor2d, missing);
  resolve(base, "ggml_mul_mat", fns.mulMat, missing);
  resolve(base, "ggml_new_graph", fns.newGraph, missing);
  resolve(base, "ggml_build_forward_expand", fns.buildForwardExpand, missing);
  resolve(base, "ggml_get_data", fns.getData, missing);
  resolve(base, "ggml_nbytes", fns.nbytes, missing);
  resolve(base, "ggml_row_size", fns.rowSize, missing);
  resolve(base, "ggml_threadpool_params_default", fns.threadpoolParamsDefault,
          missing);
  resolve(cpu, "ggml_cpu_init", fns.cpuInit, missing);
  resolve(cpu, "ggml_threadpool_new", fns.threadpoolNew, missing);
  resolve(cpu, "ggml_threadpool_free", fns.threadpoolFree, missing);
  resolve(cpu, "ggml_threadpool_pause", fns.threadpoolPause, missing);
  resolve(cpu, "ggml_graph_plan", fns.graphPlan, missing);
  resolve(cpu, "ggml_graph_compute", fns.graphCompute, missing);
  if (!missing.empty()) {
    error = "ggml symbol not found: " + missing;
    return false;
  }
  fns.cpuInit();
  return true;
}
