/* SPDX-License-Identifier: MIT */
/* fuzz_faults: the /proc/self/maps text parser (fuzz/faults.h). */
#include "faults.h"

/* The text a walk reads instead of /proc/self/maps (src/seams.h's read
 * filter), served in chunks of the input's choosing. */
#define TEXT_MAX ((size_t)96 << 10)
#define LONG_LINE ((size_t)70 << 10) /* longer than any line the kernel writes */
#define MAX_LINES 16

typedef struct maps_text {
  char text[TEXT_MAX];
  size_t len, at, chunk;
  unsigned reads;
} maps_text;

static ptrdiff_t serve_text(char *buf, ptrdiff_t got, size_t cap, void *arg) {
  maps_text *m = arg;
  size_t n = m->len - m->at;
  (void)got; /* the real text is replaced */
  if (n > cap)
    n = cap;
  if (n > m->chunk)
    n = m->chunk;
  memcpy(buf, m->text + m->at, n);
  m->at += n;
  m->reads++;
  return (ptrdiff_t)n;
}

/* A range visitor recording the gaps a walk reports (fuzz/faults.h). */
int faults_record_gap(void *arg, uintptr_t lo, uintptr_t hi) {
  faults_gaps *g = arg;
  if (g->n == FAULTS_MAX_GAPS)
    g->overflow = 1;
  else {
    g->v[g->n][0] = lo;
    g->v[g->n][1] = hi;
    g->n++;
  }
  return 0;
}

/* The walk over [at, end), fed the mappings in order, as the provider is
 * documented to do it: returns 1 once a mapping reaches end. */
static int model_feed(faults_gaps *g, uintptr_t *at, uintptr_t end, uintptr_t lo, uintptr_t hi) {
  if (hi <= *at)
    return 0;
  if (lo > *at)
    faults_record_gap(g, *at, lo < end ? lo : end);
  *at = hi > *at ? hi : *at;
  return *at >= end;
}

enum { BAD_NONE, BAD_LO_DIGIT, BAD_DASH, BAD_SWAPPED, BAD_OVERFLOW, BAD_EMPTY, BAD_LONG, BAD_TAIL,
       BAD_KINDS };

/*
 * A text of mappings in [r, r + span) (and one below, one far above), one line
 * possibly broken in a way no kernel writes, the file possibly cut short, read
 * in chunks of any size; the walk over [r, r + span) must report exactly the
 * gaps between the mappings before a broken line and then answer
 * ILHEAP_EPROVIDER, or all of them and ILHEAP_OK; never read past its buffer,
 * never crash. When the walks still ask PROCMAP_QUERY, the first question is
 * answered "no such ioctl" (ENOTTY or EINVAL), as a kernel before 6.11 would:
 * the walk must go on through the text from where it stood.
 */
