/* make demo, last step: loads the model library q4-compile built, runs it,
   checks y against the float64 reference and reports time and bandwidth.
     mlp_main X_F32 Y_REF_F64 WEIGHT_BYTES RUNS
   Built with -include of the generated header (q4_mlp and its sizes); the
   library embeds its weights or, built with --weights=load, reads them from
   the GGUF at the first call. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *readFile(const char *path, size_t bytes) {
  FILE *f = fopen(path, "rb");
  void *data = malloc(bytes);
  if (!f || fread(data, 1, bytes, f) != bytes || fgetc(f) != EOF) {
    fprintf(stderr, "mlp_main: cannot read %zu bytes from %s\n", bytes, path);
    exit(1);
  }
  fclose(f);
  return data;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: mlp_main X_F32 Y_REF_F64 WEIGHT_BYTES RUNS\n");
    return 2;
  }
  float *x = readFile(argv[1], Q4_MLP_ARG0_ELEMENTS * sizeof(float));
  double *ref = readFile(argv[2], Q4_MLP_RESULT0_ELEMENTS * sizeof(double));
  double weightBytes = atof(argv[3]);
  int runs = atoi(argv[4]);
  if (runs < 1)
    runs = 1;
  float y[Q4_MLP_RESULT0_ELEMENTS];
  double *times = malloc(runs * sizeof(double));

  double start = now();
  if (q4_mlp(x, y) != 0) { /* warm-up; loads the weights in load mode */
    fprintf(stderr, "mlp_main: %s\n", q4_mlp_error());
    return 1;
  }
  printf("first call: %.3f ms\n", 1e3 * (now() - start));
  for (int r = 0; r < runs; ++r) {
    start = now();
    q4_mlp(x, y);
    times[r] = now() - start;
  }
  qsort(times, runs, sizeof(double), compareDoubles);

  double maxRef = 0, maxErr = 0;
  for (int i = 0; i < Q4_MLP_RESULT0_ELEMENTS; ++i) {
    double err = fabs((double)y[i] - ref[i]);
    if (!(err <= maxErr)) /* NaN propagates into maxErr */
      maxErr = err;
    if (fabs(ref[i]) > maxRef)
      maxRef = fabs(ref[i]);
  }
  double relErr = maxErr / maxRef, tolerance = 1e-4;
  double median = times[runs / 2];
  printf("y[0..3] = %.6f %.6f %.6f %.6f\n", y[0], y[1], y[2], y[3]);
  printf("max |y - y_ref| / max |y_ref| = %.2e (tolerance %.0e): %s\n",
         relErr, tolerance, relErr <= tolerance ? "OK" : "MISMATCH");
  printf("time per call: median %.3f ms, min %.3f ms, max %.3f ms over %d "
         "runs; %.2f GB/s of Q4_K weights\n",
         1e3 * median, 1e3 * times[0], 1e3 * times[runs - 1], runs,
         weightBytes / median / 1e9);
  return relErr <= tolerance ? 0 : 1;
}
