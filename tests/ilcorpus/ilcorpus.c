/* SPDX-License-Identifier: MIT */
/* The reader of the ilcorpus dump format (ilcorpus.h documents both). */
#include "ilcorpus.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(ilcorpus_file *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->error, sizeof f->error, fmt, ap);
  va_end(ap);
  return -1;
}

/* Every read goes through these three: each checks the bytes that remain
 * (size - *pos, which never wraps: *pos <= size always) before reading. */
static int get_u32(ilcorpus_file *f, size_t *pos, uint32_t *v, const char *what) {
  if (f->size - *pos < 4) {
    return fail(f, "offset %zu: %s cut off by the end of the file", *pos, what);
  }
  const uint8_t *p = f->data + *pos;
  *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  *pos += 4;
  return 0;
}

/* length bytes, then the zero padding to a multiple of 4. */
static int get_bytes(ilcorpus_file *f, size_t *pos, uint32_t length, const uint8_t **out,
                     const char *what) {
  size_t pad = (4u - (length & 3u)) & 3u;
  /* In two steps: length + pad may not be representable in a 32-bit size_t. */
  if (f->size - *pos < length || f->size - *pos - length < pad) {
    return fail(f, "offset %zu: %s of %lu bytes past the end of the file (%zu bytes left)", *pos,
                what, (unsigned long)length, f->size - *pos);
  }
  size_t padded = (size_t)length + pad;
  for (size_t i = length; i < padded; i++) {
    if (f->data[*pos + i] != 0) {
      return fail(f, "offset %zu: nonzero padding after %s", *pos + i, what);
    }
  }
  *out = f->data + *pos;
  *pos += padded;
  return 0;
}

static int get_string(ilcorpus_file *f, size_t *pos, const char **s, uint32_t *length,
                      const char *what) {
  const uint8_t *p = NULL;
  if (get_u32(f, pos, length, what) || get_bytes(f, pos, *length, &p, what)) {
    return -1;
  }
  *s = (const char *)p;
  return 0;
}

static void free_current(ilcorpus_file *f) {
  free(f->current.sigs);
  free(f->current.bodies);
  memset(&f->current, 0, sizeof f->current);
}

int ilcorpus_open_memory(ilcorpus_file *f, const void *data, size_t size) {
  memset(f, 0, sizeof *f);
  if (data == NULL && size > 0) {
    return fail(f, "no data");
  }
  /* Exactly size bytes (so that ASan sees a read past them), 1 for an empty file. */
  f->data = malloc(size > 0 ? size : 1);
  if (f->data == NULL) {
    return fail(f, "out of memory (%zu bytes)", size);
  }
  if (size > 0) {
    memcpy(f->data, data, size);
  }
  f->size = size;
  size_t pos = 0;
  const uint8_t *magic = NULL;
  if (get_bytes(f, &pos, 8, &magic, "the magic") || memcmp(magic, ILCORPUS_MAGIC, 8) != 0) {
    ilcorpus_close(f);
    return fail(f, "not an ilcorpus dump (no \"" ILCORPUS_MAGIC "\" at offset 0)");
  }
  if (get_u32(f, &pos, &f->version, "the version") ||
      get_u32(f, &pos, &f->assembly_count, "the assembly count") ||
      get_string(f, &pos, &f->source, &f->source_length, "the source")) {
    char why[sizeof f->error];
    memcpy(why, f->error, sizeof why);
    ilcorpus_close(f);
    return fail(f, "%s", why);
  }
  if (f->version != ILCORPUS_VERSION) {
    uint32_t v = f->version;
    ilcorpus_close(f);
    return fail(f, "format version %lu, this reader reads %u", (unsigned long)v, ILCORPUS_VERSION);
  }
  f->pos = pos;
  return 0;
}

