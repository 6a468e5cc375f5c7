// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_core.c - the stored core reader on arbitrary bytes: open, then use
 * everything the validation vouched for through the public accessors
 * (every segment's bytes, every note, register contexts, the RPROC notes'
 * entries and info values).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rproc/rprocdump.h"

static volatile uint8_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= b[i];
	sink = x;
}

static void read_segments(const struct rpd_core *core)
{
	for (size_t i = 0; i < rpd_core_nsegments(core); i++) {
		const struct rpd_segment *s = rpd_core_segment(core, i);
		uint8_t *buf = malloc(s->filesz ? s->filesz : 1);

		if (!buf)
			return;
		if (rpd_core_read(core, s->vaddr, buf, s->filesz) == 0)
			touch(buf, s->filesz);
		/* Past p_filesz, into the next segment or nothing. */
		rpd_core_read(core, s->vaddr + s->filesz / 2, buf,
			      s->filesz - s->filesz / 2);
		free(buf);
	}
}

static void read_notes(const struct rpd_core *core)
{
	static const char *const keys[] = { "name", "firmware", "build_id",
					    "crash_type", "truncated" };
	const char *key, *value;
	struct rpd_segmap_entry e;
	struct rpd_trace_desc t;
	struct rpd_context ctx;
	uint32_t format;
	size_t keylen;

	for (size_t i = 0; i < rpd_core_nnotes(core); i++) {
		const struct rpd_note *n = rpd_core_note(core, i);

		touch(n->owner, strlen(n->owner));
		touch(n->desc, n->descsz);
	}
	for (size_t i = 0; rpd_core_trace(core, i, &t, &format) == 0; i++)
		touch(t.name, strlen(t.name));
	for (size_t i = 0; rpd_core_segmap(core, i, &e) == 0; i++)
		if (e.load_index != RPD_SEGMAP_NO_LOAD)
			touch(rpd_core_segment(core, e.load_index),
			      sizeof(struct rpd_segment));
	for (size_t i = 0; rpd_core_context(core, i, &ctx) == 0; i++)
		touch(&ctx, sizeof(ctx));
	for (size_t i = 0;
	     rpd_core_info_at(core, i, &key, &keylen, &value) == 0; i++) {
		touch(key, keylen);
		touch(value, strlen(value));
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = rpd_core_info(core, keys[i]);

		if (v)
			touch(v, strlen(v));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_core *core;

	if (rpd_core_open_mem(data, size, &core) < 0)
		return 0;
	read_segments(core);
	read_notes(core);
	rpd_core_free(core);
	return 0;
}
