/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * address_index.h - find which of a file's segments holds an address.
 *
 * Every reader of this library (firmware ELF, devcoredump, stored core)
 * maps an address space onto ranges of its file: it must refuse ranges that
 * overlap, since an address would then have two meanings, look an address
 * up, and read a span of addresses that crosses from one range into the
 * next. The index does all three; the caller keeps what a range means (which
 * segment, where its bytes are) and supplies the copy.
 */
#ifndef RPD_ADDRESS_INDEX_H
#define RPD_ADDRESS_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* [start, start + len) of an address space, and what it is to the caller. */
struct rpd_range {
	uint64_t start;
	uint64_t len;
	size_t index; /* the caller's: which of its segments */
};

/*
 * Ranges added, then sorted by rpd_address_index_finish(): from then on
 * non-empty, in ascending order and disjoint, so that at most one range
 * holds an address. Zero-initialise; release with rpd_address_index_clear().
 */
struct rpd_address_index {
	struct rpd_range *ranges;
	size_t n;
	size_t cap;
};

/* Adds [start, start + len) for the caller's index; empty ranges hold no
 * address and are left out. Return: 0 or -ENOMEM. */
int rpd_address_index_add(struct rpd_address_index *idx, uint64_t start,
			  uint64_t len, size_t index);

/**
 * rpd_address_index_finish() - sort the ranges and check they are disjoint
 * @idx: the index, with every range added
 * @what: names the ranges in messages ("loadable segments")
 *
 * Callers check their ranges against their own address limits first (32
 * bits for ELF32); this only refuses a range that wraps around 64 bits,
 * which the lookup could not place.
 *
 * Return: 0, or -EINVAL with a message such as "loadable segments
 * 0x1000+0x800 and 0x17ff+0x10 overlap" for the caller to prefix with the
 * file's name.
 */
int rpd_address_index_finish(struct rpd_address_index *idx, const char *what);

void rpd_address_index_clear(struct rpd_address_index *idx);

/* The range holding addr, or NULL. */
const struct rpd_range *
rpd_address_index_find(const struct rpd_address_index *idx, uint64_t addr);

/**
 * rpd_range_read_fn - copy bytes of one range
 * @ctx: the caller's context
 * @range: the range holding the first byte
 * @skip: the first byte's offset in @range
 * @buf: where to put the bytes
 * @len: at most how many (never beyond the end of @range)
 *
 * Return: the number of bytes copied, from 1 to @len; 0 if @range has no
 * bytes at @skip (memory the file does not hold, as .bss), which ends the
 * read with -ENOENT; or a negative errno, with a message.
 */
typedef ssize_t (*rpd_range_read_fn)(const void *ctx,
				     const struct rpd_range *range,
				     uint64_t skip, void *buf, size_t len);

/**
 * rpd_address_index_read() - read a span of addresses across ranges
 * @idx: the finished index
 * @addr: the first address
 * @buf: filled with @len bytes
 * @len: how many
 * @copy: copies the bytes of one range
 * @ctx: passed to @copy
 * @missing: where the read stopped; on -ENOENT, the first address without
 *	     bytes
 *
 * The span may cross from one range into the next where they are adjacent.
 * -ENOENT and -EOVERFLOW record no message: the caller knows the file and
 * the kind of address, and words it.
 *
 * Return: 0; -ENOENT for a hole; -EOVERFLOW if the span wraps around the
 * address space; or the error of @copy.
 */
int rpd_address_index_read(const struct rpd_address_index *idx, uint64_t addr,
			   void *buf, size_t len, rpd_range_read_fn copy,
			   const void *ctx, uint64_t *missing);

#endif /* RPD_ADDRESS_INDEX_H */
