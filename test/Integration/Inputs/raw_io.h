/* Raw-file helpers shared by the C drivers of the AOT tests. */
#ifndef QUANT4_TEST_RAW_IO_H
#define QUANT4_TEST_RAW_IO_H

#include <stdio.h>
#include <stdlib.h>

/* Reads exactly `expected` bytes (the whole file) or exits. */
static inline void *readFile(const char *path, long expected) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  void *data = malloc(expected);
  if (fread(data, 1, expected, f) != (size_t)expected || fgetc(f) != EOF) {
    fprintf(stderr, "%s: expected %ld bytes\n", path, expected);
    exit(1);
  }
  fclose(f);
  return data;
}

static inline void writeFile(const char *path, const void *data, long bytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != (size_t)bytes) {
    perror(path);
    exit(1);
  }
  fclose(f);
}

#endif /* QUANT4_TEST_RAW_IO_H */
