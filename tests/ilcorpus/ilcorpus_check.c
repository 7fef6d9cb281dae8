/* SPDX-License-Identifier: MIT */
/*
 * ilcorpus_check: ilheap's IL checker (ilheap_il_verify.h) over a dump of real
 * method bodies (ilcorpus.h; scripts/il-framework.sh makes one of the .NET
 * shared framework), with the signatures the dump took from the assemblies'
 * own metadata.
 *
 *   ilcorpus_check DUMP [--control none|no-sigs|maxstack|branch|clause-order]
 *                       [--repeat N] [--max-errors N] [--save-errors DIR] [--opcodes]
 *
 * Per body: the method's own signature is the table entry of its MethodDef
 * token, its locals' that of the header's LocalVarSigTok, and the resolver
 * answers call, callvirt, newobj, jmp, ldftn, ldvirtftn and calli tokens from
 * the same table. Each body is first copied into a block of exactly its size,
 * so that a read past it is a sanitizer report; ilheap_il_parse must measure
 * exactly the dumped size (the dump's own check: the tool took
 * MethodBodyBlock.Size bytes). Then one loop, timed as a whole, checks every
 * body (--repeat N: N times, the median, min and max printed; the verdicts
 * must be the same each time).
 *
 * Every body checked to its end (ok or partial) must have as many
 * instructions as the dump tool counted with the runtime's opcode table.
 *
 * Prints the figures (assemblies, bodies, instructions, bytes, verdicts and
 * the reasons for the partial ones, time and MB/s of IL code) and one line per
 * error: assembly, token, method, IL offset, check, answer, the first bytes.
 * --save-errors writes each failing body to DIR/<assembly>-<token>.il.
 * --opcodes prints how often each opcode of ilheap's table and each clause
 * kind occurs in the bodies (what the run covers), and the opcodes it never saw.
 * Exit status: 0 pass, 1 fail, 2 a bad dump or usage.
 *
 * The negative controls prove the run can fail, on the same bodies (a body a
 * control does not change must still pass; a control passes when it got
 * some of the refusals it expects and no other answer):
 *   maxstack      every fat body with MaxStack > 0 is checked with MaxStack -
 *                 1: each answer must be V15 ESTACK_OVERFLOW (the compiler
 *                 declared exactly the depth the checker computes: Roslyn
 *                 does) or ok (it declared more). The share of V15 is the figure.
 *   branch        each body's first branch (br, conditional, leave) whose
 *                 target is an instruction of 2 bytes or more jumps 1 byte
 *                 further, inside it: V5 ETARGET at that branch's offset.
 *   clause-order  each body with a clause nested in a later-listed one gets
 *                 the two swapped (outer before inner, the bug FACTS section
 *                 14 cites): V9 ECLAUSE_ORDER.
 *   no-sigs       no resolver, no own or local signature: no body may get an
 *                 error (a missing signature makes a verdict PARTIAL, never an
 *                 error) and some must be partial.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ilcorpus.h"
#include "ilheap_il.h"
#include "ilheap_il_verify.h"
#include "proc.h"

enum control { CONTROL_NONE, CONTROL_MAXSTACK, CONTROL_NO_SIGS, CONTROL_BRANCH, CONTROL_CLAUSES };
static const char *const control_names[] = {"none", "maxstack", "no-sigs", "branch",
                                            "clause-order"};
#define ANY_OFFSET UINT32_MAX

/* One assembly's table, kept for the resolver (the reader's arrays last only
 * until the next assembly). */
typedef struct table {
  ilcorpus_assembly assembly; /* its sigs array is a copy owned here */
  /* Per token table (slot_of), where its entries start in the sorted sigs
   * and how many there are: rows are dense in metadata, so row r is usually
   * entry first + r - 1 (O(1)); anything else falls back to a binary search. */
  uint32_t first[4], count[4];
  uint64_t resolved, unresolved;
} table;

