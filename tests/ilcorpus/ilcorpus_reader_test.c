/* SPDX-License-Identifier: MIT */
/*
 * The ilcorpus reader on dumps built here, byte by byte from the format of
 * ilcorpus.h: a valid one reads back field for field; every truncation and
 * every bad count, token order, padding or version is an error with a
 * message, never a read outside the buffer (run under ASan/Valgrind by the
 * sanitizer lanes).
 */
#include "ilcorpus.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define EXPECT(cond)                                                                               \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);                         \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

typedef struct buf {
  uint8_t b[1024];
  size_t n;
} buf;

static void u32(buf *o, uint32_t v) {
  for (int i = 0; i < 4; i++) {
    o->b[o->n++] = (uint8_t)(v >> (8 * i));
  }
}

static void bytes(buf *o, const void *p, uint32_t n) {
  memcpy(o->b + o->n, p, n);
  o->n += n;
  while (o->n % 4 != 0) {
    o->b[o->n++] = 0;
  }
}

static void str(buf *o, const char *s) {
  u32(o, (uint32_t)strlen(s));
  bytes(o, s, (uint32_t)strlen(s));
}

/* A tiny body (ldarg.0; ret) and a fat one with a small EH section. */
static const uint8_t tiny[] = {(2 << 2) | 2, 0x02, 0x2A};
static const uint8_t fat[] = {0x1B, 0x30, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x01, 0x10, 0x00, 0x00,
                              0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00,
                              0x00, 0x00};
static const uint8_t sig_a[] = {0x20, 0x00, 0x01};       /* instance void () */
static const uint8_t sig_b[] = {0x00, 0x01, 0x08, 0x08}; /* int32 (int32) */

/* The valid dump; `variant` breaks one thing on purpose (0: nothing). */
static void build(buf *o, int variant) {
  o->n = 0;
  bytes(o, variant == 1 ? "ILCORPUZ" : "ILCORPUS", 8);
  u32(o, variant == 2 ? 2 : ILCORPUS_VERSION);
  u32(o, 2); /* assemblies */
  str(o, "/test");
  /* Assembly 1: two signatures, two bodies. */
  str(o, "A.dll");
  u32(o, variant == 3 ? 0x10000000u : 2);
  u32(o, 2);
  u32(o, 0x06000001);
  u32(o, sizeof sig_a);
  bytes(o, sig_a, sizeof sig_a);
  u32(o, variant == 4 ? 0x06000001u : 0x0A000003u); /* 4: not ascending */
  u32(o, sizeof sig_b);
  bytes(o, sig_b, sizeof sig_b);
  u32(o, 0x06000001);
  u32(o, 0x2050);
  u32(o, sizeof tiny);
  u32(o, 2); /* instructions */
  str(o, "N.T::M");
  bytes(o, tiny, sizeof tiny);
  u32(o, variant == 5 ? 0x0A000002u : 0x06000002u); /* 5: not a MethodDef */
  u32(o, 0x2054);
  u32(o, variant == 6 ? 0xFFFFFFFFu : sizeof fat); /* 6: past the end */
  u32(o, 2);
  str(o, "N.T/U::F");
  bytes(o, fat, sizeof fat);
  /* Assembly 2: empty. */
  str(o, "B.dll");
  u32(o, 0);
  u32(o, 0);
  if (variant == 7) {
    u32(o, 0); /* trailing bytes */
  }
  if (variant == 8) {
    o->b[8 + 4 + 4 + 4 + 5] = 1; /* a nonzero pad byte after "/test" */
  }
}

/* Reads the whole dump: 1 if every part read, 0 if an error was reported
 * (with a message), and counts what it read. */
static int read_all(const buf *o, uint32_t *nbodies) {
  ilcorpus_file f;
  *nbodies = 0;
  if (ilcorpus_open_memory(&f, o->b, o->n) != 0) {
    EXPECT(f.error[0] != 0);
    ilcorpus_close(&f);
    return 0;
  }
  ilcorpus_assembly a;
  int rc;
  while ((rc = ilcorpus_next_assembly(&f, &a)) == 1) {
    for (uint32_t i = 0; i < a.body_count; i++) {
      /* Touch every byte, so that a bad pointer would be an ASan report. */
      unsigned sum = 0;
      for (uint32_t j = 0; j < a.bodies[i].size; j++) {
        sum += a.bodies[i].bytes[j];
      }
      for (uint32_t j = 0; j < a.bodies[i].name_length; j++) {
        sum += (unsigned char)a.bodies[i].name[j];
      }
      (void)sum;
      ++*nbodies;
    }
  }
  if (rc < 0) {
    EXPECT(f.error[0] != 0);
  }
  ilcorpus_close(&f);
  return rc == 0;
}

