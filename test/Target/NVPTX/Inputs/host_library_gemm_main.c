/* Calls the q4_gemm entry point of a GPU host library (its header comes in
   with -include) once on the fake libcuda.so.1, whose "device" memory is
   host memory, and prints its code and message; the test checks the
   launches the fake records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *alignedBuffer(size_t bytes) {
  void *p = aligned_alloc(256, (bytes + 255) / 256 * 256);
  memset(p, 0, bytes);
  return p;
}

int main(void) {
  float *x = alignedBuffer(Q4_GEMM_ARG0_ELEMENTS * sizeof(float));
  int8_t *w = alignedBuffer(Q4_GEMM_ARG1_ELEMENTS);
  float *y = alignedBuffer(Q4_GEMM_RESULT0_ELEMENTS * sizeof(float));
  int rc = q4_gemm(x, w, y, NULL);
  printf("q4_gemm -> %d%s%s\n", rc, rc ? ": " : "", rc ? q4_hs_error() : "");
  return 0;
}