static int slot_of(uint32_t token) {
  switch (token >> 24) {
  case 0x06: /* MethodDef */
    return 0;
  case 0x0A: /* MemberRef */
    return 1;
  case 0x11: /* StandAloneSig */
    return 2;
  case 0x2B: /* MethodSpec */
    return 3;
  default:
    return -1;
  }
}

/* One body, ready to check. */
typedef struct job {
  table *table;
  ilcorpus_body body;           /* name and bytes point into the dump */
  uint8_t *copy;                /* body.size bytes of its own (the control's change) */
  ilheap_il_verify_options o;   /* ctx and scratch are set in the timed loop */
  uint32_t code_size, clauses;
  uint32_t max_stack;           /* the declared one */
  int controlled;               /* the control changed this body, */
  int expect_answer;            /* and expects this answer */
  uint32_t expect_offset;       /* at this offset (or ANY_OFFSET) */
  ilheap_il_verdict v;
  int answer;
} job;

static int resolve(void *ctx, uint32_t token, const uint8_t **blob, size_t *len) {
  table *t = ctx;
  const ilcorpus_sig *s = NULL;
  int slot = slot_of(token);
  uint32_t row = token & 0xFFFFFFu;
  if (slot >= 0 && row >= 1 && row <= t->count[slot] &&
      t->assembly.sigs[t->first[slot] + row - 1].token == token) {
    s = &t->assembly.sigs[t->first[slot] + row - 1];
  } else {
    s = ilcorpus_find_sig(&t->assembly, token);
  }
  if (s == NULL) {
    t->unresolved++;
    return 1;
  }
  t->resolved++;
  *blob = s->blob;
  *len = s->length;
  return 0;
}

static unsigned long max_errors = 50;
static const char *save_dir;
static unsigned long shown;

static void print_body(const job *j, const char *what) {
  fprintf(stderr, "%s %.*s 0x%08" PRIx32 " %.*s (rva 0x%" PRIx32 ", %" PRIu32 " bytes)", what,
          (int)j->table->assembly.name_length, j->table->assembly.name, j->body.token,
          (int)j->body.name_length, j->body.name, j->body.rva, j->body.size);
}

static void report_error(const job *j, const char *answer) {
  if (shown++ >= max_errors) {
    return;
  }
  print_body(j, "ERROR");
  if (j->v.check > 0) {
    fprintf(stderr, ": IL_%04" PRIx32 " V%u (%s)", j->v.offset, j->v.check,
            ilheap_il_check_section(j->v.check));
    if (j->v.clause != ILHEAP_IL_NO_CLAUSE) {
      fprintf(stderr, " clause %" PRIu32, j->v.clause);
    }
  }
  fprintf(stderr, ": %s\n  bytes:", answer);
  for (uint32_t i = 0; i < j->body.size && i < 96; i++) {
    fprintf(stderr, " %02x", j->body.bytes[i]);
  }
  fprintf(stderr, "%s\n", j->body.size > 96 ? " ..." : "");
  if (save_dir != NULL) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s-%08" PRIx32 ".il", save_dir,
             (int)j->table->assembly.name_length, j->table->assembly.name, j->body.token);
    FILE *out = fopen(path, "wb");
    int ok = out != NULL && fwrite(j->body.bytes, 1, j->body.size, out) == j->body.size;
    if (out != NULL && fclose(out) != 0) {
      ok = 0;
    }
    fprintf(stderr, ok ? "  saved: %s\n" : "  cannot write %s\n", path);
  }
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* What each control changes. */
static const char *const control_what[] = {
    "", "each fat body with MaxStack > 0 gets MaxStack - 1: V15 expected", "",
    "each body's first branch with a target of 2 bytes or more gets target + 1: V5 at the branch",
    "each body with a clause nested in a later one gets the pair swapped: V9 expected"};