int main(void) {
  buf o;
  build(&o, 0);

  /* The valid dump, field for field. */
  ilcorpus_file f;
  EXPECT(ilcorpus_open_memory(&f, o.b, o.n) == 0);
  EXPECT(f.version == ILCORPUS_VERSION && f.assembly_count == 2);
  EXPECT(f.source_length == 5 && memcmp(f.source, "/test", 5) == 0);
  ilcorpus_assembly a;
  EXPECT(ilcorpus_next_assembly(&f, &a) == 1);
  EXPECT(a.name_length == 5 && memcmp(a.name, "A.dll", 5) == 0);
  EXPECT(a.sig_count == 2 && a.body_count == 2);
  const ilcorpus_sig *s = ilcorpus_find_sig(&a, 0x0A000003);
  EXPECT(s != NULL && s->length == sizeof sig_b && memcmp(s->blob, sig_b, sizeof sig_b) == 0);
  s = ilcorpus_find_sig(&a, 0x06000001);
  EXPECT(s != NULL && s->length == sizeof sig_a && memcmp(s->blob, sig_a, sizeof sig_a) == 0);
  EXPECT(ilcorpus_find_sig(&a, 0x06000000) == NULL);
  EXPECT(ilcorpus_find_sig(&a, 0x06000002) == NULL);
  EXPECT(ilcorpus_find_sig(&a, 0x0A000004) == NULL);
  EXPECT(ilcorpus_find_sig(&a, 0xFFFFFFFF) == NULL);
  EXPECT(a.bodies[0].token == 0x06000001 && a.bodies[0].rva == 0x2050);
  EXPECT(a.bodies[0].size == sizeof tiny && memcmp(a.bodies[0].bytes, tiny, sizeof tiny) == 0);
  EXPECT(a.bodies[0].instructions == 2 && a.bodies[1].instructions == 2);
  EXPECT(a.bodies[0].name_length == 6 && memcmp(a.bodies[0].name, "N.T::M", 6) == 0);
  EXPECT(a.bodies[1].token == 0x06000002 && a.bodies[1].size == sizeof fat);
  EXPECT(memcmp(a.bodies[1].bytes, fat, sizeof fat) == 0);
  EXPECT(((uintptr_t)a.bodies[1].bytes & 3u) == 0); /* a fat header keeps its alignment */
  EXPECT(ilcorpus_next_assembly(&f, &a) == 1);
  EXPECT(a.name_length == 5 && memcmp(a.name, "B.dll", 5) == 0);
  EXPECT(a.sig_count == 0 && a.body_count == 0 && ilcorpus_find_sig(&a, 0x06000001) == NULL);
  EXPECT(ilcorpus_next_assembly(&f, &a) == 0);
  ilcorpus_close(&f);
  ilcorpus_close(&f); /* twice is harmless */

  uint32_t n;
  EXPECT(read_all(&o, &n) == 1 && n == 2);

  /* Every truncation is an error, not a shorter dump. */
  for (size_t len = 0; len < o.n; len++) {
    buf t = o;
    t.n = len;
    EXPECT(read_all(&t, &n) == 0);
  }
  /* Each broken variant is an error. */
  for (int v = 1; v <= 8; v++) {
    buf t;
    build(&t, v);
    if (read_all(&t, &n) != 0) {
      fprintf(stderr, "variant %d read as valid\n", v);
      failures++;
    }
  }
  /* Any single byte changed: an answer either way, never a crash. */
  for (size_t i = 0; i < o.n; i++) {
    for (int bit = 0; bit < 8; bit++) {
      buf t = o;
      t.b[i] ^= (uint8_t)(1u << bit);
      (void)read_all(&t, &n);
    }
  }
  /* A missing file. */
  EXPECT(ilcorpus_open(&f, "/nonexistent/ilcorpus.dump") == -1 && f.error[0] != 0);
  ilcorpus_close(&f);

  if (failures) {
    fprintf(stderr, "ilcorpus_reader_test: %d failures\n", failures);
    return 1;
  }
  printf("ilcorpus_reader_test: ok\n");
  return 0;
}
