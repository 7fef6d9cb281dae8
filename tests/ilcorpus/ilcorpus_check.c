/*
 * ilcorpus_check: ilheap's IL checks over a dump of real method bodies
 * (ilcorpus.h; scripts/il-framework.sh makes one of the .NET shared framework).
 *
 *   ilcorpus_check DUMP [--max-errors N]
 *
 * Every body goes through ilheap_il_parse (the layout, II.25.4), which must
 * accept it and measure exactly the dumped size (the dump's own check: the
 * tool took MethodBodyBlock.Size bytes). Prints the figures and one line per
 * error (assembly, token, method, IL offset, answer); exits 1 if any body
 * failed, 2 on a bad dump or usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilcorpus.h"
#include "ilheap_il.h"
#include "proc.h"

typedef struct stats {
  uint64_t assemblies, bodies, body_bytes, code_bytes, clauses;
  uint64_t ok, errors;
  uint64_t check_ns;
} stats;

static unsigned long max_errors = 50;

static void report_error(const ilcorpus_assembly *a, const ilcorpus_body *b, const char *what,
                         long il_offset, const char *answer) {
  fprintf(stderr, "ERROR %.*s 0x%08" PRIx32 " %.*s (rva 0x%" PRIx32 ", %" PRIu32 " bytes): %s",
          (int)a->name_length, a->name, b->token, (int)b->name_length, b->name, b->rva, b->size,
          what);
  if (il_offset >= 0) {
    fprintf(stderr, " at IL_%04lx", (unsigned long)il_offset);
  }
  fprintf(stderr, ": %s\n  bytes:", answer);
  for (uint32_t i = 0; i < b->size && i < 64; i++) {
    fprintf(stderr, " %02x", b->bytes[i]);
  }
  fprintf(stderr, "%s\n", b->size > 64 ? " ..." : "");
}

static void check_body(const ilcorpus_assembly *a, const ilcorpus_body *b, stats *st) {
  ilheap_il_view view;
  uint64_t t0 = sup_now_ns();
  int rc = ilheap_il_parse(b->bytes, b->size, &view);
  st->check_ns += sup_now_ns() - t0;
  st->bodies++;
  st->body_bytes += b->size;
  if (rc != ILHEAP_IL_OK) {
    if (st->errors++ < max_errors) {
      report_error(a, b, "layout", -1, ilheap_il_strerror(rc));
    }
    return;
  }
  if (view.size != b->size) {
    if (st->errors++ < max_errors) {
      char why[96];
      snprintf(why, sizeof why, "ilheap_il_parse measured %" PRIu32 " bytes", view.size);
      report_error(a, b, "size", -1, why);
    }
    return;
  }
  st->code_bytes += view.body.code_size;
  st->clauses += view.body.clause_count;
  st->ok++;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--max-errors") == 0 && i + 1 < argc) {
      char *end;
      errno = 0;
      max_errors = strtoul(argv[++i], &end, 10);
      if (errno != 0 || *end != 0) {
        fprintf(stderr, "ilcorpus_check: bad --max-errors %s\n", argv[i]);
        return 2;
      }
    } else if (path == NULL && argv[i][0] != '-') {
      path = argv[i];
    } else {
      path = NULL;
      break;
    }
  }
  if (path == NULL) {
    fprintf(stderr, "usage: ilcorpus_check DUMP [--max-errors N]\n");
    return 2;
  }

  uint64_t start = sup_now_ns();
  ilcorpus_file f;
  if (ilcorpus_open(&f, path) != 0) {
    fprintf(stderr, "ilcorpus_check: %s\n", f.error);
    return 2;
  }
  printf("ilcorpus_check: %s: %zu bytes, assemblies from %.*s\n", path, f.size,
         (int)f.source_length, f.source);
  stats st;
  memset(&st, 0, sizeof st);
  ilcorpus_assembly a;
  int rc;
  while ((rc = ilcorpus_next_assembly(&f, &a)) == 1) {
    st.assemblies++;
    for (uint32_t i = 0; i < a.body_count; i++) {
      check_body(&a, &a.bodies[i], &st);
    }
  }
  if (rc < 0) {
    fprintf(stderr, "ilcorpus_check: %s: %s\n", path, f.error);
    ilcorpus_close(&f);
    return 2;
  }
  ilcorpus_close(&f);
  double total_s = (double)(sup_now_ns() - start) / 1e9;
  double check_s = (double)st.check_ns / 1e9;

  printf("ilcorpus_check: %" PRIu64 " assemblies, %" PRIu64 " bodies (%" PRIu64
         " bytes), %" PRIu64 " bytes of IL code, %" PRIu64 " EH clauses\n",
         st.assemblies, st.bodies, st.body_bytes, st.code_bytes, st.clauses);
  printf("ilcorpus_check: verdicts: ok %" PRIu64 ", error %" PRIu64 "\n", st.ok, st.errors);
  printf("ilcorpus_check: time: %.3f s in the checks (%.1f MB/s of bodies), %.3f s in all\n",
         check_s, check_s > 0 ? (double)st.body_bytes / 1e6 / check_s : 0.0, total_s);
  if (st.errors > max_errors) {
    printf("ilcorpus_check: (%" PRIu64 " errors not shown: --max-errors %lu)\n",
           st.errors - max_errors, max_errors);
  }
  if (st.bodies == 0) {
    fprintf(stderr, "ilcorpus_check: the dump holds no body: nothing was checked\n");
    return 1;
  }
  return st.errors != 0;
}
