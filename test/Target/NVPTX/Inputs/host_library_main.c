/* Calls the q4_gemv / q4_dequant entry points of a GPU host library (its
   header comes in with -include) on the fake libcuda.so.1, whose "device"
   memory is host memory: the launches it records are checked by the test.
     host_library_main threads   4 threads at once, then more calls
     host_library_main once      one call; prints its code and message */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *x, *y, *dequantized;
static uint8_t *w;
static void *const stream = (void *)0x5700;

static void *alignedBuffer(size_t bytes) {
  void *p = aligned_alloc(256, (bytes + 255) / 256 * 256);
  memset(p, 0, bytes);
  return p;
}

static void report(const char *what, int rc) {
  printf("%s -> %d%s%s\n", what, rc, rc ? ": " : "", rc ? q4_hl_error() : "");
}

static void *callGemv(void *unused) {
  (void)unused;
  int rc = q4_gemv(x, w, y, stream);
  if (rc)
    report("thread q4_gemv", rc);
  return NULL;
}

int main(int argc, char **argv) {
  x = alignedBuffer(Q4_GEMV_ARG0_ELEMENTS * sizeof(float));
  w = alignedBuffer(Q4_GEMV_ARG1_ELEMENTS);
  y = alignedBuffer(Q4_GEMV_RESULT0_ELEMENTS * sizeof(float));
  dequantized = alignedBuffer(Q4_DEQUANT_RESULT0_ELEMENTS * sizeof(float));
  printf("x %p w %p y %p d %p\n", (void *)x, (void *)w, (void *)y,
         (void *)dequantized);
  if (argc > 1 && strcmp(argv[1], "once") == 0) {
    report("q4_gemv", q4_gemv(x, w, y, stream));
    return 0;
  }
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&threads[i], NULL, callGemv, NULL);
  for (int i = 0; i < 4; ++i)
    pthread_join(threads[i], NULL);
  printf("threads done\n");
  report("q4_gemv null stream", q4_gemv(x, w, y, NULL));
  report("q4_dequant", q4_dequant((const int8_t *)w, dequantized, stream));
  report("q4_gemv misaligned", q4_gemv(x + 1, w, y, stream));
  report("q4_gemv null", q4_gemv(x, NULL, y, stream));
  return 0;
}
