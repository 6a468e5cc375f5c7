/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h - internal helpers shared by every file of librprocdump: the one
 * error pattern, little-endian field access, overflow-safe range checks and
 * scope-bound cleanup.
 */
#ifndef RPD_UTIL_H
#define RPD_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Records a message for rpd_error() and returns err (a negative errno), so
 * that failures read: return rpd_fail(-EINVAL, "%s: bad thing", name);
 */
int rpd_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the current message with more context and ": ", returns err. */
int rpd_fail_prefix(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- little-endian fields ---- */

static inline uint16_t get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t get_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

static inline void put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(void *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* ---- ranges ---- */

/* True if [off, off + len) lies within [0, size), without overflow. */
static inline bool range_within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* True if [a, a + alen) and [b, b + blen) overlap (both non-empty). */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
				  uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a < b ? b - a < alen : a - b < blen;
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Whether len bytes at p are all zero. */
bool is_all_zero(const void *p, size_t len);

/* Parses all of s as a decimal int64_t (a note's "crash_time=" value);
 * false if s is NULL, empty or not one. */
bool parse_int64(const char *s, int64_t *out);

/* ---- I/O ---- */

/* pread()s until len bytes are in, the file ends or a read fails: the bytes
 * read, and in *err the errno that stopped it early (0 at the end). */
size_t pread_some(int fd, void *buf, size_t len, uint64_t off, int *err);
/* pread()s exactly len bytes; -ENODATA if the file ends first. */
int pread_full(int fd, void *buf, size_t len, uint64_t off);
/* write()s all of len, retrying on EINTR and short writes. */
int write_full(int fd, const void *buf, size_t len);
/* The same with pwrite() at off. */
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

/* ---- scope-bound cleanup (as in systemd) ---- */

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

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

#endif /* RPD_UTIL_H */
