// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * atomic_file.c - temporary file, fsync, rename, fsync the directory.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "log.h"
#include "macro.h"

#define TMP_ATTEMPTS 16

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004 /* Linux 5.6 */
#endif

/*
 * A temporary name must be unlikely to be taken, not unpredictable: O_EXCL
 * makes a taken name harmless. So this never waits for the kernel's
 * entropy pool. A collector started early in boot, on a board without a
 * hardware RNG, would otherwise hold the crashed remote for as long as the
 * pool takes to fill (a second in the test VM).
 */
static uint32_t tmp_name_nonce(unsigned attempt)
{
	struct timespec ts;
	uint32_t rnd;

	if (getrandom(&rnd, sizeof(rnd), GRND_INSECURE) == sizeof(rnd) ||
	    getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) == sizeof(rnd))
		return rnd;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)getpid() * 2654435761u ^ (uint32_t)ts.tv_nsec ^
	       attempt;
}

static int open_tmp(struct atomic_file *f, mode_t mode)
{
	for (unsigned i = 0; i < TMP_ATTEMPTS; i++) {
		uint32_t rnd = tmp_name_nonce(i);

		free(f->tmp_name);
		if (asprintf(&f->tmp_name, ".#%s.%08x", f->name, rnd) < 0) {
			f->tmp_name = NULL;
			return log_oom();
		}
		f->fd = openat(f->dir_fd, f->tmp_name,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				       O_CLOEXEC,
			       mode);
		if (f->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return log_error_errno(
				-errno, "%s: cannot create temporary file: %m",
				f->name);
	}
	return log_error_errno(-EEXIST, "%s: cannot find a free temporary name",
			       f->name);
}

int atomic_file_openat(int dir_fd, const char *name, mode_t mode,
		       struct atomic_file *f)
{
	int r;

	*f = (struct atomic_file){ .dir_fd = -1, .fd = -1 };
	if (!*name || strchr(name, '/'))
		return log_error_errno(-EINVAL, "%s: not a plain file name",
				       name);
	f->dir_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
	if (f->dir_fd < 0)
		return log_error_errno(-errno, "%s: %m", name);
	f->name = strdup(name);
	r = f->name ? open_tmp(f, mode) : log_oom();
	if (r < 0)
		atomic_file_release(f);
	return r;
}

int atomic_file_open(const char *path, mode_t mode, struct atomic_file *f)
{
	_cleanup_free_ char *dir_copy = strdup(path);
	_cleanup_free_ char *base_copy = strdup(path);
	_cleanup_close_ int dir_fd = -1;
	const char *dir, *base;

	if (!dir_copy || !base_copy)
		return log_oom();
	dir = dirname(dir_copy);
	base = basename(base_copy);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return log_error_errno(-errno, "%s: cannot open directory: %m",
				       dir);
	return atomic_file_openat(dir_fd, base, mode, f);
}

int atomic_file_commit(struct atomic_file *f, bool replace)
{
	if (fsync(f->fd) < 0)
		return log_error_errno(-errno, "%s: fsync: %m", f->name);
	if (replace) {
		if (renameat(f->dir_fd, f->tmp_name, f->dir_fd, f->name) < 0)
			return log_error_errno(-errno, "%s: rename: %m",
					       f->name);
	} else if (renameat2(f->dir_fd, f->tmp_name, f->dir_fd, f->name,
			     RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST)
			return -EEXIST;
		return log_error_errno(-errno, "%s: %m", f->name);
	}
	free(f->tmp_name);
	f->tmp_name = NULL;
	/* In place now: failing here must not make a caller write it again. */
	if (fsync(f->dir_fd) < 0)
		log_warning(
			"%s: fsync of directory: %m (the new file may not survive a power loss)",
			f->name);
	return 0;
}

void atomic_file_release(struct atomic_file *f)
{
	if (f->tmp_name && f->dir_fd >= 0)
		unlinkat(f->dir_fd, f->tmp_name, 0);
	if (f->fd >= 0)
		close(f->fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	free(f->tmp_name);
	free(f->name);
	*f = (struct atomic_file){ .dir_fd = -1, .fd = -1 };
}
