/*===- EmbeddedBundle.h - The runtime side of a GPU host library --*- C -*-===//
 *
 * `q4-compile --target=nvptx` writes a host library (OUT.so) whose generated
 * code holds one constant Q4rtBundle (the launch manifest and the PTX of
 * every kernel module, see lib/Target/NVPTX/KernelBundle.h) and, per entry
 * function, a wrapper
 *
 *   int q4_<entry>(const T *arg0, ..., R *result0, ..., void *stream)
 *   { void *args[] = {arg0, ..., result0, ...};
 *     return q4rt_launch(&bundle, <entry's index in the manifest>,
 *                        "q4_<entry>", args, <count>, stream); }
 *
 * and `q4_<entry>_with_workspace(..., workspace, workspaceBytes, stream)`
 * calling q4rt_launch_workspace, plus `q4_<lib>_prepare(stream)` calling
 * q4rt_prepare and `const char *q4_<lib>_error(void) { return
 * q4rt_last_error(); }`. This runtime (lib/Runtime, linked statically into
 * the library with its symbols hidden) does the rest: it dlopen()s
 * libcuda.so.1, loads the bundle once per CUDA context (thread-safe) and
 * launches the manifest's kernels on the stream, with the caller's workspace
 * or, for q4rt_launch, one the runtime keeps per stream
 * (StreamWorkspaces.h) for the scratch buffers. The structs below are that
 *generated code's view of the bundle; lib/Target/NVPTX/HostLibrary.cpp builds
 *them as LLVM IR, field by field.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QUANT4_RUNTIME_EMBEDDEDBUNDLE_H
#define QUANT4_RUNTIME_EMBEDDEDBUNDLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layout version generated code puts in Q4rtBundle::version. */
#define Q4RT_BUNDLE_VERSION 1

/* What q4rt_launch returns: 0, a CUDA driver error code (CUresult, > 0)
   when a driver call failed, or this for every other failure (no driver,
   a bad argument, a bad bundle). */
#define Q4RT_ERROR_RUNTIME (-1)

/* One PTX module: the name the manifest's launch lines use for it, its text
   (`size` bytes, no NUL needed). */
typedef struct Q4rtImage {
  const char *name;
  const char *data;
  uint64_t size;
} Q4rtImage;

typedef struct Q4rtBundle {
  uint32_t version;
  uint32_t numImages;
  const char *manifest; /* the manifest text, `manifestSize` bytes */
  uint64_t manifestSize;
  const Q4rtImage *images;
} Q4rtBundle;

/* Runs function `function` (its index among the manifest's functions) for
   the entry point `caller` (the name error messages start with) with
   `numArguments` device pointers (CUdeviceptr values, 16-byte aligned, in
   the manifest's argument order) on `stream` (a CUstream; null: the
   default stream of the current context, or of device 0's primary context
   when none is current). The bundle is loaded into the stream's context on
   first use. Scratch buffers come from a workspace the runtime allocates
   for the stream on its first call that needs one, so calls on different
   streams never share scratch memory. While the stream captures a CUDA
   graph nothing is loaded or allocated: that is an error (q4rt_prepare
   first). Returns 0 or an error code (see above); the launches are
   asynchronous. */
int q4rt_launch(const Q4rtBundle *bundle, uint32_t function,
                const char *caller, void *const *arguments,
                uint32_t numArguments, void *stream);

/* q4rt_launch with the caller's workspace for the scratch buffers: a device
   pointer (16-byte aligned; null when the function needs none) to at least
   `workspaceBytes` bytes, which must cover the function's workspace size
   (its scratch buffers laid out as lib/Runtime/Workspace.h says). The
   runtime allocates nothing; calls running at the same time need
   different workspaces. */
int q4rt_launch_workspace(const Q4rtBundle *bundle, uint32_t function,
                          const char *caller, void *const *arguments,
                          uint32_t numArguments, void *workspace,
                          uint64_t workspaceBytes, void *stream);

/* Loads the bundle into the stream's context and allocates the stream's
   workspace for q4rt_launch, so that later calls on the stream, e.g. while
   it captures a CUDA graph, need neither. Returns as q4rt_launch. */
int q4rt_prepare(const Q4rtBundle *bundle, const char *caller, void *stream);

/* The message of the last failed q4rt_launch on the calling thread ("" when
   none failed): "<caller>: <what failed>", naming the CUDA call and error
   where there is one. Valid until the thread's next failing call. */
const char *q4rt_last_error(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QUANT4_RUNTIME_EMBEDDEDBUNDLE_H */
