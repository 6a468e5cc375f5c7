// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zephyr_ram_console_header.c - port of Zephyr's ram_console with
 * CONFIG_RAM_CONSOLE_HEADER (NXP): ram_console_init() writes a struct
 * ram_console_header { char flag_string[12]; char *buf_addr; size_t
 * buf_size; uint32_t pos; } at the buffer's start, and ram_console_out()
 * stores at pos % buf_size an absolute position.
 *
 * The header's fields are stored at the offsets the firmware's compiler
 * gives them for its word size, little-endian, as the remote would.
 */
#include <string.h>

#include "trace_writers.h"

#define RAM_CONSOLE_HEAD_STR "RAM_CONSOLE"
#define RAM_CONSOLE_HEAD_SIZE 64

static void put_word(uint8_t *p, uint64_t v, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_word(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Offsets of buf_addr, buf_size and pos: after flag_string, aligned. */
static size_t off_buf_addr(const struct zephyr_header_console *c)
{
	return (12 + c->word_size - 1) / c->word_size * c->word_size;
}

static size_t off_buf_size(const struct zephyr_header_console *c)
{
	return off_buf_addr(c) + c->word_size;
}

static size_t off_pos(const struct zephyr_header_console *c)
{
	return off_buf_size(c) + c->word_size;
}

static uint32_t header_pos(const struct zephyr_header_console *c)
{
	return (uint32_t)get_word(c->mem + off_pos(c), 4);
}

void zephyr_header_console_set_pos(struct zephyr_header_console *c,
				   uint32_t pos)
{
	put_word(c->mem + off_pos(c), pos, 4);
}

void zephyr_header_console_init(struct zephyr_header_console *c, uint8_t *mem,
				size_t size, unsigned int word_size)
{
	unsigned int usable = (unsigned int)size - 1;

	c->mem = mem;
	c->size = size;
	c->word_size = word_size;
	memset(mem, 0, usable + 1);
	strcpy((char *)mem, RAM_CONSOLE_HEAD_STR);
	/* buf_addr is a remote address; any value will do for the host. */
	put_word(mem + off_buf_addr(c), 0x20000000u + RAM_CONSOLE_HEAD_SIZE,
		 word_size);
	put_word(mem + off_buf_size(c), usable - RAM_CONSOLE_HEAD_SIZE,
		 word_size);
	zephyr_header_console_set_pos(c, 0);
}

int zephyr_header_console_out(struct zephyr_header_console *c, int character)
{
	uint8_t *buf_addr = c->mem + RAM_CONSOLE_HEAD_SIZE;
	uint32_t buf_size =
		(uint32_t)get_word(c->mem + off_buf_size(c), c->word_size);
	uint32_t pos = header_pos(c);

	buf_addr[pos % buf_size] = (uint8_t)character;
	pos++;
	/* in case of overflow as it is absolute position */
	if (pos == 0)
		pos = (0xFFFFFFFF % buf_size) + 1;
	zephyr_header_console_set_pos(c, pos);
	return character;
}
