/* Driver for aot-q4k.mlir: calls the functions q4-compile built through the
   generated header (-include), reading and writing raw little-endian files.
     aot_main ROW_BYTES W_BYTES X_F32 ROW_OUT GEMV_OUT */
#include "raw_io.h"

int main(int argc, char **argv) {
  if (argc != 6)
    return 2;
  uint8_t *r = readFile(argv[1], 2304);
  uint8_t *w = readFile(argv[2], 8 * 2304);
  float *x = readFile(argv[3], 4096 * 4);

  /* Dequantize one row of 16 blocks. */
  row_arg0_t row = {r, r, 0, {2304}, {1}};
  row_result0_t y;
  _mlir_ciface_row(&y, &row);
  writeFile(argv[4], y.aligned + y.offset, 4096 * 4);
  free(y.allocated);

  /* 8 rows of W times x. */
  gemv_arg0_t xs = {x, x, 0, {1, 4096}, {4096, 1}};
  gemv_arg1_t ws = {w, w, 0, {8 * 2304}, {1}};
  gemv_result0_t z;
  _mlir_ciface_gemv(&z, &xs, &ws);
  writeFile(argv[5], z.aligned + z.offset, 8 * 4);
  free(z.allocated);
  free(r);
  free(w);
  free(x);
  return 0;
}
