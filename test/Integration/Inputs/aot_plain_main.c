/* Driver for aot-plain.mlir: calls the pointer-only entry points q4-compile
   exports (q4_<name>), with buffers sized by the header's macros.
     aot_plain_main W_BYTES X_F32 GEMV_OUT DEQUANT_OUT BYTES_OUT */
#include "raw_io.h"

int main(int argc, char **argv) {
  if (argc != 6)
    return 2;
  uint8_t *w = readFile(argv[1], Q4_GEMV_ARG1_ELEMENTS);
  float *x = readFile(argv[2], Q4_GEMV_ARG0_ELEMENTS * sizeof(float));

  float y[Q4_GEMV_RESULT0_ELEMENTS];
  for (int i = 0; i < 3; ++i) /* repeated calls must not leak or corrupt */
    q4_gemv(x, w, y);
  writeFile(argv[3], y, sizeof(y));

  float *d = malloc(Q4_TWO_RESULT0_ELEMENTS * sizeof(float));
  uint8_t *b = malloc(Q4_TWO_RESULT1_ELEMENTS);
  q4_two(w, d, b);
  writeFile(argv[4], d, Q4_TWO_RESULT0_ELEMENTS * sizeof(float));
  writeFile(argv[5], b, Q4_TWO_RESULT1_ELEMENTS);
  free(d);
  free(b);
  free(w);
  free(x);
  return 0;
}
