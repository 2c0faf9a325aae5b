/* Calls the q4_gemv / q4_dequant entry points of a GPU host library (its
   header comes in with -include) on the fake libcuda.so.1, whose "device"
   memory is host memory: the launches it records are checked by the test.
     host_library_main threads   4 threads at once, then more calls
     host_library_main once      one call; prints its code and message
     host_library_main scratch   q4_gemm (M = 32, scratch) on two streams,
                                 with the caller's workspace, and errors */
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

/* q4_gemm needs a workspace: one of each stream's own, or the caller's. */
static int scratch(void) {
  float *xs = alignedBuffer(Q4_GEMM_ARG0_ELEMENTS * sizeof(float));
  float *ys = alignedBuffer(Q4_GEMM_RESULT0_ELEMENTS * sizeof(float));
  const int8_t *ws = (const int8_t *)w;
  uint64_t bytes = q4_gemm_workspace_size();
  void *workspace = alignedBuffer(bytes);
  printf("workspace %p %llu bytes (macro %llu), gemv %llu\n", workspace,
         (unsigned long long)bytes, (unsigned long long)Q4_GEMM_WORKSPACE_BYTES,
         (unsigned long long)q4_gemv_workspace_size());
  report("q4_gemm stream A", q4_gemm(xs, ws, ys, stream));
  report("q4_gemm stream B", q4_gemm(xs, ws, ys, (void *)0x5800));
  report("q4_gemm workspace",
         q4_gemm_with_workspace(xs, ws, ys, workspace, bytes, stream));
  report("q4_gemm small workspace",
         q4_gemm_with_workspace(xs, ws, ys, workspace, bytes - 1, stream));
  report("q4_gemv no workspace",
         q4_gemv_with_workspace(x, w, y, NULL, 0, stream));
  report("q4_hl_prepare", q4_hl_prepare((void *)0x5900));
  return 0;
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
  if (argc > 1 && strcmp(argv[1], "scratch") == 0)
    return scratch();
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
