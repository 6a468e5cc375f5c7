// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwfl_unwind - unwind every thread of a stored core with elfutils' libdwfl,
 * the way eu-stack would if it knew where a bare-metal firmware is loaded.
 *
 *   dwfl_unwind FIRMWARE.elf CORE
 *
 * Prints "TID n:" then one "#k 0xPC function" line per frame. libdwfl finds
 * no modules in a bare-metal core (no link map, no NT_FILE), so the firmware
 * is reported at its link addresses before attaching to the core.
 */
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *debuginfo_path;
static int depth; /* of the frame being printed, per thread */

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static int print_frame(Dwfl_Frame *frame, void *arg)
{
	Dwfl *dwfl = arg;
	Dwarf_Addr pc, pc_lookup;
	bool activation;
	const char *name = NULL;
	Dwfl_Module *mod;

	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	pc_lookup = pc;
	/* A return address points after the call; look up the call itself. */
	if (depth > 0 && !activation)
		pc_lookup = pc - 1;
	mod = dwfl_addrmodule(dwfl, pc_lookup);
	if (mod)
		name = dwfl_module_addrname(mod, pc_lookup);
	printf("#%d 0x%" PRIx64 " %s\n", depth++, (uint64_t)pc,
	       name ? name : "??");
	return depth > 64 ? DWARF_CB_ABORT : DWARF_CB_OK;
}

static int print_thread(Dwfl_Thread *thread, void *arg)
{
	printf("TID %d:\n", (int)dwfl_thread_tid(thread));
	depth = 0;
	if (dwfl_thread_getframes(thread, print_frame, arg) != 0 &&
	    dwfl_errno() != 0)
		printf("end: %s\n", dwfl_errmsg(-1));
	return DWARF_CB_OK;
}

int main(int argc, char **argv)
{
	Dwfl *dwfl;
	Elf *core;
	int fd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FIRMWARE.elf CORE\n", argv[0]);
		return 2;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	core = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	dwfl = dwfl_begin(&callbacks);
	if (!core || !dwfl) {
		fprintf(stderr, "%s: %s\n", argv[2], elf_errmsg(-1));
		return 1;
	}

	dwfl_report_begin(dwfl);
	if (!dwfl_report_elf(dwfl, "firmware", argv[1], -1, 0, false)) {
		fprintf(stderr, "%s: %s\n", argv[1], dwfl_errmsg(-1));
		return 1;
	}
	if (dwfl_core_file_report(dwfl, core, NULL) < 0) {
		fprintf(stderr, "%s: dwfl_core_file_report: %s\n", argv[2],
			dwfl_errmsg(-1));
		return 1;
	}
	dwfl_report_end(dwfl, NULL, NULL);

	r = dwfl_core_file_attach(dwfl, core);
	if (r < 0) {
		fprintf(stderr, "%s: dwfl_core_file_attach: %s\n", argv[2],
			dwfl_errmsg(-1));
		return 1;
	}
	r = dwfl_getthreads(dwfl, print_thread, dwfl);
	dwfl_end(dwfl);
	elf_end(core);
	close(fd);
	return r == 0 ? 0 : 1;
}