/* Changes j->copy as `control` says, and what it expects; 1 if it did. */
static int apply_control(enum control control, job *j, const ilheap_il_view *view) {
  uint8_t *code = j->copy + (view->body.code - j->copy);
  uint32_t n = view->body.clause_count;
  switch (control) {
  case CONTROL_MAXSTACK:
    if (!(view->body.flags & ILHEAP_IL_FAT) || view->body.max_stack == 0) {
      return 0;
    }
    /* II.25.4.3: MaxStack, u16 at byte 2 of a fat header. */
    j->copy[2] = (uint8_t)(view->body.max_stack - 1);
    j->copy[3] = (uint8_t)((view->body.max_stack - 1) >> 8);
    j->expect_answer = ILHEAP_IL_ESTACK_OVERFLOW;
    j->expect_offset = ANY_OFFSET;
    break;
  case CONTROL_BRANCH: {
    /* The first branch (br, conditional, leave; not switch) whose target is
     * an instruction of 2 bytes or more: target + 1 is then inside it. The
     * walk is ilheap's (ilheap_il_next); the body is valid, so it decodes. */
    ilheap_il_insn in, at;
    for (size_t off = 0; off < view->body.code_size; off += in.size) {
      if (ilheap_il_next(code, view->body.code_size, off, &in) != ILHEAP_IL_OK) {
        return 0;
      }
      int br8 = in.op->operand == ILHEAP_IL_OPERAND_BR8;
      if (!br8 && in.op->operand != ILHEAP_IL_OPERAND_BR32) {
        continue;
      }
      int64_t delta = in.target - (int64_t)(off + in.size);
      if (in.target < 0 || in.target >= (int64_t)view->body.code_size ||
          ilheap_il_next(code, view->body.code_size, (size_t)in.target, &at) != ILHEAP_IL_OK ||
          at.size < 2 || (br8 && delta >= 127) || (!br8 && delta >= INT32_MAX)) {
        continue;
      }
      /* The delta follows the opcode (1 or 2 bytes), little-endian. */
      uint8_t *p = code + off + (in.op->code > 0xFF ? 2 : 1);
      uint32_t d = (uint32_t)(delta + 1);
      p[0] = (uint8_t)d;
      if (!br8) {
        p[1] = (uint8_t)(d >> 8);
        p[2] = (uint8_t)(d >> 16);
        p[3] = (uint8_t)(d >> 24);
      }
      j->expect_answer = ILHEAP_IL_ETARGET;
      j->expect_offset = (uint32_t)off;
      break;
    }
    if (j->expect_answer == 0) {
      return 0;
    }
    break;
  }
  case CONTROL_CLAUSES: {
    /* The first pair i < k where clause i's try lies inside a block (try,
     * handler, filter) of clause k and is not that block: k encloses i, and
     * listing k first breaks I.12.4.2.5. */
    for (uint32_t i = 0; i < n; i++) {
      ilheap_il_clause ci, ck;
      if (ilheap_il_clause_at(view, i, &ci) != ILHEAP_IL_OK) {
        return 0;
      }
      uint64_t s0 = ci.try_offset, e0 = s0 + ci.try_length;
      for (uint32_t k = i + 1; k < n; k++) {
        if (ilheap_il_clause_at(view, k, &ck) != ILHEAP_IL_OK) {
          return 0;
        }
        uint64_t blocks[3][2] = {{ck.try_offset, (uint64_t)ck.try_offset + ck.try_length},
                                 {ck.handler_offset, (uint64_t)ck.handler_offset + ck.handler_length},
                                 {ck.kind == ILHEAP_IL_FILTER ? ck.filter_offset : 0,
                                  ck.kind == ILHEAP_IL_FILTER ? ck.handler_offset : 0}};
        for (int b = 0; b < 3; b++) {
          if (blocks[b][0] <= s0 && e0 <= blocks[b][1] &&
              (blocks[b][0] != s0 || blocks[b][1] != e0)) {
            /* Swap the two clauses' entries (II.25.4.5-6: 12 bytes in a small
             * section, 24 in a fat one, after the 4-byte section header). */
            size_t size = (view->body.flags & ILHEAP_IL_FAT_SECTION) ? 24 : 12;
            uint8_t *first = j->copy + (view->section - j->copy) + 4;
            uint8_t tmp[24];
            memcpy(tmp, first + i * size, size);
            memcpy(first + i * size, first + k * size, size);
            memcpy(first + k * size, tmp, size);
            j->expect_answer = ILHEAP_IL_ECLAUSE_ORDER;
            j->expect_offset = ANY_OFFSET;
            j->controlled = 1;
            return 1;
          }
        }
      }
    }
    return 0;
  }
  default:
    return 0;
  }
  j->controlled = 1;
  return 1;
}