int ilcorpus_open(ilcorpus_file *f, const char *path) {
  memset(f, 0, sizeof *f);
  FILE *in = fopen(path, "rb");
  if (in == NULL) {
    return fail(f, "%s: cannot open", path);
  }
  uint8_t *buf = NULL;
  size_t size = 0, cap = 0;
  for (;;) {
    if (cap - size < 65536) {
      size_t ncap = cap ? cap * 2 : (size_t)1 << 20;
      uint8_t *nbuf = realloc(buf, ncap);
      if (nbuf == NULL) {
        free(buf);
        fclose(in);
        return fail(f, "%s: out of memory", path);
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t n = fread(buf + size, 1, cap - size, in);
    size += n;
    if (n == 0) {
      break;
    }
  }
  int bad = ferror(in);
  fclose(in);
  if (bad) {
    free(buf);
    return fail(f, "%s: read error", path);
  }
  int rc = ilcorpus_open_memory(f, buf, size);
  free(buf);
  if (rc != 0) {
    char why[sizeof f->error];
    memcpy(why, f->error, sizeof why);
    return fail(f, "%s: %s", path, why);
  }
  return 0;
}

int ilcorpus_next_assembly(ilcorpus_file *f, ilcorpus_assembly *out) {
  free_current(f);
  if (f->data == NULL) {
    return fail(f, "the dump is not open");
  }
  if (f->assemblies_read == f->assembly_count) {
    if (f->pos != f->size) {
      return fail(f, "offset %zu: %zu bytes after the last of %lu assemblies", f->pos,
                  f->size - f->pos, (unsigned long)f->assembly_count);
    }
    return 0;
  }
  size_t pos = f->pos;
  ilcorpus_assembly *a = &f->current;
  if (get_string(f, &pos, &a->name, &a->name_length, "an assembly name") ||
      get_u32(f, &pos, &a->sig_count, "a signature count") ||
      get_u32(f, &pos, &a->body_count, "a body count")) {
    return -1;
  }
  /* A signature takes at least 8 bytes and a body 20: a count the rest of the
   * file cannot hold is refused before anything is allocated for it. */
  if (a->sig_count > (f->size - pos) / 8) {
    return fail(f, "offset %zu: %lu signatures cannot fit in the %zu bytes left", pos,
                (unsigned long)a->sig_count, f->size - pos);
  }
  a->sigs = calloc((size_t)a->sig_count + 1, sizeof *a->sigs);
  if (a->sigs == NULL) {
    return fail(f, "out of memory");
  }
  for (uint32_t i = 0; i < a->sig_count; i++) {
    ilcorpus_sig *s = &a->sigs[i];
    if (get_u32(f, &pos, &s->token, "a signature token") ||
        get_u32(f, &pos, &s->length, "a signature length") ||
        get_bytes(f, &pos, s->length, &s->blob, "a signature")) {
      return -1;
    }
    if (i > 0 && s->token <= a->sigs[i - 1].token) {
      return fail(f, "offset %zu: signature token 0x%08lx not above the previous one", pos,
                  (unsigned long)s->token);
    }
  }
  if (a->body_count > (f->size - pos) / 20) {
    return fail(f, "offset %zu: %lu bodies cannot fit in the %zu bytes left", pos,
                (unsigned long)a->body_count, f->size - pos);
  }
  a->bodies = calloc((size_t)a->body_count + 1, sizeof *a->bodies);
  if (a->bodies == NULL) {
    return fail(f, "out of memory");
  }
  for (uint32_t i = 0; i < a->body_count; i++) {
    ilcorpus_body *b = &a->bodies[i];
    if (get_u32(f, &pos, &b->token, "a body token") || get_u32(f, &pos, &b->rva, "a body RVA") ||
        get_u32(f, &pos, &b->size, "a body size") ||
        get_u32(f, &pos, &b->instructions, "an instruction count") ||
        get_string(f, &pos, &b->name, &b->name_length, "a method name") ||
        get_bytes(f, &pos, b->size, &b->bytes, "a body")) {
      return -1;
    }
    if (b->token >> 24 != 0x06) {
      return fail(f, "offset %zu: body token 0x%08lx is not a MethodDef", pos,
                  (unsigned long)b->token);
    }
    if (i > 0 && b->token <= a->bodies[i - 1].token) {
      return fail(f, "offset %zu: body token 0x%08lx not above the previous one", pos,
                  (unsigned long)b->token);
    }
  }
  f->pos = pos;
  f->assemblies_read++;
  *out = *a;
  return 1;
}

const ilcorpus_sig *ilcorpus_find_sig(const ilcorpus_assembly *a, uint32_t token) {
  uint32_t lo = 0, hi = a->sig_count;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (a->sigs[mid].token < token) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < a->sig_count && a->sigs[lo].token == token ? &a->sigs[lo] : NULL;
}

void ilcorpus_close(ilcorpus_file *f) {
  free_current(f);
  free(f->data);
  f->data = NULL;
  f->size = 0;
}
