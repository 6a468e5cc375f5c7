// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * inflate.c - write a stored core out as the plain ELF core it contains,
 * for extract and for GDB. The data is streamed in fixed pieces, so memory
 * use does not depend on the core's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inflate.h"
#include "io_util.h"
#include "log.h"
#include "macro.h"
#include "rproc/rprocdump.h"

#define CHUNK_SIZE (1u << 20)

static int copy_gz(int in, const char *path, int out, uint8_t *buf)
{
	_cleanup_(rpd_gz_reader_freep) struct rpd_gz_reader *gz = NULL;
	uint64_t off = 0;
	ssize_t n;
	int r;

	r = rpd_gz_reader_open(in, path, &gz);
	if (r < 0)
		return log_error_errno(r, "%s", rpd_error());
	while ((n = rpd_gz_reader_pread(gz, buf, CHUNK_SIZE, off)) > 0) {
		r = write_full(out, buf, (size_t)n);
		if (r < 0)
			return log_error_errno(r, "writing the core: %m");
		off += (uint64_t)n;
	}
	if (n < 0)
		return log_error_errno((int)n, "%s", rpd_error());
	return 0;
}

static int copy_plain(int in, const char *path, int out, uint8_t *buf)
{
	ssize_t n;
	int r;

	while ((n = read(in, buf, CHUNK_SIZE)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_error_errno(-errno, "%s: %m", path);
		r = write_full(out, buf, (size_t)n);
		if (r < 0)
			return log_error_errno(r, "writing the core: %m");
	}
	return 0;
}

int core_inflate_to_fd(const char *path, int fd)
{
	_cleanup_close_ int in = -EBADF;
	_cleanup_free_ uint8_t *buf = NULL;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return log_error_errno(-errno, "%s: %m", path);
	buf = malloc(CHUNK_SIZE);
	if (!buf)
		return log_oom();
	return rpd_gz_detect(in) ? copy_gz(in, path, fd, buf) :
				   copy_plain(in, path, fd, buf);
}
