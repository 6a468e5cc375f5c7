// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * print_contexts.c - what a vendor's own tool built against an installed
 * librprocdump (pkg-config librprocdump) does: open a stored core, plain or
 * .core.gz, and print its register contexts, one line each:
 *
 *	context 0 tid 1 r0 0x... ... r12 0x... sp 0x... lr 0x... pc 0x... xpsr 0x...
 *
 * Only the installed public header is used.
 */
#include <inttypes.h>
#include <stdio.h>

#include <rproc/rprocdump.h>

int main(int argc, char **argv)
{
	static const char *const names[] = { "r0",  "r1", "r2",	 "r3",
					     "r4",  "r5", "r6",	 "r7",
					     "r8",  "r9", "r10", "r11",
					     "r12", "sp", "lr",	 "pc" };
	struct rpd_core *core;
	struct rpd_context ctx;
	size_t i, n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORE\n", argv[0]);
		return 2;
	}
	if (rpd_core_open(argv[1], &core) < 0) {
		fprintf(stderr, "%s\n", rpd_error());
		return 1;
	}
	for (i = 0; rpd_core_context(core, i, &ctx) == 0; i++) {
		printf("context %zu tid %" PRId32, i, ctx.tid);
		for (int r = 0; r < 16; r++)
			printf(" %s 0x%08" PRIx32, names[r], ctx.regs.r[r]);
		printf(" xpsr 0x%08" PRIx32 "\n", ctx.regs.xpsr);
	}
	printf("%zu contexts, remote %s\n", i,
	       rpd_core_info(core, "name") ? rpd_core_info(core, "name") : "?");
	n = rpd_core_ncontexts(core);
	rpd_core_free(core);
	return i == n ? 0 : 1;
}
