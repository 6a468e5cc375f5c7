// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_core.c - the stored core reader on arbitrary bytes: open, then use
 * everything the validation vouched for (every segment's bytes, every
 * note, the RPROC notes' entries and info values).
 */
#include <stdint.h>
#include <stdlib.h>

#include "core_format.h"

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

	for (size_t i = 0; i < rpd_core_nnotes(core); i++) {
		const struct rpd_note *n = rpd_core_note(core, i);
		const uint8_t *d = n->desc;

		touch(n->owner, strlen(n->owner));
		touch(n->desc, n->descsz);
		if (strcmp(n->owner, RPD_NOTE_OWNER))
			continue;
		if (n->type == RPD_NT_TRACE)
			for (size_t k = 0;
			     k + RPD_TRACE_ENTRY_SIZE <= n->descsz;
			     k += RPD_TRACE_ENTRY_SIZE) {
				struct rpd_trace_entry t;

				rpd_trace_entry_decode(d + k, &t);
				touch(t.name, strlen(t.name));
			}
		if (n->type == RPD_NT_SEGMAP)
			for (size_t k = 0;
			     k + RPD_SEGMAP_ENTRY_SIZE <= n->descsz;
			     k += RPD_SEGMAP_ENTRY_SIZE) {
				struct rpd_segmap_entry e;

				rpd_segmap_entry_decode(d + k, &e);
				if (e.load_index != RPD_SEGMAP_NO_LOAD)
					touch(rpd_core_segment(core,
							       e.load_index),
					      sizeof(struct rpd_segment));
			}
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = rpd_core_info(core, keys[i]);

		if (v)
			touch(v, strlen(v));
	}
	rpd_core_find_note(core, "CORE", NT_PRSTATUS, 1);
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
