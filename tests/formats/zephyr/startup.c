// SPDX-License-Identifier: LGPL-2.1-or-later
/* startup.c - the stand-in's vector table; it never runs. */
extern char __stack_top[];

void reset(void)
{
	for (;;)
		__asm__ volatile("nop");
}

__attribute__((section(".vectors"),
	       used)) void *const vectors[2] = { __stack_top, reset };
