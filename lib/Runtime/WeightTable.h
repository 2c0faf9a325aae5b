/*===- WeightTable.h - weights a compiled library reads at load time -------===*
 *
 * The C ABI between a library built by `q4-compile --weights=load` and the
 * runtime piece linked into it (WeightTable.cpp, with lib/Format's model file
 * readers). The compiler emits one Q4WeightTable per library, listing every
 * tensor its quant4.weight ops name and what the compiled code expects of
 * it; the library's entry points call q4_weights_ensure before computing and
 * pass `data[i]` (a pointer into the memory-mapped file) as weight `i`.
 *
 * Nothing here is visible outside the library: the runtime archive is linked
 * with --exclude-libs, so two libraries in one process keep separate state.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QUANT4_RUNTIME_WEIGHTTABLE_H
#define QUANT4_RUNTIME_WEIGHTTABLE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One tensor of a model file, as the compiled code expects it. */
typedef struct Q4WeightSpec {
  /* The model file as the quant4.weight op names it (a relative path is
     resolved against the table's weights directory). */
  const char *file;
  /* The tensor's name in that file. */
  const char *tensor;
  /* "f32", "f16", "bf16", or the blocked format as lib/Format's describe()
     spells it ("q4_k", "nf4(block=64)", "mxfp4(layout=hf)", ...). */
  const char *element;
  int64_t rank;
  /* Logical shape, outermost dimension first. */
  const int64_t *shape;
  /* Bytes the compiled code reads: the elements, or the blocked storage. */
  int64_t bytes;
} Q4WeightSpec;

/* The weights of one library. The compiler emits it zero-initialized except
   for the constant fields; only the runtime writes `data` and `state`. */
typedef struct Q4WeightTable {
  /* Prefix of error messages, e.g. "libmlp.so". */
  const char *library;
  const Q4WeightSpec *specs;
  int64_t count;
  /* Environment variable that overrides `defaultDir` (e.g.
     "Q4_MLP_WEIGHTS_DIR"). */
  const char *envVar;
  /* The weights directory recorded at compile time. */
  const char *defaultDir;
  /* `count` pointers, set by a successful load. */
  const void **data;
  /* The runtime's state (open files); null until the first load. */
  void *state;
  /* Non-zero once `data` is valid (read with acquire ordering). */
  int64_t loaded;
} Q4WeightTable;

/* Loads the weights unless they are loaded already, from the directory of
   the last q4_weights_load call, else the environment variable, else the
   default. Thread-safe. Returns NULL, or a message (valid until
   q4_weights_release) saying which file and tensor failed and why. */
const char *q4_weights_ensure(Q4WeightTable *table);

/* (Re)loads every weight, resolving relative paths against `dir` (NULL: the
   environment variable, else the default). On failure the weights loaded
   before, if any, stay in use. Must not run while entry points of the
   library run on other threads. Returns NULL or a message as above. */
const char *q4_weights_load(Q4WeightTable *table, const char *dir);

/* Unmaps the files (at library unload). */
void q4_weights_release(Q4WeightTable *table);

#ifdef __cplusplus
}
#endif

#endif /* QUANT4_RUNTIME_WEIGHTTABLE_H */
