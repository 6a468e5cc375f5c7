// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_rtos_zephyr.c - the Zephyr walker and the crash state it feeds, on
 * hostile RAM.
 *
 * The firmware is the Zephyr-shaped stand-in of tests/formats/zephyr/,
 * built with this target (RPD_ZEPHYR_STANDIN_ELF); the input is its RAM
 * at 0x20000000, as much as the input holds. Seeds are RAM images that
 * walk fully (test_rtos_zephyr --seeds). Whatever the bytes, the walk
 * must end, stay within its limits and return NUL-terminated text; every
 * failure must say why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash_state.h"
#include "dwarf_types.h"
#include "fuzz_ram.h"
#include "rtos.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rpd_firmware *fw;
static struct rpd_dwarf *dw;

static void open_firmware(void)
{
	if (fw)
		return;
	if (rpd_firmware_open(RPD_ZEPHYR_STANDIN_ELF, &fw) < 0 ||
	    rpd_dwarf_open(fw, &dw) < 0) {
		fprintf(stderr, "%s: %s\n", RPD_ZEPHYR_STANDIN_ELF,
			rpd_error());
		abort();
	}
}

static void check_text(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

static void walk(const struct rpd_memory *mem)
{
	struct rpd_rtos_state s;
	int r = rpd_rtos_zephyr(fw, dw, mem, &s);

	if (r < 0 && !*rpd_error())
		abort();
	if (s.ntasks > RPD_RTOS_MAX_TASKS ||
	    s.nproblems > RPD_RTOS_MAX_PROBLEMS)
		abort();
	for (size_t i = 0; i < s.ntasks; i++) {
		check_text(s.tasks[i].name, sizeof(s.tasks[i].name));
		check_text(s.tasks[i].blocked_on,
			   sizeof(s.tasks[i].blocked_on));
		if (i && s.tasks[i].current)
			abort(); /* the current thread comes first */
	}
	for (size_t i = 0; i < s.nproblems; i++)
		if (!s.problems[i])
			abort();
	rpd_rtos_state_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ram ram = { data, size };
	const struct rpd_memory mem = { ram_read, &ram };
	struct rpd_crash_state st;

	open_firmware();
	walk(&mem);
	if (rpd_crash_state_derive(fw, &mem, &st) < 0 && !*rpd_error())
		abort();
	if (st.nthreads > RPD_MAX_THREADS)
		abort();
	rpd_crash_state_release(&st);
	return 0;
}
