/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * macro.h - scope-bound cleanup and the few macros every part of rprocdump
 * uses, spelt as in systemd.
 *
 *	_cleanup_free_ char *path = NULL;
 *	_cleanup_close_ int fd = -EBADF;
 *	...
 *	return TAKE_PTR(path);
 *
 * A cleanup function receives a pointer to the variable; those defined
 * here do nothing for NULL and for negative file descriptors, so that a
 * variable is initialised to "nothing" and filled later.
 */
#ifndef RPD_BASE_MACRO_H
#define RPD_BASE_MACRO_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Defines funcp(type *p), which calls func(*p) unless *p is NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}                                       \
	struct rpd_base_trailing_semicolon_##func

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Moves ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _p = (p); \
		(p) = NULL;             \
		_p;                     \
	})
#define TAKE_FD(fd)             \
	({                      \
		int _fd = (fd); \
		(fd) = -1;      \
		_fd;            \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif /* RPD_BASE_MACRO_H */
