// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_gz_reader.c - the .core.gz reader on arbitrary bytes: the input
 * becomes a file (a memfd), which is opened, sized, and read at a few
 * offsets taken from the input's last bytes.
 *
 * The work per input stays small: a read inflates the members it overlaps
 * and no more, and reads are at most READ_MAX bytes, so an input inflates at
 * most NREADS * (READ_MAX + 2 * 64 KiB) bytes however many members it
 * claims.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io_util.h"
#include "macro.h"
#include "rproc/rprocdump.h"
#include "unaligned.h"

#define NREADS 4
#define READ_MAX (3 * RPD_GZ_MEMBER_INPUT)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A value from the input's tail, so that mutations steer the reads. */
static uint32_t input_word(const uint8_t *data, size_t size, unsigned i)
{
	uint8_t word[4] = { 0 };

	for (unsigned k = 0; k < 4 && 4 * i + k < size; k++)
		word[k] = data[size - 1 - 4 * i - k];
	return get_le32(word);
}

/*
 * Reads at offsets from the input. A read either fails with a message or
 * returns what lies between off and the end of the data, if that is known.
 */
static void read_some(struct rpd_gz_reader *r, const uint8_t *data, size_t size,
		      bool sized, uint64_t total)
{
	static uint8_t buf[READ_MAX];

	for (unsigned i = 0; i < NREADS; i++) {
		uint32_t v = input_word(data, size, i);
		/* Around the data, and past it: both must be handled. */
		uint64_t off = v % (total + 2 * RPD_GZ_MEMBER_INPUT);
		size_t len = (v >> 7) % READ_MAX;
		ssize_t n = rpd_gz_reader_pread(r, buf, len, off);

		if (n < 0 && !rpd_error()[0])
			abort();
		if (n >= 0 && sized &&
		    (uint64_t)n != (off < total ? MIN(len, total - off) : 0))
			abort();
		if (n > (ssize_t)len)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_gz_reader *r;
	uint64_t total = 0;
	int fd;

	fd = memfd_create("fuzz_gz_reader", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write_full(fd, data, size) < 0)
		abort();

	if (rpd_gz_reader_open(fd, "fuzz.core.gz", &r) == 0) {
		bool sized = rpd_gz_reader_size(r, &total) == 0;

		read_some(r, data, size, sized, sized ? total : 0);
		rpd_gz_reader_free(r);
	}
	close(fd);
	return 0;
}
