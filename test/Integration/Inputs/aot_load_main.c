/* Driver for aot-weights-load.mlir: calls every entry of the library built
   from it (weights embedded, or read from the model files at load time) and
   writes the results to OUT_PREFIX.{rows,up,norm}.f32 and .norm_bf16.u16.
     aot_load_main OUT_PREFIX [WEIGHTS_DIR]
   With WEIGHTS_DIR, q4_rows_init(WEIGHTS_DIR) runs first (load mode only).
   A failed call prints the library's message and exits 3. */
#include "raw_io.h"

#include <math.h>

static void check(const char *what, int status) {
  if (status != 0) {
    fprintf(stderr, "%s failed (%d): %s\n", what, status, q4_rows_error());
    exit(3);
  }
}

static void save(const char *prefix, const char *suffix, const void *data,
                 long bytes) {
  char path[4096];
  snprintf(path, sizeof(path), "%s.%s", prefix, suffix);
  writeFile(path, data, bytes);
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 3)
    return 2;
#ifdef Q4_ROWS_WEIGHTS_DIR_VARIABLE
  if (argc == 3)
    check("q4_rows_init", q4_rows_init(argv[2]));
#else
  if (argc == 3)
    return 2;
#endif
  float *rows = malloc(Q4_ROWS_RESULT0_ELEMENTS * sizeof(float));
  check("q4_rows", q4_rows(rows));
  save(argv[1], "rows.f32", rows, Q4_ROWS_RESULT0_ELEMENTS * sizeof(float));

  float x[Q4_UP_ARG0_ELEMENTS], up[Q4_UP_RESULT0_ELEMENTS];
  for (int i = 0; i < Q4_UP_ARG0_ELEMENTS; ++i)
    x[i] = (float)sin(0.01 * i);
  for (int i = 0; i < 2; ++i) /* repeated calls reuse the loaded weights */
    check("q4_up", q4_up(x, up));
  save(argv[1], "up.f32", up, sizeof(up));

  float norm[Q4_NORMS_RESULT0_ELEMENTS];
  uint16_t normBf16[Q4_NORMS_RESULT1_ELEMENTS];
  check("q4_norms", q4_norms(norm, normBf16));
  save(argv[1], "norm.f32", norm, sizeof(norm));
  save(argv[1], "norm_bf16.u16", normBf16, sizeof(normBf16));
  free(rows);
  return 0;
}
