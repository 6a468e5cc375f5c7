/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario_stackoverflow.c - unbounded recursion.
 *
 * The node list has a cycle, so walk_node() recurses until the stack is
 * nearly gone. Each level checks its stack pointer against the limit plus
 * a reserve, and raises RPROC_CRASH_REASON_STACK_OVERFLOW while there is
 * still room for the exception frame and the crash capture: unlike an MPU
 * guard (where stacking itself faults and the frame is lost), the record
 * then describes the deepest level and every frame down to main unwinds.
 */
#include <inttypes.h>
#include <stdint.h>

#include "fw.h"

const char fw_scenario_name[] = "stackoverflow";

/* Stack kept free for exception entry, crash capture and its logging. */
#define FW_STACK_RESERVE 512u

struct node {
	struct node *next;
	uint32_t value;
};

/* The bug: the last node points back at the second. */
struct node fw_nodes[4] = {
	{ .next = &fw_nodes[1], .value = 10 },
	{ .next = &fw_nodes[2], .value = 20 },
	{ .next = &fw_nodes[3], .value = 30 },
	{ .next = &fw_nodes[1], .value = 40 },
};

FW_ALWAYS_INLINE void stack_guard_check(uint32_t depth)
{
	uintptr_t sp;
	char msg[40];

	__asm__ volatile("mov %0, sp" : "=r"(sp));
	if (sp < (uintptr_t)__stack_limit + FW_STACK_RESERVE) {
		rproc_trace_format(msg, sizeof(msg),
				   "stack overflow at depth %" PRIu32, depth);
		rproc_crash_raise(RPROC_CRASH_REASON_STACK_OVERFLOW, msg);
	}
}

FW_NOINLINE uint32_t walk_node(const struct node *n, uint32_t depth)
{
	volatile uint32_t visited[16];
	uint32_t sum = 0;

	stack_guard_check(depth);
	visited[depth % 16] = n->value;
	if (n->next)
		sum = walk_node(n->next, depth + 1);
	/* Used after the call: no tail recursion, every level keeps a frame. */
	return sum + visited[depth % 16];
}

FW_NOINLINE uint32_t list_sum(const struct node *head)
{
	uint32_t sum;

	fw_log("list: summing from node value %" PRIu32 "\n", head->value);
	sum = walk_node(head, 0);
	fw_log("list: sum %" PRIu32 "\n", sum);
	return sum;
}

int scenario_run(uint32_t arg)
{
	uint32_t sum;

	fw_log("stackoverflow: command %" PRIu32 ", walking a list\n", arg);
	sum = list_sum(&fw_nodes[0]);
	return (int)sum;
}
