/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * symbolize.h - addresses of the firmware to functions, source lines and
 * inlined calls, from its symbols and DWARF through libdwfl.
 */
#ifndef RPD_SYMBOLIZE_H
#define RPD_SYMBOLIZE_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbolizer;

/* One source-level frame at an address. Strings belong to the symbolizer. */
struct source_frame {
	const char *function; /* NULL: unknown */
	const char *file;     /* NULL: unknown */
	int line;	      /* 0: unknown */
	bool inlined;	      /* inlined into the next frame at this address */
};

#define SYMBOLIZE_MAX_INLINED 8

/* Reports the firmware ELF at its link addresses. Returns 0, or -errno
 * with a warning that there are no symbols. */
int symbolizer_open(const char *firmware_path, struct symbolizer **out);
void symbolizer_free(struct symbolizer *s);

/* The libdwfl session, for the CFI unwinder. */
Dwfl *symbolizer_dwfl(struct symbolizer *s);

/* The range of the function symbol containing addr; -ENOENT if none. */
int symbolizer_function_range(struct symbolizer *s, uint64_t addr,
			      uint64_t *start, uint64_t *end);

/*
 * The source frames at addr, innermost first: the inlined calls (inlined
 * set), then the function they were inlined into. A return address must be
 * passed minus one, to land in the call. Returns how many frames (>= 1,
 * with NULL members when nothing is known), at most max.
 */
size_t symbolize(struct symbolizer *s, uint64_t addr, struct source_frame *out,
		 size_t max);

/*
 * A frame that a tail call left no trace of on the stack: when the call
 * returning to return_addr called another function than callee (the
 * function the frame below is in), and that function's DWARF call sites
 * say it tail-calls callee, as GDB's tailcall frames do. Sets out and pc
 * (the address after the tail call) and returns true; false otherwise.
 * Only one level of tail calls is recovered.
 */
bool symbolize_tail_call(struct symbolizer *s, uint64_t return_addr,
			 const char *callee, struct source_frame *out,
			 uint64_t *pc);

#endif
