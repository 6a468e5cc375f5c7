/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz_ram.h - a fuzz input as the remote's RAM, for the targets that read
 * it through a struct rpd_memory.
 */
#ifndef RPD_FUZZ_RAM_H
#define RPD_FUZZ_RAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Where the input sits in the remote's address space. */
#define RAM_BASE 0x20000000u

struct ram {
	const uint8_t *p;
	size_t len;
};

/**
 * ram_read() - an rpd_memory reader over a struct ram at RAM_BASE
 * @ctx: the struct ram
 * @addr: the remote address
 * @buf: filled with @len bytes
 * @len: how many
 *
 * Return: 0, or -ENOENT for what lies outside the input.
 */
static inline int ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct ram *ram = ctx;

	if (addr < RAM_BASE || !range_within(addr - RAM_BASE, len, ram->len))
		return -ENOENT;
	memcpy(buf, ram->p + (addr - RAM_BASE), len);
	return 0;
}

#endif /* RPD_FUZZ_RAM_H */
