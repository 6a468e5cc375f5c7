/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * parallel_copy.h - copy a byte range with one reader per CPU.
 *
 * A devcoredump's data file gives at most a page per read() (kernfs caps
 * bin attribute reads at PAGE_SIZE), so one reader spends its time in
 * system calls while the remote stays halted. Several threads, each with
 * its own open file (kernfs serialises reads per open file), read stripes
 * of the range with pread() and pwrite() them to the same offsets of the
 * destination.
 */
#ifndef RPD_PARALLEL_COPY_H
#define RPD_PARALLEL_COPY_H

#include <stdint.h>

struct parallel_copy {
	/* In. */
	int (*open_source)(void *ctx); /* a new fd on the source, or -errno */
	void *ctx;
	int dst_fd;
	uint64_t from, to; /* [from, to): same offsets in source and dst */
	unsigned threads;  /* 0: one per online CPU */

	/* Out. */
	uint64_t end;	  /* [from, end) was copied: to, unless the source
			 * ended or failed first */
	int source_err;	  /* errno that stopped the source at end, 0 if none */
	unsigned readers; /* threads that read */
};

/*
 * Copies pc->from..pc->to and leaves the destination exactly pc->end bytes
 * long. A source that ends or fails while it is read is not an error:
 * pc->end says how far the copy got. Returns 0, or a negative errno,
 * not logged: the destination cannot be written (pc->readers > 0), or no
 * thread could start or open the source (pc->readers is then 0 and
 * nothing was copied).
 */
int parallel_copy(struct parallel_copy *pc);

#endif
