#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The mutation experiment: breaks the core on purpose, in a scratch copy of the
# tree, and measures how long the fuzzers take to notice.
#
#   fuzz/mutate.sh --list
#   fuzz/mutate.sh --check         every mutation still applies (exit 1 if one does not)
#   fuzz/mutate.sh MUTATION [SECONDS] [TARGET...]
#
# For MUTATION (see --list) this copies the tree to ${TMPDIR:-/tmp}/ilheap-mut-MUTATION
# (never touching this one), applies the change (an exact text replacement: if
# the text is gone, the mutation is stale and the script says so), builds the
# libFuzzer targets with clang ASan+UBSan, and then:
#  1. replays the committed corpus (what CTest's "replay" tests do on every
#     build): does the corpus already catch the bug?
#  2. fuzzes each TARGET (default: the mutation's own list; fuzz_il for the il-*
#     mutations; else fuzz_model fuzz_threads) from its hand-written
#     seeds only (corpus/<target>/seed-*), or from nothing at all with
#     ILHEAP_MUT_START=empty, two at a time, for at most SECONDS (default 600)
#     each, and reports the wall-clock time to the first finding.
# Exit status: 0 when every fuzzing run found the bug, 1 when one did not.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# name @@ file @@ text @@ replacement @@ what it breaks [@@ default targets]
# Every text must occur exactly once in its file: `fuzz/mutate.sh --check`
# (CTest's mutations_apply test) fails on any mutation that no longer applies.
MUTATIONS=(
  "window-low@@src/heap.c@@    lo = base + 1;@@    lo = base;@@off-by-one at the window's start: offset 0 allowed (contract 1)"
  "window-high@@src/heap.c@@base + o.max_offset;@@base + o.max_offset + 1;@@off-by-one at the window's end: one byte past max_offset (contract 1)"
  "align-dropped@@src/heap.c@@  h->align = o.alignment > ILHEAP_TRACK_MIN_ALIGN ? o.alignment : ILHEAP_TRACK_MIN_ALIGN;@@  h->align = ILHEAP_TRACK_MIN_ALIGN > 4 ? ILHEAP_TRACK_MIN_ALIGN : 4;@@the alignment option is ignored (contract 2)"
  "round-up-overflow@@src/heap.c@@  if (x > UINTPTR_MAX - (a - 1)) {@@  if (0) {@@the overflow check of round_up_ptr is gone: a base in the last page wraps the window (contract 1, 9)"
  "slab-shared@@src/heap.c@@  for (s = h->slabs; s != NULL && s->owner != (const void *)tcache; s = s->next)@@  for (s = h->slabs; s != NULL && 0; s = s->next)@@threads share one slab: its word's load and store race, one block handed out twice (contract 3, 8)@@fuzz_threads"
  "extend-below-window@@src/heap.c@@  if (want > c->floor - c->lim) /* floor >= lim always */
    want = c->floor - c->lim;@@  if (want > c->floor) /* floor >= lim always */
    want = c->floor - c->lim;@@growth in place no longer stops at the lower end of its range (contract 1)"
  "budget-off-by-page@@src/heap.c@@(h->reserved <= h->budget && more <= (uint64_t)h->budget - h->reserved)@@(h->reserved <= h->budget + h->page && more <= (uint64_t)h->budget + h->page - h->reserved)@@the budget lets one page more through (contract 6: budget reached)"
  "no-race-retry@@src/heap.c@@    if (err != ILHEAP_EBUSY)@@    if (1)@@a reserve that loses a race ends the attempt instead of walking again (contract 6: NULL only when the window is full)"
  "guard-dropped@@src/heap.c@@  struct placement pl;
  uint64_t total = len + h->guard;@@  struct placement pl;
  uint64_t total = len;@@new chunks get no guard page (the documented layout)"
  "commit-failure-leak@@src/heap.c@@    (void)h->prov.release(h->prov.ctx, at, (size_t)len);@@    (void)0;@@growth in place keeps its reservation when commit fails (contract 6, 7)"
  "give-back-always@@src/heap.c@@  if (c->top - (uintptr_t)c->used == s->top - (uintptr_t)s->cap)@@  if (1)@@a slab given up returns its unused end even when another slab lies below it: that slab's room is carved twice (contract 3)@@fuzz_threads fuzz_faults"
  "below-gap-misread@@src/heap.c@@  if (hi == bl->floor && !overflow && a < hi)@@  if (hi >= bl->floor && !overflow && a < hi)@@growth in place trusts a gap that does not reach the chunk's floor"
  "registry-shift@@src/registry.c@@(hole < home && home <= j)@@(hole <= home && home <= j)@@backward-shift deletion leaves an entry whose home is the hole behind it: the module is lost@@fuzz_com"
  "release-below-one@@src/com.c@@  while (cur > COM_BASE_REFS) {@@  while (cur >= COM_BASE_REFS) {@@Release without AddRef drops the count below the heap's own reference@@fuzz_com"
  "stack-guard-gap-dropped@@src/os/provider_linux.c@@  room += STACK_GUARD_GAP;@@  (void)0;@@the stack's zone loses the kernel's guard gap (the provider's zones; test_os_zones)@@fuzz_os"
  "zone-reach-into@@src/os/provider_linux.c@@(g.z[i].lo <= addr || g.z[i].lo - addr < len)@@(g.z[i].lo <= addr)@@reserve accepts a range that starts below a growth zone and reaches into it@@fuzz_os"
  "walk-into-zone@@src/os/provider_linux.c@@    if (z->lo > a && visit(arg, a, z->lo) != 0)@@    if (visit(arg, a, z->hi < b ? z->hi : b) != 0)@@walk_free reports a growth zone as free@@fuzz_os"
  "hint-accepted@@src/os/provider_linux.c@@  if ((uintptr_t)p != addr) { /* an old kernel took the address as a hint */@@  if (0) { /* an old kernel took the address as a hint */@@a mapping that landed elsewhere (pre-4.17 kernels) is taken as the one asked for@@fuzz_os"
  "ioctl-eintr-fatal@@src/os/provider_linux.c@@    if (errno != EINTR)
      return errno > 0 ? -errno : -EIO;@@    if (1)
      return errno > 0 ? -errno : -EIO;@@an interrupted PROCMAP_QUERY gives up the ioctl for good instead of asking again@@fuzz_faults"
  "zones-unsorted@@src/os/provider_linux.c@@  if (g.z[1].lo < g.z[0].lo) {@@  if (0) {@@the growth zones are not sorted: a walk skips the lower one when it comes second@@fuzz_os"
  "zone-reserve-held@@src/zone.c@@      if (p->state[first + i] != PAGE_FREE)@@      if (p->state[first + i] == PAGE_STUCK)@@the zone hands out pages a heap already holds (contract 3: two heaps share them)@@fuzz_zone"
  "zone-no-rereserve@@src/zone.c@@  } else if (z->inner.reserve(z->inner.ctx, a, b - a) == ILHEAP_OK) {@@  } else if (1) {@@pages a heap gave back are offered again without being reserved again (contract 7 through the zone)@@fuzz_zone"
  "zone-held-kept@@src/zone.c@@    z->held -= b - a;
    return err;
  }@@    return err;
  }@@pages a heap gave back stay counted as held (the zone's statistics)@@fuzz_zone"
  "zone-decommit-ignored@@src/zone.c@@  if (z->inner.decommit != NULL) {@@  if (z->inner.decommit == NULL && 0) {@@the zone gives released pages back to the wrapped provider and reserves them again although it could decommit them: a race loses them (bytes_lost)@@fuzz_zone"
  "zone-pave-hides-enomem@@src/zone.c@@    else if (e != ILHEAP_EBUSY)@@    else if (e != ILHEAP_EBUSY && e != ILHEAP_ENOMEM)@@pave skips a range it had no memory for and answers success@@fuzz_faults"
  "zone-list-oom-hidden@@src/zone.c@@  if (err == ILHEAP_OK && (os.oom || out->oom || (zone_free != NULL && zone_free->oom)))@@  if (0)@@a walk whose list ran out of memory answers success with part of the free ranges@@fuzz_faults"
  "maps-malformed-ignored@@src/os/maps.c@@    if (ilheap__maps_line(line, nl, &lo, &hi) != 0)
      return -1;@@    if (ilheap__maps_line(line, nl, &lo, &hi) != 0)
      continue;@@a malformed /proc/self/maps line is skipped instead of ending the walk with ILHEAP_EPROVIDER@@fuzz_maps fuzz_faults"
  "maps-last-line-dropped@@src/os/maps.c@@      if (!at_end || line == end)@@      if (at_end >= 0 || line == end)@@the last line of /proc/self/maps is ignored when the file does not end with a newline@@fuzz_maps fuzz_faults"
  "maps-long-line@@src/os/provider_linux.c@@    if (have == MAPS_BUF) { /* a line longer than any the kernel writes */@@    if (0) { /* a line longer than any the kernel writes */@@a line longer than the buffer is taken for the end of the file@@fuzz_faults"
  "view-top-unchecked@@src/os/provider_linux.c@@      if (r == 0 && q.vma_start < end && q.vma_end > end - 1 && q.vma_end <= UINTPTR_MAX) {@@      if (r == 0 && q.vma_end <= UINTPTR_MAX) {@@a walk jumps a remembered run of mappings without asking whether its last page is still mapped: a hole opened at its top is missed@@fuzz_faults"
  "once-no-wait@@src/os/posix.c@@  while (atomic_load_explicit(state, memory_order_acquire) != ONCE_DONE)
    ilheap__yield();@@  ilheap__yield();@@a thread that lost the race for a once returns before the winner has run it@@fuzz_faults"
  "com-first-use-no-wait@@src/com.c@@      while (atomic_load_explicit(&obj->state, memory_order_acquire) != COM_READY)
        ilheap__yield();@@      ilheap__yield();@@a thread that lost the race for a heap's COM object uses it half filled in@@fuzz_faults"
  "registry-no-recheck@@src/registry.c@@  known = registry_lookup(reg, module_id);
  if (known != NULL) {
    /* Another@@  known = NULL;
  if (known != NULL) {
    /* Another@@registry_get does not look again under the write lock: a module created meanwhile gets a second heap@@fuzz_faults"
  "il-tiny-limit@@src/il.c@@b->code_size <= ILHEAP_IL_TINY_MAX_CODE &&@@b->code_size <= ILHEAP_IL_TINY_MAX_CODE + 1 &&@@a tiny header for 64 bytes of code (L1)"
  "il-small-length@@src/il.c@@c->try_length <= 0xFFu &&@@c->try_length <= 0x100u &&@@a small clause for a try length of 256 (L4)"
  "il-small-count@@src/il.c@@int small_ok = b->clause_count <= ILHEAP_IL_SMALL_MAX_CLAUSES;@@int small_ok = b->clause_count <= ILHEAP_IL_SMALL_MAX_CLAUSES + 1;@@a small section of 21 clauses: DataSize 256 wraps to 0 (L4)"
  "il-tiny-overread@@src/il.c@@if (avail - 1 < v->body.code_size)@@if (avail < v->body.code_size)@@a tiny body one byte past the readable bytes passes (C6)"
  "il-padding@@src/il.c@@      memset(p + ILHEAP_IL_FAT_HEADER_SIZE + body->code_size, 0, l.pad);
@@@@padding before the EH section left unwritten (L3)"
  "il-clause-wrap@@src/il.c@@if ((uint64_t)c->try_offset + c->try_length > code_size ||@@if ((uint32_t)(c->try_offset + c->try_length) > code_size ||@@a try region's end computed in 32 bits wraps (C5)"
  "il-filter-end@@src/il.c@@c->filter_offset >= code_size)@@c->filter_offset > code_size)@@a filter offset at the end of the code passes (C5)"
  "il-methoddef-catch@@src/il.c@@table != TOKEN_TYPESPEC) ||@@table != TOKEN_TYPESPEC && table != 0x06) ||@@a catch on a MethodDef token passes (C5)"
  "il-more-sections@@src/il.c@@  if (kind & SECT_MORE_SECTS)
    return ILHEAP_IL_EMORE_SECTIONS;
@@@@a second section after the EH table passes (C3)"
  "il-window-end@@src/il.c@@if (v.size > max_offset - off)@@if (v.size > max_offset - off + 1)@@a body one byte past the window passes ilheap_il_check_in_module"
  "il-section-size@@src/il.c@@if (data < SECT_HEADER || (data - SECT_HEADER) % each != 0)@@if (data < SECT_HEADER)@@a DataSize that is not 4 + n * clause size passes (C4)"
  "il-format-bit2@@src/il.c@@if ((p[0] & 0x7u) != FAT_FORMAT)@@if ((p[0] & 0x3u) != FAT_FORMAT)@@a first byte ...111 taken for a fat header (L2)"
  "il-verify-operand-end@@src/il_verify.c@@  if (size - off < len)
    return ILHEAP_IL_EOPERAND_PAST_END;
  const uint8_t *q@@  if (size - off + 1 < len)
    return ILHEAP_IL_EOPERAND_PAST_END;
  const uint8_t *q@@an operand one byte past the code is decoded (V2, C6)@@fuzz_il_verify"
  "il-verify-switch-count@@src/il_verify.c@@len += (uint64_t)n * 4u;@@len += (uint64_t)n * 2u;@@a switch's table counted at 2 bytes a target: targets read past the code (V2)@@fuzz_il_verify"
  "il-verify-unknown-zero@@src/il_verify.c@@      d = DEPTH_UNKNOWN; /* until@@      d = 0; /* until@@an unknown stack effect taken as none: errors without signatures (a false error, not PARTIAL)@@fuzz_il_verify"
  "il-verify-scratch@@src/il_verify.c@@uint64_t total = align8((n + 1) * sizeof(slot)) +@@uint64_t total = align8(n * sizeof(slot)) +@@the scratch size one slot short: the checker writes past the caller's memory@@fuzz_il_verify"
  "il-verify-leave-top@@src/il_verify.c@@  uint32_t nf = bs == NONE ? NONE : c->blocks[bs].nf;@@  uint32_t nf = c->blocks[bs].nf;@@a leave at the top level reads the block of no block (the bug fuzz_il_verify found)@@fuzz_il_verify"
  "il-verify-set-body-window@@src/com_il.c@@  if (heap && ilheap_window_policy(heap) == ILHEAP_WINDOW_REQUIRED) {@@  if (0) {@@ilheap_il_set_function_body skips the window rule of a strict heap@@fuzz_il_verify"
)

field() { # record n: the n-th field of a record (empty when it has fewer)
  local rest=$1$'\x01' i
  for ((i = 0; i < $2; i++)); do
    [[ $rest == *@@* ]] || { printf ''; return; }
    rest=${rest#*@@}
  done
  rest=${rest%%@@*}
  printf '%s' "${rest%$'\x01'}"
}

# --check: every mutation applies to the code as it is (its text occurs exactly
# once). Exit 1, naming the stale ones, when one does not.
if [[ "${1:-}" == "--check" ]]; then
  args=()
  for m in "${MUTATIONS[@]}"; do
    args+=("$(field "$m" 0)" "$ROOT/$(field "$m" 1)" "$(field "$m" 2)")
  done
  python3 - "${args[@]}" <<'PY'
import sys
a = sys.argv[1:]
stale = 0
for name, path, old in zip(a[0::3], a[1::3], a[2::3]):
    try:
        n = open(path).read().count(old)
    except OSError as e:
        n = 0
        print(f"mutation {name}: {e}")
    if n != 1:
        stale += 1
        print(f"mutation {name} is stale: its text occurs {n} times in {path}")
print(f"mutate.sh --check: {len(a) // 3} mutations, {stale} stale")
sys.exit(1 if stale else 0)
PY
  exit
fi

if [[ "${1:-}" == "--list" || $# -lt 1 ]]; then
  for m in "${MUTATIONS[@]}"; do
    printf '%-22s %s\n' "$(field "$m" 0)" "$(field "$m" 4)"
  done
  [[ $# -lt 1 ]] && exit 2
  exit 0
fi

NAME=$1
LIMIT=${2:-600}
shift $(($# >= 2 ? 2 : 1))
TARGETS=("$@")

record=
for m in "${MUTATIONS[@]}"; do
  [[ "$(field "$m" 0)" == "$NAME" ]] && record=$m
done
[[ -n "$record" ]] || { echo "unknown mutation $NAME (see --list)" >&2; exit 2; }
if ((${#TARGETS[@]} == 0)); then
  defaults=$(field "$record" 5)
  [[ -n $defaults || $NAME != il-* ]] || defaults=fuzz_il
  read -r -a TARGETS <<<"${defaults:-fuzz_model fuzz_threads}"
fi

COPY=${TMPDIR:-/tmp}/ilheap-mut-$NAME
rm -rf "$COPY"
mkdir -p "$COPY"
tar -C "$ROOT" --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . | tar -C "$COPY" -xf -

python3 - "$COPY/$(field "$record" 1)" "$(field "$record" 2)" "$(field "$record" 3)" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"mutation is stale: the text to replace occurs {text.count(old)} times in {path} "
             "(fuzz/mutate.sh --check lists every stale one)")
open(path, "w").write(text.replace(old, new))
PY
echo "mutation $NAME: $(field "$record" 4)"

BUILD=$COPY/build-mut
CC=clang cmake -S "$COPY" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DILHEAP_LIBFUZZER=ON \
  -DILHEAP_BUILD_TESTS=OFF -DILHEAP_BUILD_EXAMPLES=OFF \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" >/dev/null
cmake --build "$BUILD" -j 2 >/dev/null

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
echo "1. corpus replay (CTest's replay tests):"
for t in "${TARGETS[@]}"; do
  if "$BUILD/fuzz/${t}_replay" "$COPY/corpus/$t" >"$COPY/replay-$t.log" 2>&1; then
    echo "   $t: the committed corpus does not catch it"
  else
    echo "   $t: caught by $(grep -o 'replay: [^ ]*' "$COPY/replay-$t.log" | tail -n 1 | cut -d' ' -f2 | xargs basename)"
    grep -m1 'check failed\|ERROR: AddressSanitizer\|runtime error' "$COPY/replay-$t.log" | sed 's/^/      /'
  fi
done

START=${ILHEAP_MUT_START:-seeds}
[[ $START == seeds || $START == empty ]] || { echo "ILHEAP_MUT_START must be seeds or empty" >&2; exit 2; }
echo "2. fuzzing from $([[ $START == seeds ]] && echo "the hand-written seeds only" || echo "an empty corpus"), at most ${LIMIT}s per target:"
status=0
fuzz_one() { # target
  local t=$1 dir=$COPY/fuzz-$START-$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [[ $START == seeds ]]; then
    cp "$COPY/corpus/$t"/seed-* "$dir/corpus/" 2>/dev/null || true
  fi
  local start=$SECONDS
  (cd "$dir" && "$BUILD/fuzz/$t" -max_total_time="$LIMIT" -timeout=60 -artifact_prefix="$dir/artifacts/" \
     "$dir/corpus" >"$dir/log" 2>&1) || true
  local took=$((SECONDS - start))
  if compgen -G "$dir/artifacts/*" >/dev/null; then
    echo "   $t: FOUND after ${took}s: $(grep -m1 'check failed\|ERROR: AddressSanitizer\|runtime error\|ERROR: libFuzzer' "$dir/log")"
  else
    echo "   $t: not found in ${took}s"
    return 1
  fi
}
pids=()
for t in "${TARGETS[@]}"; do
  fuzz_one "$t" &
  pids+=($!)
  if ((${#pids[@]} == 2)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do
  wait "$p" || status=1
done
exit "$status"
