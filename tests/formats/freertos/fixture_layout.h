/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fixture_layout.h - the layouts of FreeRTOS's private types as the
 * compiler laid them out, exported by the test firmware
 * (freertos_tasks_c_additions.h, compiled inside tasks.c) so that the
 * unit tests check offsets read from DWARF against offsetof(), not
 * against the code under test. Every field is a uint32_t: the ARM
 * firmware and the host test agree on this struct's own layout.
 */
#ifndef FIXTURE_LAYOUT_H
#define FIXTURE_LAYOUT_H

#include <stdint.h>

#define FIXTURE_ABSENT 0xffffffffu /* a member this configuration lacks */

struct fixture_layout {
	uint32_t tcb_size;
	uint32_t tcb_top_of_stack;
	uint32_t tcb_state_item;
	uint32_t tcb_event_item;
	uint32_t tcb_priority;
	uint32_t tcb_stack;
	uint32_t tcb_name;
	uint32_t tcb_name_len;
	uint32_t tcb_end_of_stack;
	uint32_t tcb_notify_state;
	uint32_t tcb_notify_state_len;
	uint32_t tcb_state_item_container; /* xStateListItem.pxContainer */
	uint32_t list_size;
	uint32_t list_number_of_items;
	uint32_t list_index;
	uint32_t list_end;
	uint32_t list_end_next; /* xListEnd.pxNext */
	uint32_t item_size;
	uint32_t item_next;
	uint32_t item_owner;
	uint32_t item_container;
	uint32_t mini_item_size;
	uint32_t ready_lists_len;
	uint32_t state_running; /* eTaskState's enumerators */
	uint32_t state_deleted;
};

#endif /* FIXTURE_LAYOUT_H */