void faults_op_maps_text(state *st, fuzz_input *in) {
  static maps_text m;
  const ilheap_provider *p = ilheap_os_provider();
  uintptr_t page, r, span, brk = (uintptr_t)sbrk(0);
  int local;
  (void)st;
  if (p == NULL)
    return;
  page = p->page_size;
  r = (uintptr_t)0x10000000;
  span = (uintptr_t)fuzz_range(in, 1, 64) * page;
  /* Far from the brk zone and from the stack's (the walk subtracts them). */
  if ((brk < r + span + ((uintptr_t)64 << 20) && brk + ((uintptr_t)64 << 20) > r) ||
      (uintptr_t)&local - r < span + ((uintptr_t)1 << 31))
    return;

  /* The mappings: one below the range, some inside, maybe one far above. */
  uintptr_t lo[MAX_LINES], hi[MAX_LINES];
  unsigned nl = 0;
  lo[nl] = r - 16 * page;
  hi[nl++] = r - 8 * page;
  uintptr_t at = r - (uintptr_t)fuzz_range(in, 0, 4) * page;
  while (nl < MAX_LINES - 1 && fuzz_remaining(in) > 0 && fuzz_range(in, 0, 3) != 0) {
    at += (uintptr_t)fuzz_range(in, 0, 3) * page;
    lo[nl] = at;
    at += (uintptr_t)fuzz_range(in, 1, 4) * page;
    hi[nl++] = at;
  }
  if (fuzz_bool(in)) {
    lo[nl] = r + span + ((uintptr_t)1 << 20);
    hi[nl] = lo[nl] + page;
    nl++;
  }
  unsigned bad = fuzz_pick(in, BAD_KINDS), bad_line = fuzz_pick(in, nl);
  /* The file ends inside its last line (unless that is the long one: cut, it
   * would be a short line at the end of the file). */
  int cut = fuzz_bool(in) && !(bad == BAD_LONG && bad_line == nl - 1);
  size_t cut_at = 0;

  /* Write the text, and where each line's "lo-hi" ends. */
  size_t line_start[MAX_LINES], addr_end[MAX_LINES];
  m.len = 0;
  for (unsigned i = 0; i < nl; i++) {
    uintptr_t a = lo[i], b = hi[i];
    char *w = m.text + m.len;
    line_start[i] = m.len;
    if (i == bad_line && bad == BAD_SWAPPED) {
      a = hi[i];
      b = lo[i];
    }
    int k;
    if (i == bad_line && bad == BAD_EMPTY)
      k = 0;
    else if (i == bad_line && bad == BAD_OVERFLOW)
      k = snprintf(w, 64, "fffffffffffffffff%08" PRIxPTR "-%08" PRIxPTR, a, b);
    else
      k = snprintf(w, 64, "%08" PRIxPTR "-%08" PRIxPTR, a, b);
    addr_end[i] = m.len + (size_t)k;
    if (i == bad_line && bad == BAD_LO_DIGIT)
      w[fuzz_range(in, 0, 7)] = fuzz_bool(in) ? 'g' : 'A'; /* the kernel writes lowercase hex */
    if (i == bad_line && bad == BAD_DASH)
      *strchr(w, '-') = ' ';
    m.len += (size_t)k;
    if (k > 0)
      m.len += (size_t)snprintf(m.text + m.len, 64, " rw-p 00000000 00:00 0");
    if (i == bad_line && bad == BAD_TAIL) /* past "lo-hi": not the walk's business */
      m.len += (size_t)snprintf(m.text + m.len, 64, " %c%c\t??", 0x7f, 'Z');
    if (i == bad_line && bad == BAD_LONG) {
      memset(m.text + m.len, ' ', LONG_LINE);
      m.len += LONG_LINE;
    }
    m.text[m.len++] = '\n';
  }
  if (cut) {
    size_t last = line_start[nl - 1];
    cut_at = last + (size_t)fuzz_range(in, 0, m.len - last - 1);
    m.len = cut_at;
  }

  /* The walk as documented: line by line, until a mapping reaches the end or a
   * line is malformed (ILHEAP_EPROVIDER, and no gap after it). */
  faults_gaps want;
  memset(&want, 0, sizeof want);
  uintptr_t wat = r, wend = r + span;
  int want_err = ILHEAP_OK, done = 0;
  for (unsigned i = 0; i < nl && !done; i++) {
    int broken = i == bad_line && bad != BAD_NONE && bad != BAD_TAIL;
    if (cut && i == nl - 1) {
      if (cut_at == line_start[i])
        break; /* the file ends after a newline: nothing more */
      if (cut_at < addr_end[i])
        broken = 1; /* the last line stops inside "lo-hi" */
    }
    if (broken) {
      want_err = ILHEAP_EPROVIDER;
      done = 1;
    } else {
      done = model_feed(&want, &wat, wend, lo[i], hi[i]);
    }
  }
  if (!done && wat < wend)
    faults_record_gap(&want, wat, wend);

  /* Faults: the buffer's allocation, a read that fails (or is interrupted) in
   * the text mode; the first question refused in the ioctl mode. */
  static const int errs[] = {0, EINTR, EIO, EACCES};
  int fail_alloc = fuzz_range(in, 0, 5) == 0, read_err = 0;
  unsigned fault = fuzz_pick(in, 4), which = (unsigned)fuzz_range(in, 0, 3);
  faults_disarm();
  if (ilheap__procmap_text()) { /* ILHEAP_PROCMAP=text, an old kernel, a failed ioctl */
    read_err = errs[fault];
    if (read_err != 0)
      ilheap__fault_os(2 + which, read_err); /* open is the first call, then the reads */
  } else {
    ilheap__fault_os(2, fault & 1 ? ENOTTY : EINVAL); /* the first ioctl */
  }
  if (fail_alloc)
    ilheap__fault_alloc(1);
  m.at = 0;
  m.reads = 0;
  m.chunk = fuzz_bool(in) ? TEXT_MAX : (size_t)fuzz_range(in, 1, 200);
  faults_gaps got;
  memset(&got, 0, sizeof got);
  uint64_t fired = ilheap__faults_fired();
  ilheap__set_read_filter(serve_text, &m);
  int err = p->walk_free(p->ctx, r, r + span, faults_record_gap, &got);
  ilheap__set_read_filter(NULL, NULL);
  int read_failed = read_err != 0 && read_err != EINTR && ilheap__faults_fired() != fired;
  faults_disarm();

  FUZZ_CHECK(!got.overflow, "the walk reported more than %u gaps", FAULTS_MAX_GAPS);
  if (fail_alloc) {
    FUZZ_CHECK(err == ILHEAP_ENOMEM && got.n == 0 && m.reads == 0,
               "no memory for the text's buffer: answer %d, %u gaps, %u reads", err, got.n,
               m.reads);
    return;
  }
  if (read_failed) {
    FUZZ_CHECK(err == ILHEAP_EPROVIDER, "a read failed with errno %d: the walk answered %d",
               read_err, err);
    FUZZ_CHECK(got.n <= want.n, "a failed read: %u gaps reported, %u at most", got.n, want.n);
  } else {
    FUZZ_CHECK(err == want_err, "maps text (broken %d at line %u of %u, cut %d at %zu): answer %d, "
               "expected %d",
               bad, bad_line, nl, cut, cut_at, err, want_err);
    FUZZ_CHECK(got.n == want.n, "maps text (broken %d at line %u, cut %d): %u gaps, expected %u",
               bad, bad_line, cut, got.n, want.n);
  }
  for (unsigned i = 0; i < got.n; i++)
    FUZZ_CHECK(got.v[i][0] == want.v[i][0] && got.v[i][1] == want.v[i][1],
               "gap %u: [%#" PRIxPTR ", %#" PRIxPTR "), expected [%#" PRIxPTR ", %#" PRIxPTR ")",
               i, got.v[i][0], got.v[i][1], want.v[i][0], want.v[i][1]);
}
