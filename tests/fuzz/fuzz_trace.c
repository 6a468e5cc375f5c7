// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_trace.c - every trace buffer decoder on hostile bytes.
 *
 * Input: a selector byte, then the buffer. The selector's low 3 bits pick
 * the format (0 detects it, 7 is not a format); bit 7 says that a Zephyr
 * write position (4 bytes, little-endian) comes before the buffer, as the
 * analyzer reads it from firmware RAM that may be as hostile as the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rproc/rprocdump.h"
#include "unaligned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpd_trace_state state = { 0 };
	struct rpd_trace_text *text = NULL;
	uint8_t selector;
	uint8_t *buf;
	int r;

	if (size < 1)
		return 0;
	selector = data[0];
	data++;
	size--;
	if (selector & 0x80) {
		if (size < 4)
			return 0;
		state.have_zephyr_pos = true;
		state.zephyr_pos = get_le32(data);
		data += 4;
		size -= 4;
	}
	/* A copy of exactly the buffer, so ASan sees any read beyond it. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	r = rpd_trace_decode(buf, size, (enum rpd_trace_format)(selector & 7),
			     &state, &text);
	if (r == 0) {
		/* The text is made of the buffer's bytes, never more. */
		if (text->len > size || text->text[text->len] != '\0' ||
		    !rpd_trace_format_name(text->format))
			abort();
	} else if (!*rpd_error()) {
		abort(); /* every failure says why */
	}
	rpd_trace_text_free(text);
	free(buf);
	return 0;
}
