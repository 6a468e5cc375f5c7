/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * target_memory.h - memory as the crashed CPU saw it, for the readers that
 * interpret it (exception frames, RTOS task lists, Zephyr's coredump).
 *
 * Every byte is hostile: a crashed remote may be a compromised one.
 */
#ifndef RPD_TARGET_MEMORY_H
#define RPD_TARGET_MEMORY_H

#include <stddef.h>
#include <stdint.h>

struct rpd_memory {
	/* len bytes at CPU address addr: 0, or -ENOENT where any is missing */
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
};

static inline int rpd_memory_read(const struct rpd_memory *mem, uint64_t addr,
				  void *buf, size_t len)
{
	return mem->read(mem->ctx, addr, buf, len);
}

#endif /* RPD_TARGET_MEMORY_H */
