/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * freertos_tasks_c_additions.h - included at the end of tasks.c
 * (configINCLUDE_FREERTOS_TASK_C_ADDITIONS_H), where TCB_t and the
 * kernel's lists are visible: the layouts the compiler chose, for the
 * tests to compare with what the DWARF reader finds.
 */
#include <stddef.h>

#include "fixture_layout.h"

#define FIXTURE_MEMBER_SIZE(type, m) ((uint32_t)sizeof(((type *)0)->m))
#define FIXTURE_LEN(type, m) \
	(FIXTURE_MEMBER_SIZE(type, m) / (uint32_t)sizeof(((type *)0)->m[0]))

__attribute__((used)) const struct fixture_layout fixture_layout = {
	.tcb_size = sizeof(TCB_t),
	.tcb_top_of_stack = offsetof(TCB_t, pxTopOfStack),
	.tcb_state_item = offsetof(TCB_t, xStateListItem),
	.tcb_event_item = offsetof(TCB_t, xEventListItem),
	.tcb_priority = offsetof(TCB_t, uxPriority),
	.tcb_stack = offsetof(TCB_t, pxStack),
	.tcb_name = offsetof(TCB_t, pcTaskName),
	.tcb_name_len = FIXTURE_LEN(TCB_t, pcTaskName),
#if configRECORD_STACK_HIGH_ADDRESS
	.tcb_end_of_stack = offsetof(TCB_t, pxEndOfStack),
#else
	.tcb_end_of_stack = FIXTURE_ABSENT,
#endif
	.tcb_notify_state = offsetof(TCB_t, ucNotifyState),
	.tcb_notify_state_len = FIXTURE_LEN(TCB_t, ucNotifyState),
	.tcb_state_item_container = offsetof(TCB_t, xStateListItem.pxContainer),
	.list_size = sizeof(List_t),
	.list_number_of_items = offsetof(List_t, uxNumberOfItems),
	.list_index = offsetof(List_t, pxIndex),
	.list_end = offsetof(List_t, xListEnd),
	.list_end_next = offsetof(List_t, xListEnd.pxNext),
	.item_size = sizeof(ListItem_t),
	.item_next = offsetof(ListItem_t, pxNext),
	.item_owner = offsetof(ListItem_t, pvOwner),
	.item_container = offsetof(ListItem_t, pxContainer),
	.mini_item_size = sizeof(MiniListItem_t),
	.ready_lists_len =
		sizeof(pxReadyTasksLists) / sizeof(pxReadyTasksLists[0]),
	.state_running = eRunning,
	.state_deleted = eDeleted,
};
