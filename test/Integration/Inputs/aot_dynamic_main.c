/* Driver for aot-dynamic.mlir: one library, q4_gemm called with two row
   counts M (the dynamic outer dimension of x and y, passed after each
   pointer), then with bad sizes.
     aot_dynamic_main W_BYTES X1_F32 X7_F32 Y1_OUT Y7_OUT
     aot_dynamic_main --negative | --mismatch
   The second form prints the library's message and exits 3. */
#include "raw_io.h"

static int check(int status) {
  if (status != 0) {
    fprintf(stderr, "q4_gemm failed (%d): %s\n", status, q4_gemm_error());
    exit(3);
  }
  return status;
}

int main(int argc, char **argv) {
  if (argc == 2) {
    float x[2 * 4096] = {0}, y[3 * 64];
    uint8_t *w = calloc(Q4_GEMM_ARG1_ELEMENTS, 1);
    if (argv[1][2] == 'n') /* --negative */
      check(q4_gemm(x, -1, w, y, -1));
    else /* --mismatch: y is allocated for 3 rows, x has 2 */
      check(q4_gemm(x, 2, w, y, 3));
    return 0;
  }
  if (argc != 6)
    return 2;
  uint8_t *w = readFile(argv[1], Q4_GEMM_ARG1_ELEMENTS);
  float *x1 = readFile(argv[2], Q4_GEMM_ARG0_ELEMENTS(1) * sizeof(float));
  float *x7 = readFile(argv[3], Q4_GEMM_ARG0_ELEMENTS(7) * sizeof(float));
  float y1[Q4_GEMM_RESULT0_ELEMENTS(1)], y7[Q4_GEMM_RESULT0_ELEMENTS(7)];
  check(q4_gemm(x7, 7, w, y7, 7));
  check(q4_gemm(x1, 1, w, y1, 1));
  writeFile(argv[4], y1, sizeof(y1));
  writeFile(argv[5], y7, sizeof(y7));
  free(w);
  free(x1);
  free(x7);
  return 0;
}
