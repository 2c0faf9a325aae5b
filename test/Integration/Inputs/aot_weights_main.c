/* Driver for aot-weights.mlir: q4_rows takes no arguments (its weights are
   embedded in the library); writes its result.
     aot_weights_main OUT_F32 */
#include "raw_io.h"

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  float *rows = malloc(Q4_ROWS_RESULT0_ELEMENTS * sizeof(float));
  q4_rows(rows);
  writeFile(argv[1], rows, Q4_ROWS_RESULT0_ELEMENTS * sizeof(float));
  free(rows);
  return 0;
}