/* --opcodes: what the bodies hold, by ilheap's own walk and table. */
static uint64_t seen[512];      /* by code: [0, 256) one byte, [256, 512) after 0xFE */
static uint64_t clause_kinds[5]; /* by ILHEAP_IL_CATCH... (0, 1, 2, 4) */

static void count_opcodes(const job *j, const ilheap_il_view *view) {
  ilheap_il_insn in;
  for (size_t off = 0; off < view->body.code_size; off += in.size) {
    if (ilheap_il_next(view->body.code, view->body.code_size, off, &in) != ILHEAP_IL_OK) {
      return;
    }
    seen[in.op->code > 0xFF ? 256 + (in.op->code & 0xFF) : in.op->code]++;
  }
  for (uint32_t i = 0; i < view->body.clause_count; i++) {
    ilheap_il_clause c;
    if (ilheap_il_clause_at(view, i, &c) == ILHEAP_IL_OK && c.kind <= 4) {
      clause_kinds[c.kind]++;
    }
  }
  (void)j;
}

static void print_opcodes(void) {
  unsigned total = 0, present = 0;
  printf("ilcorpus_check: opcodes:");
#define PRINT_SEEN(id, name, code, operand, flow, pops, pushes, prefixes)                          \
  total++;                                                                                         \
  if (seen[(code) > 0xFF ? 256 + ((code)&0xFF) : (code)] != 0) {                                   \
    present++;                                                                                     \
    printf(" %s %" PRIu64, name, seen[(code) > 0xFF ? 256 + ((code)&0xFF) : (code)]);              \
  }
  ILHEAP_IL_OPCODE_LIST(PRINT_SEEN)
#undef PRINT_SEEN
  printf("\nilcorpus_check: %u of the table's %u opcodes seen; never:", present, total);
#define PRINT_UNSEEN(id, name, code, operand, flow, pops, pushes, prefixes)                        \
  if (seen[(code) > 0xFF ? 256 + ((code)&0xFF) : (code)] == 0) {                                   \
    printf(" %s", name);                                                                           \
  }
  ILHEAP_IL_OPCODE_LIST(PRINT_UNSEEN)
#undef PRINT_UNSEEN
  printf("\nilcorpus_check: clauses: catch %" PRIu64 ", filter %" PRIu64 ", finally %" PRIu64
         ", fault %" PRIu64 "\n",
         clause_kinds[ILHEAP_IL_CATCH], clause_kinds[ILHEAP_IL_FILTER],
         clause_kinds[ILHEAP_IL_FINALLY], clause_kinds[ILHEAP_IL_FAULT]);
}

static int usage(void) {
  fprintf(stderr, "usage: ilcorpus_check DUMP [--control none|no-sigs|maxstack|branch|clause-order]\n"
                  "                      [--repeat N]\n"
                  "                      [--max-errors N] [--save-errors DIR] [--opcodes]\n");
  return 2;
}

static int number(const char *s, unsigned long *out) {
  char *end;
  errno = 0;
  *out = strtoul(s, &end, 10);
  return errno == 0 && *end == 0 && end != s ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  enum control control = CONTROL_NONE;
  unsigned long repeat = 1;
  int opcodes = 0;
  for (int i = 1; i < argc && argv[i] != NULL; i++) {
    const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "--max-errors") == 0 && val != NULL && number(val, &max_errors) == 0) {
      i++;
    } else if (strcmp(arg, "--repeat") == 0 && val != NULL && number(val, &repeat) == 0 &&
               repeat > 0 && repeat <= 1000) {
      i++;
    } else if (strcmp(arg, "--opcodes") == 0) {
      opcodes = 1;
    } else if (strcmp(arg, "--save-errors") == 0 && val != NULL) {
      save_dir = val;
      i++;
    } else if (strcmp(arg, "--control") == 0 && val != NULL) {
      int found = 0;
      for (int c = 0; c < (int)(sizeof control_names / sizeof *control_names); c++) {
        if (strcmp(val, control_names[c]) == 0) {
          control = (enum control)c;
          found = 1;
        }
      }
      if (!found) {
        return usage();
      }
      i++;
    } else if (path == NULL && arg[0] != '-') {
      path = arg;
    } else {
      return usage();
    }
  }
  if (path == NULL) {
    return usage();
  }

  /* ---- Read the dump and prepare every body (not timed) ---- */
  ilcorpus_file f;
  if (ilcorpus_open(&f, path) != 0) {
    fprintf(stderr, "ilcorpus_check: %s\n", f.error);
    return 2;
  }
  /* The source can be a long list of directories: its start is enough. */
  printf("ilcorpus_check: %s: %zu bytes, assemblies from %.*s%s; control: %s\n", path, f.size,
         (int)(f.source_length < 120 ? f.source_length : 120), f.source,
         f.source_length < 120 ? "" : "...", control_names[control]);
  table *tables = calloc((size_t)f.assembly_count + 1, sizeof *tables);
  size_t njobs = 0, jobs_cap = 0;
  job *jobs = NULL;
  size_t scratch_size = 0;
  uint64_t body_bytes = 0, code_bytes = 0, clauses = 0, size_mismatches = 0, controlled = 0;
  uint32_t nassemblies = 0;
  int rc, bad = tables == NULL;
  ilcorpus_assembly a;
  while (!bad && (rc = ilcorpus_next_assembly(&f, &a)) != 0) {
    if (rc < 0) {
      fprintf(stderr, "ilcorpus_check: %s: %s\n", path, f.error);
      bad = 1;
      break;
    }
    table *t = &tables[nassemblies++];
    t->assembly = a;
    t->assembly.bodies = NULL;
    t->assembly.sigs = malloc(((size_t)a.sig_count + 1) * sizeof *a.sigs);
    if (t->assembly.sigs == NULL) {
      bad = 1;
      break;
    }
    memcpy(t->assembly.sigs, a.sigs, (size_t)a.sig_count * sizeof *a.sigs);
    for (uint32_t i = a.sig_count; i-- > 0;) { /* backwards: first ends at the lowest */
      int slot = slot_of(a.sigs[i].token);
      if (slot >= 0) {
        t->first[slot] = i;
        t->count[slot]++;
      }
    }
    for (uint32_t i = 0; i < a.body_count && !bad; i++) {
      if (njobs == jobs_cap) {
        jobs_cap = jobs_cap ? 2 * jobs_cap : 4096;
        job *n = realloc(jobs, jobs_cap * sizeof *jobs);
        if (n == NULL) {
          bad = 1;
          break;
        }
        jobs = n;
      }
      job *j = &jobs[njobs];
      memset(j, 0, sizeof *j);
      j->table = t;
      j->body = a.bodies[i];
      j->copy = malloc(j->body.size ? j->body.size : 1);
      if (j->copy == NULL) {
        bad = 1;
        break;
      }
      njobs++;
      memcpy(j->copy, j->body.bytes, j->body.size);
      body_bytes += j->body.size;
      ilheap_il_view view;
      int prc = ilheap_il_parse(j->copy, j->body.size, &view);
      if (prc == ILHEAP_IL_OK && view.size != j->body.size) {
        size_mismatches++;
        print_body(j, "DUMP BUG");
        fprintf(stderr, ": ilheap_il_parse measured %" PRIu32 " bytes\n", view.size);
      }
      if (prc == ILHEAP_IL_OK) {
        j->code_size = view.body.code_size;
        j->clauses = view.body.clause_count;
        j->max_stack = view.body.max_stack;
        code_bytes += j->code_size;
        clauses += j->clauses;
        size_t need = ilheap_il_verify_scratch_size(j->code_size, j->clauses);
        if (need != SIZE_MAX && need > scratch_size) {
          scratch_size = need;
        }
      }
      if (opcodes && prc == ILHEAP_IL_OK) {
        count_opcodes(j, &view);
      }
      if (control == CONTROL_NO_SIGS) {
        continue;
      }
      j->o.method_sig = resolve;
      const ilcorpus_sig *own = ilcorpus_find_sig(&a, j->body.token);
      if (own != NULL) {
        j->o.own_sig = own->blob;
        j->o.own_sig_size = own->length;
      }
      if (prc == ILHEAP_IL_OK && view.body.local_sig_token != 0) {
        const ilcorpus_sig *locals = ilcorpus_find_sig(&a, view.body.local_sig_token);
        if (locals != NULL) {
          j->o.local_sig = locals->blob;
          j->o.local_sig_size = locals->length;
        }
      }
      if (prc == ILHEAP_IL_OK && apply_control(control, j, &view)) {
        controlled++;
      }
    }
  }
  void *scratch = malloc(scratch_size ? scratch_size : 1);
  if (bad || scratch == NULL) {
    if (!bad) {
      fprintf(stderr, "ilcorpus_check: out of memory\n");
    }
    rc = 2;
    goto out;
  }

  /* ---- The timed loop ---- */
  uint64_t *wall = calloc(repeat, sizeof *wall), *cpu = calloc(repeat, sizeof *cpu);
  uint64_t instructions = 0;
  int unstable = 0;
  for (unsigned long r = 0; r < repeat && wall != NULL && cpu != NULL; r++) {
    uint64_t w0 = sup_now_ns();
    clock_t c0 = clock();
    for (size_t i = 0; i < njobs; i++) {
      job *j = &jobs[i];
      ilheap_il_verdict v;
      j->o.ctx = j->table;
      j->o.scratch = scratch;
      j->o.scratch_size = scratch_size;
      int answer = ilheap_il_verify(j->copy, j->body.size, &j->o, &v);
      if (r == 0) {
        j->v = v;
        j->answer = answer;
      } else if (memcmp(&v, &j->v, sizeof v) != 0 || answer != j->answer) {
        unstable++;
      }
    }
    cpu[r] = (uint64_t)((double)(clock() - c0) * 1e9 / CLOCKS_PER_SEC);
    wall[r] = sup_now_ns() - w0;
  }
  if (wall == NULL || cpu == NULL) {
    fprintf(stderr, "ilcorpus_check: out of memory\n");
    free(wall);
    free(cpu);
    rc = 2;
    goto out;
  }

  /* ---- Tally ---- */
  uint64_t verdicts[4] = {0}, partial_missing = 0, partial_bad = 0, partial_other = 0;
  uint64_t skipped_by_check[ILHEAP_IL_CHECK_COUNT + 1] = {0};
  uint64_t control_hits = 0, control_above = 0, control_other = 0, unchanged_errors = 0;
  int bad_verdict = 0;
  uint64_t count_mismatches = 0;
  for (size_t i = 0; i < njobs; i++) {
    job *j = &jobs[i];
    instructions += j->v.instructions;
    if (j->v.result < ILHEAP_IL_VERDICT_OK || j->v.result > ILHEAP_IL_VERDICT_NOT_CHECKED ||
        j->answer != j->v.answer) {
      bad_verdict++;
      continue;
    }
    verdicts[j->v.result]++;
    /* A body checked to the end was walked whole: as many instructions as
     * the dump tool counted with the runtime's opcode table. */
    if (j->v.result <= ILHEAP_IL_VERDICT_PARTIAL && j->v.instructions != j->body.instructions) {
      count_mismatches++;
      if (shown++ < max_errors) {
        print_body(j, "WALK");
        fprintf(stderr, ": %" PRIu32 " instructions, the dump tool counted %" PRIu32 "\n",
                j->v.instructions, j->body.instructions);
      }
    }
    if (j->v.result == ILHEAP_IL_VERDICT_PARTIAL) {
      if (j->v.skip_reason == ILHEAP_IL_ESIG_MISSING) {
        partial_missing++;
      } else if (j->v.skip_reason == ILHEAP_IL_ESIG_BAD) {
        partial_bad++;
      } else {
        partial_other++;
      }
      for (unsigned n = 1; n <= ILHEAP_IL_CHECK_COUNT; n++) {
        if (j->v.skipped & ILHEAP_IL_CHECK_BIT(n)) {
          skipped_by_check[n]++;
        }
      }
      /* With the whole table a partial verdict is worth a look: say why. */
      if (control == CONTROL_NONE && shown++ < max_errors) {
        print_body(j, "partial");
        fprintf(stderr, ": IL_%04" PRIx32 " token 0x%08" PRIx32 ": %s\n", j->v.skip_offset,
                j->v.skip_token, ilheap_il_strerror(j->v.skip_reason));
      }
    }
    if (j->controlled) {
      if (j->v.result == ILHEAP_IL_VERDICT_ERROR && j->v.answer == j->expect_answer &&
          (j->expect_offset == ANY_OFFSET || j->v.offset == j->expect_offset)) {
        control_hits++;
      } else if (control == CONTROL_MAXSTACK && j->v.result == ILHEAP_IL_VERDICT_OK) {
        control_above++;
        if (shown++ < max_errors) {
          print_body(j, "declared above the depth:");
          fprintf(stderr, ": MaxStack %" PRIu32 "\n", j->max_stack);
        }
      } else {
        control_other++;
        char why[200];
        snprintf(why, sizeof why, "%s; the control expected %s at IL_%04" PRIx32,
                 ilheap_il_strerror(j->v.answer), ilheap_il_strerror(j->expect_answer),
                 j->expect_offset);
        report_error(j, why);
      }
      continue;
    }
    if (j->v.result >= ILHEAP_IL_VERDICT_ERROR) {
      unchanged_errors++;
      report_error(j, ilheap_il_strerror(j->v.answer));
    }
  }
  uint64_t resolved = 0, unresolved = 0;
  for (uint32_t i = 0; i < nassemblies; i++) {
    resolved += tables[i].resolved;
    unresolved += tables[i].unresolved;
  }

  qsort(wall, repeat, sizeof *wall, cmp_u64);
  qsort(cpu, repeat, sizeof *cpu, cmp_u64);
  size_t median = repeat / 2;
  double wall_s = (double)wall[median] / 1e9, cpu_s = (double)cpu[median] / 1e9;
  printf("ilcorpus_check: %" PRIu32 " assemblies, %zu bodies (%" PRIu64 " bytes), %" PRIu64
         " bytes of IL code, %" PRIu64 " instructions, %" PRIu64 " EH clauses\n",
         nassemblies, njobs, body_bytes, code_bytes, instructions / repeat, clauses);
  printf("ilcorpus_check: verdicts: ok %" PRIu64 ", partial %" PRIu64 ", error %" PRIu64
         ", not checked %" PRIu64 "\n",
         verdicts[ILHEAP_IL_VERDICT_OK], verdicts[ILHEAP_IL_VERDICT_PARTIAL],
         verdicts[ILHEAP_IL_VERDICT_ERROR], verdicts[ILHEAP_IL_VERDICT_NOT_CHECKED]);
  if (verdicts[ILHEAP_IL_VERDICT_PARTIAL] != 0) {
    printf("ilcorpus_check: partial: %" PRIu64 " no signature for a token, %" PRIu64
           " malformed signature, %" PRIu64 " other; checks skipped:",
           partial_missing, partial_bad, partial_other);
    for (unsigned n = 1; n <= ILHEAP_IL_CHECK_COUNT; n++) {
      if (skipped_by_check[n] != 0) {
        printf(" V%u x%" PRIu64, n, skipped_by_check[n]);
      }
    }
    printf("\n");
  }
  printf("ilcorpus_check: resolver: %" PRIu64 " signatures given, %" PRIu64 " tokens unknown\n",
         resolved / repeat, unresolved / repeat);
  printf("ilcorpus_check: time: %.3f s wall, %.3f s CPU in ilheap_il_verify (median of %lu; "
         "wall min %.3f max %.3f): %.1f MB/s of IL code wall, %.1f MB/s CPU, one core\n",
         wall_s, cpu_s, repeat, (double)wall[0] / 1e9, (double)wall[repeat - 1] / 1e9,
         wall_s > 0 ? (double)code_bytes / 1e6 / wall_s : 0.0,
         cpu_s > 0 ? (double)code_bytes / 1e6 / cpu_s : 0.0);
  if (opcodes) {
    print_opcodes();
  }
  if (shown > max_errors) {
    printf("ilcorpus_check: %lu lines not shown (--max-errors %lu)\n", shown - max_errors,
           max_errors);
  }
  free(wall);
  free(cpu);

  rc = 0;
  if (njobs == 0) {
    fprintf(stderr, "ilcorpus_check: FAIL: the dump holds no body: nothing was checked\n");
    rc = 1;
  }
  if (size_mismatches != 0 || bad_verdict != 0 || unstable != 0 || count_mismatches != 0) {
    fprintf(stderr,
            "ilcorpus_check: FAIL: %" PRIu64 " dump size mismatches, %" PRIu64
            " instruction counts unlike the dump tool's, %d undocumented verdicts, %d verdicts "
            "that changed from one run to the next\n",
            size_mismatches, count_mismatches, bad_verdict, unstable);
    rc = 1;
  }
  if (unchanged_errors != 0) {
    printf("ilcorpus_check: FAIL: %" PRIu64 " errors in real code (above)\n", unchanged_errors);
    rc = 1;
  }
  switch (control) {
  case CONTROL_NONE:
    break;
  case CONTROL_NO_SIGS:
    if (verdicts[ILHEAP_IL_VERDICT_PARTIAL] == 0) {
      printf("ilcorpus_check: FAIL: without signatures, some verdicts must be partial\n");
      rc = 1;
    }
    break;
  case CONTROL_MAXSTACK:
  case CONTROL_BRANCH:
  case CONTROL_CLAUSES:
    printf("ilcorpus_check: control %s: %" PRIu64 " bodies changed (%s): %" PRIu64
           " refused as expected (%.2f%%), ",
           control_names[control], controlled, control_what[control], control_hits,
           controlled ? 100.0 * (double)control_hits / (double)controlled : 0.0);
    if (control == CONTROL_MAXSTACK) {
      printf("%" PRIu64 " ok (MaxStack declared above the depth), ", control_above);
    }
    printf("%" PRIu64 " other answers\n", control_other);
    if (control_hits == 0 || control_other != 0) {
      printf("ilcorpus_check: FAIL: the control needs some expected refusals and no other "
             "answer\n");
      rc = 1;
    }
    break;
  }
  if (rc == 0) {
    printf("ilcorpus_check: PASS\n");
  }

out:
  for (size_t i = 0; i < njobs; i++) {
    free(jobs[i].copy);
  }
  free(jobs);
  for (uint32_t i = 0; tables != NULL && i < nassemblies; i++) {
    free(tables[i].assembly.sigs);
  }
  free(tables);
  free(scratch);
  ilcorpus_close(&f);
  return rc;
}
