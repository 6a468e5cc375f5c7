// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtos_freertos.c - FreeRTOS's tasks from a dump (FreeRTOS-Kernel V10 and
 * V11, single core).
 *
 * The kernel keeps every task on exactly one state list, through the
 * task's xStateListItem: pxReadyTasksLists[priority], the two delayed
 * lists (the current one and the one for wake times past the tick
 * counter's wrap), xSuspendedTaskList, xTasksWaitingTermination. A task
 * blocked on a queue, semaphore, mutex or event group is also on that
 * object's waiting list through its xEventListItem, which names the list
 * in pxContainer; a task readied while the scheduler was suspended waits
 * on xPendingReadyList through its xEventListItem. pxCurrentTCB is the
 * running task. Every offset and length used here comes from the
 * firmware's DWARF: the TCB and list layouts change with the kernel's
 * configuration (integrity check bytes, optional members, array
 * lengths).
 *
 * A task's saved context is the port's: the registers the context switch
 * (PendSV) pushes below the frame the hardware stacked on exception
 * entry, pxTopOfStack pointing at the lowest. Only the order of those
 * registers is written here, from the port's assembly (see the slots
 * tables below); which port the firmware uses is decided, in this order,
 * by the compile unit of its port.c (DWARF), by symbols only one port
 * family defines, and by the CPU architecture in .ARM.attributes. Each
 * decoded context is checked (Thumb bit, pc in code, EXC_RETURN shape);
 * one that fails is reported and left out.
 *
 * Stack use: FreeRTOS fills a new stack with 0xa5 (tskSTACK_FILL_BYTE);
 * stack_unused counts the fill left from the stack's low end up, as
 * uxTaskGetStackHighWaterMark() does, in bytes. When no task shows any
 * fill, the build does not fill stacks and stack use is unknown.
 *
 * Overflow rule: stack_overflowed is set when the saved stack pointer is
 * below the stack's low end (the switch itself pushed past it), or when
 * stacks are filled and fewer than 16 bytes of fill are left at the low
 * end, the 16 bytes configCHECK_FOR_STACK_OVERFLOW 2 checks. A saved
 * stack pointer above the stack is corruption, not overflow: a problem.
 */
#include <dwarf.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>

#include "firmware_internal.h"
#include "rtos.h"
#include "util.h"

#define TCB_MAX_SIZE 8192
#define LIST_MAX_SIZE 256
#define MAX_READY_LISTS 256
#define MAX_REGISTRY 256
#define MAX_STACK_SIZE (16u << 20)
#define MAX_FILL_SCAN (1u << 20)
#define QUEUE_NAME_MAX 16
#define MAX_QUEUE_LENGTH (1u << 20)

/* The kernel's constants; macros, so not in DWARF. */
#define STACK_FILL_BYTE 0xa5   /* tskSTACK_FILL_BYTE */
#define WAITING_NOTIFICATION 1 /* taskWAITING_NOTIFICATION */
/* the bytes configCHECK_FOR_STACK_OVERFLOW 2 checks */
#define OVERFLOW_CHECK_BYTES 16

/* ARMv7-M / ARMv8-M exception return (the architecture's). */
#define EXC_RETURN_PREFIX 0xff000000u
#define SHT_ARM_ATTRIBUTES_TYPE 0x70000003u
#define TAG_CPU_ARCH 6

/* ---- the layouts, from DWARF ---------------------------------------------- */

struct layout {
	unsigned ptr; /* pointer size */

	uint64_t tcb_size;
	struct rpd_rtos_field top_of_stack, priority, stack, end_of_stack;
	uint32_t state_item, event_item, name;
	uint32_t name_len;
	/* ucNotifyState[notify_len] (V10.4+: uint8_t, taskWAITING_NOTIFICATION),
	 * or eNotifyState (older: an enum, eWaitingNotification) */
	struct rpd_rtos_field notify_state;
	uint32_t notify_len;
	uint64_t notify_waiting;
	bool have_end_of_stack, have_notify_state, mpu_settings;
	unsigned stack_word; /* sizeof(StackType_t) */

	uint64_t item_size;
	struct rpd_rtos_field item_next, item_owner, item_container;
	uint64_t list_size;
	struct rpd_rtos_field list_count;
	uint32_t list_end;
	struct rpd_rtos_field end_next,
		end_value; /* of xListEnd, from the list */

	uint64_t current_tcb; /* &pxCurrentTCB */
	uint64_t ready_lists;
	uint32_t nready;

	bool have_queue;
	uint64_t queue_size;
	uint32_t queue_send, queue_receive;
	struct rpd_rtos_field queue_head, queue_tail, queue_length,
		queue_item_size;
	struct rpd_rtos_field queue_holder;
	bool have_tail, have_holder;

	bool have_registry;
	uint64_t registry, registry_entry;
	uint32_t nregistry;
	struct rpd_rtos_field registry_name, registry_handle;

	bool have_event_group;
	uint64_t event_group_size;
	uint32_t event_group_list;
	struct rpd_rtos_field event_group_bits;
};

enum list_kind {
	LIST_READY,
	LIST_DELAYED,
	LIST_SUSPENDED,
	LIST_TERMINATION,
	LIST_PENDING_READY,
};

struct found {
	uint64_t tcb;
	enum list_kind kind;
	const char *list;
};

struct port_frame {
	const uint8_t *slots; /* the port's words, lowest address first */
	size_t nslots;
	bool fp; /* s16-s31 follow when EXC_RETURN says extended */
};

struct walk {
	const struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	const struct rpd_memory *mem;
	struct rpd_rtos_state *out;
	struct layout L;
	const struct port_frame *frame; /* NULL: contexts not decoded */
	uint64_t current;
	struct found found[RPD_RTOS_MAX_TASKS];
	size_t nfound;
	bool full;
	bool oom; /* a problem could not be recorded */
	char list_names[MAX_READY_LISTS][32];
};

/* A problem of the walk; one that cannot be recorded fails it at the end. */
#define problem(w, ...) rpd_rtos_note_problem((w)->out, &(w)->oom, __VA_ARGS__)

/* The first of the paths that type has: old kernels named some
 * members differently. */
static int member_of(struct walk *w, const struct rpd_dwarf_type *type,
		     const char *const *paths, struct rpd_dwarf_member *m)
{
	int r = -ENOENT;

	for (; *paths && r == -ENOENT; paths++)
		r = rpd_dwarf_member(w->dw, type, *paths, m);
	if (r == 0 &&
	    (m->offset > type->size || m->type.size > type->size - m->offset))
		return rpd_fail(-EINVAL,
				"member %s at %llu+%llu outside its %llu bytes",
				paths[-1], (unsigned long long)m->offset,
				(unsigned long long)m->type.size,
				(unsigned long long)type->size);
	return r;
}

#define PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A member read as an integer: scalar, pointer or enum of 1-8 bytes. */
static int scalar_of(struct walk *w, const struct rpd_dwarf_type *type,
		     const char *const *paths, struct rpd_rtos_field *f)
{
	struct rpd_dwarf_member m;
	int r = member_of(w, type, paths, &m);

	if (r < 0)
		return r;
	if (m.type.size != 1 && m.type.size != 2 && m.type.size != 4 &&
	    m.type.size != 8)
		return rpd_fail(-EINVAL, "member %s is %llu bytes", paths[0],
				(unsigned long long)m.type.size);
	*f = (struct rpd_rtos_field){ .off = (uint32_t)m.offset,
				      .size = (uint8_t)m.type.size };
	return 0;
}

static int pointer_of(struct walk *w, const struct rpd_dwarf_type *type,
		      const char *const *paths, struct rpd_rtos_field *f)
{
	int r = scalar_of(w, type, paths, f);

	if (r == 0 && f->size != w->L.ptr)
		return rpd_fail(-EINVAL, "member %s is not a pointer",
				paths[0]);
	return r;
}

static int offset_of(struct walk *w, const struct rpd_dwarf_type *type,
		     const char *const *paths, uint32_t *off,
		     struct rpd_dwarf_type *mtype)
{
	struct rpd_dwarf_member m;
	int r = member_of(w, type, paths, &m);

	if (r < 0)
		return r;
	*off = (uint32_t)m.offset;
	if (mtype)
		*mtype = m.type;
	return 0;
}

/* ListItem_t, List_t and MiniListItem_t, from the ready lists' type. */
static int load_lists(struct walk *w, const struct rpd_dwarf_type *list,
		      const struct rpd_dwarf_type *item)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_type mini;
	struct rpd_rtos_field mini_next, mini_value;
	int r;

	if (list->size > LIST_MAX_SIZE || item->size > LIST_MAX_SIZE)
		return rpd_fail(-EINVAL, "List_t of %llu bytes",
				(unsigned long long)list->size);
	L->list_size = list->size;
	L->item_size = item->size;
	r = scalar_of(w, list, PATHS("uxNumberOfItems"), &L->list_count);
	if (r == 0)
		r = offset_of(w, list, PATHS("xListEnd"), &L->list_end, &mini);
	if (r == 0)
		r = pointer_of(w, &mini, PATHS("pxNext"), &mini_next);
	if (r == 0)
		r = scalar_of(w, &mini, PATHS("xItemValue"), &mini_value);
	if (r < 0)
		return rpd_rtos_layout_fail(r, "FreeRTOS", "List_t");
	if (item->size > L->tcb_size ||
	    L->state_item > L->tcb_size - item->size ||
	    L->event_item > L->tcb_size - item->size)
		return rpd_fail(
			-EINVAL,
			"FreeRTOS TCB_t: its list items are not inside it");
	L->end_next = (struct rpd_rtos_field){ L->list_end + mini_next.off,
					       mini_next.size };
	L->end_value = (struct rpd_rtos_field){ L->list_end + mini_value.off,
						mini_value.size };
	r = pointer_of(w, item, PATHS("pxNext"), &L->item_next);
	if (r == 0)
		r = pointer_of(w, item, PATHS("pvOwner"), &L->item_owner);
	if (r == 0)
		r = pointer_of(w, item, PATHS("pxContainer", "pvContainer"),
			       &L->item_container);
	return r < 0 ? rpd_rtos_layout_fail(r, "FreeRTOS", "ListItem_t") : 0;
}

static void load_notify_state(struct walk *w, const struct rpd_dwarf_type *tcb)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_array array;
	struct rpd_dwarf_member m;
	int64_t waiting;

	if (member_of(w, tcb, PATHS("ucNotifyState"), &m) == 0 &&
	    rpd_dwarf_array(w->dw, &m.type, &array) == 0 &&
	    array.element.size == 1) {
		L->notify_state =
			(struct rpd_rtos_field){ (uint32_t)m.offset, 1 };
		L->notify_len = (uint32_t)MIN(array.count, m.type.size);
		L->notify_waiting = WAITING_NOTIFICATION;
		L->have_notify_state = true;
	} else if (scalar_of(w, tcb, PATHS("ucNotifyState", "eNotifyState"),
			     &L->notify_state) == 0) {
		L->notify_len = 1;
		L->notify_waiting = WAITING_NOTIFICATION;
		if (rpd_dwarf_enumerator(w->dw, NULL, "eWaitingNotification",
					 &waiting) == 0)
			L->notify_waiting = (uint64_t)waiting;
		L->have_notify_state = true;
	}
}

static int load_tcb(struct walk *w, const struct rpd_dwarf_type *tcb,
		    struct rpd_dwarf_type *item)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_type name, stack_ptr, word;
	struct rpd_dwarf_array array;
	struct rpd_dwarf_member m;
	int r;

	if (tcb->size == 0 || tcb->size > TCB_MAX_SIZE)
		return rpd_fail(-EINVAL, "FreeRTOS TCB_t of %llu bytes",
				(unsigned long long)tcb->size);
	L->tcb_size = tcb->size;
	r = member_of(w, tcb, PATHS("pxTopOfStack"), &m);
	if (r == 0)
		L->ptr = (unsigned)m.type.size;
	if (r == 0 && L->ptr != 4 && L->ptr != 8)
		r = rpd_fail(-EINVAL, "pointers of %u bytes", L->ptr);
	if (r == 0)
		r = pointer_of(w, tcb, PATHS("pxTopOfStack"), &L->top_of_stack);
	if (r == 0)
		r = offset_of(w, tcb,
			      PATHS("xStateListItem", "xGenericListItem"),
			      &L->state_item, item);
	if (r == 0)
		r = offset_of(w, tcb, PATHS("xEventListItem"), &L->event_item,
			      NULL);
	if (r == 0)
		r = scalar_of(w, tcb, PATHS("uxPriority"), &L->priority);
	if (r == 0)
		r = pointer_of(w, tcb, PATHS("pxStack"), &L->stack);
	if (r == 0)
		r = offset_of(w, tcb, PATHS("pcTaskName"), &L->name, &name);
	if (r == 0)
		r = rpd_dwarf_array(w->dw, &name, &array);
	if (r < 0)
		return rpd_rtos_layout_fail(r, "FreeRTOS", "TCB_t");
	L->name_len = (uint32_t)MIN(array.count, name.size);

	/* sizeof(StackType_t), for the word pxEndOfStack points at */
	L->stack_word = 4;
	if (rpd_dwarf_member(w->dw, tcb, "pxStack", &m) == 0) {
		stack_ptr = m.type;
		if (rpd_dwarf_pointee(w->dw, &stack_ptr, &word) == 0 &&
		    word.size && word.size <= 8)
			L->stack_word = (unsigned)word.size;
	}
	/* The configuration's optional members. */
	L->have_end_of_stack = pointer_of(w, tcb, PATHS("pxEndOfStack"),
					  &L->end_of_stack) == 0;
	load_notify_state(w, tcb);
	L->mpu_settings = rpd_dwarf_has_member(w->dw, tcb, "xMPUSettings");
	return 0;
}

/* Queue_t and the queue registry, when the firmware has them. */
static void load_queues(struct walk *w)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_variable var;
	struct rpd_dwarf_array array;
	struct rpd_dwarf_type q;

	if (rpd_dwarf_type(w->dw, "struct QueueDefinition", &q) < 0 &&
	    rpd_dwarf_type(w->dw, "Queue_t", &q) < 0)
		return;
	L->queue_size = q.size;
	L->have_queue =
		q.size && q.size <= TCB_MAX_SIZE &&
		offset_of(w, &q, PATHS("xTasksWaitingToSend"), &L->queue_send,
			  NULL) == 0 &&
		offset_of(w, &q, PATHS("xTasksWaitingToReceive"),
			  &L->queue_receive, NULL) == 0 &&
		pointer_of(w, &q, PATHS("pcHead"), &L->queue_head) == 0 &&
		scalar_of(w, &q, PATHS("uxLength"), &L->queue_length) == 0 &&
		scalar_of(w, &q, PATHS("uxItemSize"), &L->queue_item_size) == 0;
	L->have_tail = pointer_of(w, &q, PATHS("u.xQueue.pcTail", "pcTail"),
				  &L->queue_tail) == 0;
	/* Old kernels: #define pxMutexHolder pcTail */
	L->have_holder = pointer_of(w, &q,
				    PATHS("u.xSemaphore.xMutexHolder",
					  "pxMutexHolder", "pcTail"),
				    &L->queue_holder) == 0;

	if (!L->have_queue ||
	    rpd_dwarf_variable(w->dw, "xQueueRegistry", &var) < 0 ||
	    rpd_dwarf_array(w->dw, &var.type, &array) < 0 ||
	    !array.element.size || array.element.size > 64)
		return;
	L->registry = var.addr;
	L->registry_entry = array.element.size;
	L->nregistry = (uint32_t)MIN(array.count, MAX_REGISTRY);
	L->have_registry = pointer_of(w, &array.element, PATHS("pcQueueName"),
				      &L->registry_name) == 0 &&
			   pointer_of(w, &array.element, PATHS("xHandle"),
				      &L->registry_handle) == 0;
}

static void load_event_groups(struct walk *w)
{
	struct layout *L = &w->L;
	struct rpd_dwarf_type e;

	if (rpd_dwarf_type(w->dw, "struct EventGroupDef_t", &e) < 0 &&
	    rpd_dwarf_type(w->dw, "EventGroup_t", &e) < 0 &&
	    rpd_dwarf_type(w->dw, "struct xEventGroupDefinition", &e) < 0)
		return;
	L->event_group_size = e.size;
	L->have_event_group = e.size && e.size <= TCB_MAX_SIZE &&
			      offset_of(w, &e, PATHS("xTasksWaitingForBits"),
					&L->event_group_list, NULL) == 0 &&
			      scalar_of(w, &e, PATHS("uxEventBits"),
					&L->event_group_bits) == 0;
}

/*
 * The types come from the variables: TCB_t is what pxCurrentTCB points
 * to, List_t what pxReadyTasksLists holds; tasks.c's unit is indexed
 * first, found through the static.
 */
static int load_layout(struct walk *w)
{
	struct rpd_dwarf_variable ready, current;
	struct rpd_dwarf_type tcb, item;
	struct rpd_dwarf_array array;
	int r;

	if (rpd_dwarf_variable(w->dw, "pxReadyTasksLists", &ready) < 0)
		return rpd_fail(
			-ENOENT,
			"%s: not a FreeRTOS firmware (no pxReadyTasksLists)",
			rpd_firmware_path(w->fw));
	r = rpd_dwarf_variable(w->dw, "pxCurrentTCB", &current);
	if (r < 0 && rpd_dwarf_variable(w->dw, "pxCurrentTCBs", &current) == 0)
		return rpd_fail(
			-ENOTSUP,
			"%s: FreeRTOS SMP (pxCurrentTCBs) is not supported",
			rpd_firmware_path(w->fw));
	if (r < 0)
		return rpd_fail(-ENOENT,
				"%s: not a FreeRTOS firmware (no pxCurrentTCB)",
				rpd_firmware_path(w->fw));
	r = rpd_dwarf_pointee(w->dw, &current.type, &tcb);
	if (r == 0)
		r = load_tcb(w, &tcb, &item);
	if (r == 0)
		r = rpd_dwarf_array(w->dw, &ready.type, &array);
	if (r == 0)
		r = load_lists(w, &array.element, &item);
	if (r < 0)
		return rpd_fail_prefix(r, "%s", rpd_firmware_path(w->fw));
	w->L.current_tcb = current.addr;
	w->L.ready_lists = ready.addr;
	w->L.nready = (uint32_t)MIN(array.count, MAX_READY_LISTS);
	if (array.count > MAX_READY_LISTS)
		problem(w, "pxReadyTasksLists: %llu priorities, reading %u",
			(unsigned long long)array.count, MAX_READY_LISTS);
	load_queues(w);
	load_event_groups(w);
	return 0;
}

/* ---- the port -------------------------------------------------------------- */

enum { SLOT_EXC_RETURN = 16, SLOT_PSPLIM };

/* ARM_CM3/port.c, xPortPendSVHandler: stmdb r0!, {r4-r11} */
static const uint8_t cm3_slots[] = { 4, 5, 6, 7, 8, 9, 10, 11 };
/* ARM_CM4F/port.c and ARM_CM7/r0p1/port.c, xPortPendSVHandler:
 * vstmdbeq r0!, {s16-s31} (if EXC_RETURN bit 4 is 0), then
 * stmdb r0!, {r4-r11, r14} */
static const uint8_t cm4f_slots[] = {
	4, 5, 6, 7, 8, 9, 10, 11, SLOT_EXC_RETURN
};
/* ARM_CM0/portasm.c, PendSV_Handler: subs r0, #36; mov r3, lr;
 * stmia r0!, {r3-r7}; r8-r11 through r4-r7: stmia r0!, {r4-r7} */
static const uint8_t cm0_slots[] = { SLOT_EXC_RETURN, 4, 5, 6, 7, 8, 9, 10, 11 };
/* ARM_CM33_NTZ/non_secure/portasm.c, PendSV_Handler: vstmdbeq r0!,
 * {s16-s31}; mrs r2, psplim; mov r3, lr; stmdb r0!, {r2-r11} */
static const uint8_t cm33_slots[] = {
	SLOT_PSPLIM, SLOT_EXC_RETURN, 4, 5, 6, 7, 8, 9, 10, 11
};

static const struct port_frame frame_cm3 = { cm3_slots, ARRAY_SIZE(cm3_slots),
					     false };
static const struct port_frame frame_cm4f = { cm4f_slots,
					      ARRAY_SIZE(cm4f_slots), true };
static const struct port_frame frame_cm0 = { cm0_slots, ARRAY_SIZE(cm0_slots),
					     false };
static const struct port_frame frame_cm33 = { cm33_slots,
					      ARRAY_SIZE(cm33_slots), true };

/* The GCC ports' directories; a NULL frame: a port whose context layout
 * is not in the FreeRTOS sources this was written from. */
static const struct {
	const char *dir;
	const struct port_frame *frame;
} port_dirs[] = {
	{ "ARM_CM0", &frame_cm0 },
	{ "ARM_CM3", &frame_cm3 },
	{ "ARM_CM4F", &frame_cm4f },
	{ "ARM_CM7", &frame_cm4f },
	{ "ARM_CM33_NTZ", &frame_cm33 },
	{ "ARM_CM3_MPU", NULL },
	{ "ARM_CM4_MPU", NULL },
	{ "ARM_CM23", NULL },
	{ "ARM_CM23_NTZ", NULL },
	{ "ARM_CM33", NULL },
	{ "ARM_CM35P", NULL },
	{ "ARM_CM35P_NTZ", NULL },
	{ "ARM_CM52", NULL },
	{ "ARM_CM52_NTZ", NULL },
	{ "ARM_CM55", NULL },
	{ "ARM_CM55_NTZ", NULL },
	{ "ARM_CM85", NULL },
	{ "ARM_CM85_NTZ", NULL },
	{ "ARM_CR5", NULL },
	{ "ARM_CR82", NULL },
	{ "ARM_CRx_No_GIC", NULL },
	{ "ARM_CRx_MPU", NULL },
	{ "ARM_CA9", NULL },
	{ "ARM_CA53_64_BIT", NULL },
	{ "RISC-V", NULL },
};

struct port_match {
	size_t index;	  /* in port_dirs */
	const char *tail; /* of the unit's path, from the port's directory */
};

/* A unit's path names a port: ".../portable/GCC/ARM_CM4F/port.c". */
static bool unit_is_port(void *arg, const char *name)
{
	struct port_match *match = arg;
	const char *base = base_name(name);

	if (strcmp(base, "port.c") && strcmp(base, "portasm.c"))
		return false;
	for (const char *p = name; *p;) {
		size_t len = strcspn(p, "/\\");

		for (size_t i = 0; i < ARRAY_SIZE(port_dirs); i++)
			if (strlen(port_dirs[i].dir) == len &&
			    !memcmp(p, port_dirs[i].dir, len)) {
				match->index = i;
				match->tail = p;
				return true;
			}
		p += len;
		p += *p != '\0';
	}
	return false;
}

static bool has_symbol(const struct walk *w, const char *name)
{
	return rpd_firmware_symbol_entry(w->fw, name) != NULL;
}

/* Tag_CPU_arch of the "aeabi" attributes, or -1. */
static int parse_cpu_arch(const uint8_t *p, size_t len)
{
	size_t off = 1;

	if (len < 1 || p[0] != 'A')
		return -1;
	while (len - off >= 4) {
		uint32_t sub = get_le32(p + off);
		size_t end, vend;

		if (sub < 4 || sub > len - off)
			return -1;
		end = off + sub;
		vend = off + 4;
		while (vend < end && p[vend])
			vend++;
		if (vend < end && !strcmp((const char *)p + off + 4, "aeabi")) {
			size_t q = vend + 1 + 5; /* Tag_File, its size */

			/* Tag_CPU_name (5) and Tag_CPU_raw_name (4) are
			 * strings; the tags before Tag_CPU_arch numbers. */
			while (q < end) {
				uint8_t tag = p[q++];

				if (tag == 4 || tag == 5) {
					while (q < end && p[q])
						q++;
					q++;
				} else if (tag == TAG_CPU_ARCH && q < end) {
					return p[q] & 0x7f;
				} else {
					return -1;
				}
			}
		}
		off = end;
	}
	return -1;
}

static int cpu_arch(const struct walk *w)
{
	Elf *elf = rpd_firmware_elf(w->fw);
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) ||
		    shdr.sh_type != SHT_ARM_ATTRIBUTES_TYPE)
			continue;
		data = elf_getdata(scn, NULL);
		if (data && data->d_buf)
			return parse_cpu_arch(data->d_buf, data->d_size);
	}
	return -1;
}

static void set_port(struct walk *w, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_port(struct walk *w, size_t index, const char *fmt, ...)
{
	va_list ap;

	w->out->port = port_dirs[index].dir;
	w->frame = port_dirs[index].frame;
	va_start(ap, fmt);
	vsnprintf(w->out->port_source, sizeof(w->out->port_source), fmt, ap);
	va_end(ap);
}

static size_t port_index(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(port_dirs); i++)
		if (!strcmp(port_dirs[i].dir, dir))
			return i;
	return 0;
}

/* Without DWARF for port.c: the symbols each port family defines. */
static void port_from_symbols(struct walk *w)
{
	int arch = cpu_arch(w);

	/* CM4F and CM7: static naked vPortEnableVFP */
	if (has_symbol(w, "vPortEnableVFP")) {
		set_port(w, port_index("ARM_CM4F"), "symbol vPortEnableVFP");
		return;
	}
	/* The ARMv8-M ports and the ARMv6-M port derived from them. */
	if (has_symbol(w, "vRestoreContextOfFirstTask")) {
		if (arch == 11 || arch == 12)
			set_port(
				w, port_index("ARM_CM0"),
				"symbol vRestoreContextOfFirstTask, Tag_CPU_arch v6-M");
		else if (arch == 17)
			set_port(
				w, port_index("ARM_CM33_NTZ"),
				"symbol vRestoreContextOfFirstTask, Tag_CPU_arch v8-M.main");
		else if (arch == 16)
			set_port(
				w, port_index("ARM_CM23_NTZ"),
				"symbol vRestoreContextOfFirstTask, Tag_CPU_arch v8-M.base");
		else
			problem(w,
				"port: vRestoreContextOfFirstTask (an ARMv8-M-style port) on CPU architecture %d: saved contexts not decoded",
				arch);
		return;
	}
	/* ARM_CM3's names (STM32Cube renames the handlers, not this). */
	if (has_symbol(w, "prvPortStartFirstTask") ||
	    has_symbol(w, "xPortPendSVHandler")) {
		if (arch == 11 || arch == 12)
			problem(w,
				"port: an ARM_CM0 port older than FreeRTOS V11: saved contexts not decoded");
		else
			set_port(w, port_index("ARM_CM3"),
				 "symbol %s, no vPortEnableVFP",
				 has_symbol(w, "prvPortStartFirstTask") ?
					 "prvPortStartFirstTask" :
					 "xPortPendSVHandler");
		return;
	}
	problem(w,
		"port: not recognised (no port.c in DWARF, no port symbols): saved contexts not decoded");
}

static void detect_port(struct walk *w)
{
	struct port_match match;

	if (rpd_firmware_ident(w->fw)->machine != EM_ARM) {
		problem(w,
			"port: not an ARM firmware (e_machine %u): saved contexts not decoded",
			rpd_firmware_ident(w->fw)->machine);
		return;
	}
	if (rpd_dwarf_unit_names(w->dw, unit_is_port, &match)) {
		set_port(w, match.index, "compile unit .../%s", match.tail);
		/* The pre-V11 ARM_CM0 port has no portasm.c. */
		if (w->frame == &frame_cm0 &&
		    !has_symbol(w, "vRestoreContextOfFirstTask")) {
			w->frame = NULL;
			problem(w,
				"port: an ARM_CM0 port older than FreeRTOS V11: saved contexts not decoded");
		}
	} else {
		port_from_symbols(w);
	}
	if (w->frame && w->L.mpu_settings) {
		w->frame = NULL;
		problem(w,
			"port %s with MPU support (TCB_t.xMPUSettings): saved contexts not decoded",
			w->out->port);
	} else if (w->out->port && !w->frame &&
		   strcmp(w->out->port, "ARM_CM0")) {
		problem(w,
			"port %s: its saved context layout is not known here: saved contexts not decoded",
			w->out->port);
	}
}

/* ---- the lists -------------------------------------------------------------- */

static int read_ptr(struct walk *w, uint64_t addr, uint64_t *value)
{
	return rpd_memory_read_uint(w->mem, addr, w->L.ptr, value);
}

static struct found *find_task(struct walk *w, uint64_t tcb)
{
	for (size_t i = 0; i < w->nfound; i++)
		if (w->found[i].tcb == tcb)
			return &w->found[i];
	return NULL;
}

static void add_found(struct walk *w, uint64_t tcb, enum list_kind kind,
		      const char *list)
{
	struct found *f = find_task(w, tcb);

	if (f) {
		/* Readied while the scheduler was suspended: its state item
		 * is still where it was blocked. */
		if (kind == LIST_PENDING_READY &&
		    (f->kind == LIST_DELAYED || f->kind == LIST_SUSPENDED)) {
			f->kind = kind;
			f->list = list;
		} else {
			problem(w, "task 0x%llx is in %s and in %s",
				(unsigned long long)tcb, f->list, list);
		}
		return;
	}
	if (w->nfound == RPD_RTOS_MAX_TASKS) {
		if (!w->full)
			problem(w, "more than %d tasks: the rest are not read",
				RPD_RTOS_MAX_TASKS);
		w->full = true;
		return;
	}
	w->found[w->nfound++] = (struct found){ tcb, kind, list };
}

static bool visited(const uint64_t *nodes, size_t n, uint64_t node)
{
	for (size_t i = 0; i < n; i++)
		if (nodes[i] == node)
			return true;
	return false;
}

/*
 * One list, from xListEnd.pxNext around to xListEnd: at most
 * uxNumberOfItems + 1 steps (never more than the task limit), each item's
 * owner the TCB whose xStateListItem (xEventListItem for via_event) it
 * is.
 */
static void walk_list(struct walk *w, const char *name, uint64_t list,
		      enum list_kind kind, bool via_event)
{
	const struct layout *L = &w->L;
	uint64_t nodes[RPD_RTOS_MAX_TASKS + 1];
	uint8_t head[LIST_MAX_SIZE], item[LIST_MAX_SIZE];
	uint64_t count, end = list + L->list_end, node, limit;
	uint32_t member = via_event ? L->event_item : L->state_item;
	size_t steps = 0;

	if (w->mem->read(w->mem->ctx, list, head, L->list_size) < 0) {
		problem(w, "%s at 0x%llx: not in the dumped memory", name,
			(unsigned long long)list);
		return;
	}
	count = rpd_rtos_field_get(head, L->list_count);
	node = rpd_rtos_field_get(head, L->end_next);
	limit = MIN(count, (uint64_t)RPD_RTOS_MAX_TASKS) + 1;
	if (count > RPD_RTOS_MAX_TASKS)
		problem(w,
			"%s: uxNumberOfItems %llu is absurd; reading at most %d",
			name, (unsigned long long)count, RPD_RTOS_MAX_TASKS);
	while (node != end) {
		uint64_t owner, container;

		if (steps == limit) {
			problem(w,
				"%s: list does not end after %zu items (uxNumberOfItems %llu)",
				name, steps, (unsigned long long)count);
			return;
		}
		if (visited(nodes, steps, node)) {
			problem(w, "%s: list loops after %zu items", name,
				steps);
			return;
		}
		nodes[steps++] = node;
		if (w->mem->read(w->mem->ctx, node, item, L->item_size) < 0) {
			problem(w,
				"%s: item %zu at 0x%llx is not in the dumped memory",
				name, steps, (unsigned long long)node);
			return;
		}
		owner = rpd_rtos_field_get(item, L->item_owner);
		container = rpd_rtos_field_get(item, L->item_container);
		if (container != list)
			problem(w, "%s: item 0x%llx says it is in list 0x%llx",
				name, (unsigned long long)node,
				(unsigned long long)container);
		if (owner + member != node)
			problem(w,
				"%s: item 0x%llx is not its owner 0x%llx's %s",
				name, (unsigned long long)node,
				(unsigned long long)owner,
				via_event ? "xEventListItem" :
					    "xStateListItem");
		else
			add_found(w, owner, kind, name);
		node = rpd_rtos_field_get(item, L->item_next);
	}
	if (steps != count)
		problem(w, "%s: uxNumberOfItems says %llu, the list holds %zu",
			name, (unsigned long long)count, steps);
}

static void walk_variable_list(struct walk *w, const char *name,
			       enum list_kind kind, bool via_event,
			       bool optional)
{
	struct rpd_dwarf_variable var;

	if (rpd_dwarf_variable(w->dw, name, &var) < 0) {
		if (!optional)
			problem(w, "%s: %s", name, rpd_error());
		return;
	}
	if (var.type.size != w->L.list_size) {
		problem(w, "%s: not a List_t (%llu bytes)", name,
			(unsigned long long)var.type.size);
		return;
	}
	walk_list(w, name, var.addr, kind, via_event);
}

/* pxDelayedTaskList and pxOverflowDelayedTaskList point at the two. */
static void check_delayed_pointers(struct walk *w)
{
	static const char *const pointers[] = { "pxDelayedTaskList",
						"pxOverflowDelayedTaskList" };
	struct rpd_dwarf_variable one, two, var;

	if (rpd_dwarf_variable(w->dw, "xDelayedTaskList1", &one) < 0 ||
	    rpd_dwarf_variable(w->dw, "xDelayedTaskList2", &two) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(pointers); i++) {
		uint64_t p;

		if (rpd_dwarf_variable(w->dw, pointers[i], &var) < 0)
			continue;
		if (read_ptr(w, var.addr, &p) < 0)
			problem(w, "%s at 0x%llx: not in the dumped memory",
				pointers[i], (unsigned long long)var.addr);
		else if (p != one.addr && p != two.addr)
			problem(w, "%s is 0x%llx, neither delayed list",
				pointers[i], (unsigned long long)p);
	}
}

static void walk_lists(struct walk *w)
{
	const struct layout *L = &w->L;

	/* Highest priority first: the order the scheduler picks in. */
	for (uint32_t i = L->nready; i-- > 0;) {
		snprintf(w->list_names[i], sizeof(w->list_names[i]),
			 "pxReadyTasksLists[%u]", i);
		walk_list(w, w->list_names[i],
			  L->ready_lists + i * L->list_size, LIST_READY, false);
	}
	walk_variable_list(w, "xDelayedTaskList1", LIST_DELAYED, false, false);
	walk_variable_list(w, "xDelayedTaskList2", LIST_DELAYED, false, false);
	check_delayed_pointers(w);
	/* INCLUDE_vTaskSuspend, INCLUDE_vTaskDelete */
	walk_variable_list(w, "xSuspendedTaskList", LIST_SUSPENDED, false,
			   true);
	walk_variable_list(w, "xTasksWaitingTermination", LIST_TERMINATION,
			   false, true);
	walk_variable_list(w, "xPendingReadyList", LIST_PENDING_READY, true,
			   false);
}

/* ---- what a blocked task waits for ------------------------------------------ */

/* A List_t at addr that vListInitialise() made: xListEnd's value is
 * portMAX_DELAY, and an empty list's end points at itself. */
static bool looks_like_list(struct walk *w, uint64_t addr)
{
	const struct layout *L = &w->L;
	uint8_t head[LIST_MAX_SIZE];
	uint64_t count, value, next, max;

	if (w->mem->read(w->mem->ctx, addr, head, L->list_size) < 0)
		return false;
	count = rpd_rtos_field_get(head, L->list_count);
	value = rpd_rtos_field_get(head, L->end_value);
	next = rpd_rtos_field_get(head, L->end_next);
	max = L->end_value.size == 8 ? UINT64_MAX :
				       (1ull << (8 * L->end_value.size)) - 1;
	return value == max && count <= RPD_RTOS_MAX_TASKS &&
	       (count != 0 || next == addr + L->list_end);
}

enum queue_kind { QUEUE, SEMAPHORE, MUTEX };

/*
 * Whether q is a Queue_t as xQueueGenericReset() leaves one: a queue's
 * pcTail is pcHead + uxLength * uxItemSize, a semaphore's pcHead is the
 * queue itself, a mutex's NULL; both waiting lists are lists.
 */
static bool looks_like_queue(struct walk *w, uint64_t q, enum queue_kind *kind)
{
	const struct layout *L = &w->L;
	uint8_t buf[TCB_MAX_SIZE];
	uint64_t head, length, item_size;

	if (!L->have_queue || q > UINT64_MAX - L->queue_size ||
	    w->mem->read(w->mem->ctx, q, buf, L->queue_size) < 0)
		return false;
	head = rpd_rtos_field_get(buf, L->queue_head);
	length = rpd_rtos_field_get(buf, L->queue_length);
	item_size = rpd_rtos_field_get(buf, L->queue_item_size);
	if (!length || length > MAX_QUEUE_LENGTH ||
	    item_size > MAX_QUEUE_LENGTH ||
	    !looks_like_list(w, q + L->queue_send) ||
	    !looks_like_list(w, q + L->queue_receive))
		return false;
	if (item_size == 0 && head == 0)
		*kind = MUTEX;
	else if (item_size == 0 && head == q)
		*kind = SEMAPHORE;
	else if (item_size && head &&
		 (!L->have_tail || rpd_rtos_field_get(buf, L->queue_tail) ==
					   head + length * item_size))
		*kind = QUEUE;
	else
		return false;
	return true;
}

static void registered_name(struct walk *w, uint64_t q, char *name, size_t size)
{
	const struct layout *L = &w->L;
	uint8_t entry[64], text[QUEUE_NAME_MAX];
	struct rpd_task t;

	name[0] = '\0';
	for (uint32_t i = 0; L->have_registry && i < L->nregistry; i++) {
		uint64_t addr = L->registry + i * L->registry_entry, p;

		if (w->mem->read(w->mem->ctx, addr, entry, L->registry_entry) <
			    0 ||
		    rpd_rtos_field_get(entry, L->registry_handle) != q)
			continue;
		p = rpd_rtos_field_get(entry, L->registry_name);
		/* A name at the end of memory: as much as there is. */
		for (size_t n = sizeof(text); n > 0; n /= 2)
			if (w->mem->read(w->mem->ctx, p, text, n) == 0) {
				rpd_task_set_name(&t, text, n);
				memcpy(name, t.name,
				       MIN(size - 1, sizeof(t.name)));
				name[MIN(size - 1, sizeof(t.name))] = '\0';
				return;
			}
	}
}

/* A registered name, else an object symbol at exactly q. */
static void object_name(struct walk *w, uint64_t q, char *name, size_t size)
{
	const struct rpd_symbol *sym;

	registered_name(w, q, name, size);
	if (!name[0] && rpd_firmware_symbol_at(w->fw, q, &sym) == 0 &&
	    sym->addr == q && sym->type == STT_OBJECT)
		snprintf(name, size, "%s", sym->name);
	if (name[0] && strlen(name) + 1 < size)
		strcat(name, " ");
}

static const char *task_name_at(struct walk *w, uint64_t tcb)
{
	const struct rpd_task *t = rpd_rtos_find_task(w->out, tcb);

	return t ? t->name : NULL;
}

static void describe_queue(struct walk *w, uint64_t q, enum queue_kind kind,
			   bool receive, char *out)
{
	char name[QUEUE_NAME_MAX + 1];
	uint64_t holder = 0;
	const char *holder_name;

	object_name(w, q, name, sizeof(name));
	switch (kind) {
	case QUEUE:
		rpd_task_set_blocked_on(out, "queue %s0x%llx (%s)", name,
					(unsigned long long)q,
					receive ? "receive" : "send");
		return;
	case SEMAPHORE:
		rpd_task_set_blocked_on(out, "semaphore %s0x%llx (%s)", name,
					(unsigned long long)q,
					receive ? "take" : "give");
		return;
	case MUTEX:
		if (w->L.have_holder)
			rpd_memory_read_uint(w->mem, q + w->L.queue_holder.off,
					     w->L.ptr, &holder);
		holder_name = holder ? task_name_at(w, holder) : NULL;
		if (holder_name)
			rpd_task_set_blocked_on(out,
						"mutex %s0x%llx (held by %s)",
						name, (unsigned long long)q,
						holder_name);
		else
			rpd_task_set_blocked_on(out, "mutex %s0x%llx", name,
						(unsigned long long)q);
		return;
	}
}

/* An event group's control bits (eventEVENT_BITS_CONTROL_BYTES, the top
 * byte) are never set in the group itself. */
static bool looks_like_event_group(struct walk *w, uint64_t e)
{
	const struct layout *L = &w->L;
	uint64_t bits;

	if (!L->have_event_group || L->event_group_bits.size < 2 ||
	    rpd_memory_read_uint(w->mem, e + L->event_group_bits.off,
				 L->event_group_bits.size, &bits) < 0)
		return false;
	return !(bits >> (8 * L->event_group_bits.size - 8));
}

/* The object whose waiting list is list. */
static void describe_event_list(struct walk *w, uint64_t list, char *out)
{
	const struct layout *L = &w->L;
	enum queue_kind kind;
	char name[RPD_TASK_BLOCKED_ON_SIZE];

	if (L->have_queue && list >= L->queue_receive &&
	    looks_like_queue(w, list - L->queue_receive, &kind)) {
		describe_queue(w, list - L->queue_receive, kind, true, out);
		return;
	}
	if (L->have_queue && list >= L->queue_send &&
	    looks_like_queue(w, list - L->queue_send, &kind)) {
		describe_queue(w, list - L->queue_send, kind, false, out);
		return;
	}
	if (list >= L->event_group_list &&
	    looks_like_event_group(w, list - L->event_group_list)) {
		object_name(w, list - L->event_group_list, name, sizeof(name));
		rpd_task_set_blocked_on(
			out, "event group %s0x%llx", name,
			(unsigned long long)(list - L->event_group_list));
		return;
	}
	rpd_task_set_blocked_on(out, "event list 0x%llx",
				(unsigned long long)list);
}

/* ---- the saved context -------------------------------------------------------- */

static bool valid_exc_return(uint32_t v)
{
	return (v & EXC_RETURN_PREFIX) == EXC_RETURN_PREFIX;
}

/* The context at t->saved_sp, as the port pushed it. */
static int decode_context(struct walk *w, struct rpd_task *t, const char **why)
{
	const struct port_frame *pf = w->frame;
	uint32_t words[RPD_MEMORY_MAX_WORDS];
	uint64_t sp = t->saved_sp;
	bool extended;

	*why = "not in the dumped memory";
	if (rpd_memory_read_le32s(w->mem, sp, words, pf->nslots) < 0)
		return -ENOENT;
	for (size_t i = 0; i < pf->nslots; i++) {
		if (pf->slots[i] < 16) {
			t->regs.r[pf->slots[i]] = words[i];
		} else if (pf->slots[i] == SLOT_EXC_RETURN) {
			t->exc_return = words[i];
			t->have_exc_return = true;
		} else {
			t->psplim = words[i];
			t->have_psplim = true;
		}
	}
	sp += 4 * pf->nslots;
	if (t->have_exc_return && !valid_exc_return(t->exc_return)) {
		*why = "its EXC_RETURN is not one";
		return -EINVAL;
	}
	extended = pf->fp && t->have_exc_return &&
		   !(t->exc_return & RPD_EXC_RETURN_FTYPE);
	if (extended) {
		if (rpd_memory_read_le32s(w->mem, sp, t->s16_s31,
					  RPD_CALLEE_FP_WORDS) < 0)
			return -ENOENT;
		sp += 4 * RPD_CALLEE_FP_WORDS;
	}
	if (rpd_task_read_exception_frame(w->mem, t, &sp, extended) < 0)
		return -ENOENT;
	if (extended)
		t->fp_context = true;
	/* A task that never ran resumes at its function, Thumb bit and
	 * all on the ports that do not mask it (ARM_CM0). */
	return rpd_task_finish_context(w->fw, t, sp, why);
}

/*
 * The running task's saved context is the one it resumed from, stale but
 * for its EXC_RETURN, which says whether the task had used the FPU: its
 * FPCA is still set, so the frame of its crash is FP-extended. The task
 * has since written over the rest of that dead stack, maybe over that
 * word too: only a value of EXC_RETURN's shape is taken.
 */
static void stale_exc_return(struct walk *w, struct rpd_task *t)
{
	struct rpd_task stale = *t;
	const char *why;

	decode_context(w, &stale, &why);
	if (stale.have_exc_return && valid_exc_return(stale.exc_return)) {
		t->exc_return = stale.exc_return;
		t->have_exc_return = true;
	}
}

static void task_context(struct walk *w, struct rpd_task *t)
{
	struct rpd_task keep = *t;
	const char *why;
	char high[24] = "?";

	if (!w->frame || !t->saved_sp)
		return;
	if (t->current) {
		stale_exc_return(w, t);
		return;
	}
	if ((t->stack_low && t->saved_sp < t->stack_low) ||
	    (t->stack_high && t->saved_sp >= t->stack_high)) {
		if (t->stack_high)
			snprintf(high, sizeof(high), "0x%llx",
				 (unsigned long long)t->stack_high);
		problem(w,
			"task %s (TCB 0x%llx): pxTopOfStack 0x%llx is outside its stack [0x%llx, %s): context not read",
			t->name, (unsigned long long)t->tcb,
			(unsigned long long)t->saved_sp,
			(unsigned long long)t->stack_low, high);
		return;
	}
	if (decode_context(w, t, &why) == 0)
		return;
	problem(w,
		"task %s (TCB 0x%llx): the context saved at 0x%llx is not a %s context: %s",
		t->name, (unsigned long long)t->tcb,
		(unsigned long long)t->saved_sp, w->out->port, why);
	/* Nothing of it: a half-read context is not the task's. */
	keep.regs_known = 0;
	*t = keep;
}

/* ---- the tasks ---------------------------------------------------------------- */

/* The end of a static stack: an object symbol starting at pxStack. */
static uint64_t static_stack_end(const struct walk *w, uint64_t low)
{
	const struct rpd_symbol *sym;

	if (rpd_firmware_symbol_at(w->fw, low, &sym) < 0 || sym->addr != low ||
	    sym->type != STT_OBJECT || !sym->size)
		return 0;
	return low + sym->size;
}

/*
 * [stack_low, stack_high): pxStack up to the static array holding the
 * stack when there is one (exact), else up to pxEndOfStack's word
 * (tasks.c: &pxStack[depth - 1] aligned down to portBYTE_ALIGNMENT, so
 * the last word or two of a heap stack may lie above), else unknown.
 */
static void task_stack(struct walk *w, struct rpd_task *t, const uint8_t *tcb)
{
	const struct layout *L = &w->L;
	uint64_t low = rpd_rtos_field_get(tcb, L->stack), high = 0, end, limit;

	t->stack_low = low;
	if (!low)
		return;
	high = static_stack_end(w, low);
	if (L->have_end_of_stack) {
		end = rpd_rtos_field_get(tcb, L->end_of_stack);
		if (!high || end < low || end >= high)
			high = end >= low ? end + L->stack_word : 0;
	}
	if (high && (high <= low || high - low > MAX_STACK_SIZE)) {
		problem(w,
			"task %s (TCB 0x%llx): stack [0x%llx, 0x%llx) is absurd",
			t->name, (unsigned long long)t->tcb,
			(unsigned long long)low, (unsigned long long)high);
		high = 0;
	}
	t->stack_high = high;
	/* As uxTaskGetStackHighWaterMark() counts: up to the first byte
	 * that is not the fill, context or not. */
	limit = high ? high - low : MAX_FILL_SCAN;
	t->stack_unused =
		rpd_rtos_count_fill(w->mem, low, limit, STACK_FILL_BYTE);
}

static bool notify_waiting(const struct walk *w, const uint8_t *tcb,
			   uint32_t *index)
{
	const struct layout *L = &w->L;

	for (uint32_t i = 0; L->have_notify_state && i < L->notify_len; i++)
		if (rpd_rtos_field_get(
			    tcb,
			    (struct rpd_rtos_field){ L->notify_state.off + i,
						     L->notify_state.size }) ==
		    L->notify_waiting) {
			*index = i;
			return true;
		}
	return false;
}

/* State and what it waits for; needs every task's name (mutex holders). */
static void task_state(struct walk *w, struct rpd_task *t,
		       const struct found *f, const uint8_t *tcb)
{
	const struct layout *L = &w->L;
	uint64_t event = rpd_rtos_field_get(
		tcb,
		(struct rpd_rtos_field){ L->event_item + L->item_container.off,
					 L->item_container.size });
	uint32_t slot = 0;
	bool notify = notify_waiting(w, tcb, &slot);

	switch (f->kind) {
	case LIST_READY:
	case LIST_PENDING_READY:
		t->state = RPD_TASK_READY;
		break;
	case LIST_TERMINATION:
		t->state = RPD_TASK_DELETED;
		break;
	case LIST_SUSPENDED:
	case LIST_DELAYED:
		/* Waiting without a timeout puts a task on the suspended
		 * list: blocked, if it waits for something. */
		t->state = RPD_TASK_BLOCKED;
		if (event)
			describe_event_list(w, event, t->blocked_on);
		else if (notify && L->notify_len > 1)
			rpd_task_set_blocked_on(t->blocked_on,
						"notification %u", slot);
		else if (notify)
			rpd_task_set_blocked_on(t->blocked_on, "notification");
		else if (f->kind == LIST_DELAYED)
			rpd_task_set_blocked_on(t->blocked_on, "delay");
		else
			t->state = RPD_TASK_SUSPENDED;
		break;
	}
	if (t->current) {
		t->state = RPD_TASK_RUNNING;
		t->blocked_on[0] = '\0';
	}
}

static int read_tcb(struct walk *w, uint64_t addr, uint8_t *tcb)
{
	if (addr > UINT64_MAX - w->L.tcb_size)
		return -EINVAL;
	return w->mem->read(w->mem->ctx, addr, tcb, w->L.tcb_size);
}

/* Everything but the state: name, priority, stack, context. */
static void task_details(struct walk *w, struct rpd_task *t, const uint8_t *tcb)
{
	const struct layout *L = &w->L;

	if (!rpd_task_set_name(t, tcb + L->name, L->name_len))
		problem(w,
			"task at 0x%llx: pcTaskName has no NUL within its %u bytes",
			(unsigned long long)t->tcb, L->name_len);
	t->priority = (int32_t)rpd_rtos_field_get(tcb, L->priority);
	t->have_priority = true;
	t->saved_sp = rpd_rtos_field_get(tcb, L->top_of_stack);
	task_stack(w, t, tcb);
	task_context(w, t);
}

static int build_tasks(struct walk *w)
{
	struct rpd_rtos_state *out = w->out;
	bool readable[RPD_RTOS_MAX_TASKS] = { false };
	uint8_t *tcbs;
	int r = 0;

	tcbs = calloc(w->nfound ? w->nfound : 1, w->L.tcb_size);
	if (!tcbs)
		return -ENOMEM;
	for (size_t i = 0; i < w->nfound; i++) {
		const struct found *f = &w->found[i];
		uint8_t *tcb = tcbs + i * w->L.tcb_size;
		struct rpd_task *t;

		r = rpd_rtos_add_task(out, &t);
		if (r < 0)
			break;
		t->tcb = f->tcb;
		t->current = f->tcb == w->current;
		if (read_tcb(w, f->tcb, tcb) < 0) {
			snprintf(t->name, sizeof(t->name), "?");
			t->state = t->current ? RPD_TASK_RUNNING :
						RPD_TASK_UNKNOWN;
			problem(w,
				"task at 0x%llx (in %s): its TCB is not in the dumped memory",
				(unsigned long long)f->tcb, f->list);
			continue;
		}
		readable[i] = true;
		task_details(w, t, tcb);
	}
	/* Second pass: a mutex names its holder by name. */
	for (size_t i = 0; i < out->ntasks; i++)
		if (readable[i])
			task_state(w, &out->tasks[i], &w->found[i],
				   tcbs + i * w->L.tcb_size);
	free(tcbs);
	return r;
}

/* No fill in any stack: the build does not fill them. */
static void check_fill(struct walk *w)
{
	struct rpd_rtos_state *out = w->out;
	bool filled = rpd_rtos_check_fill(out, OVERFLOW_CHECK_BYTES);

	for (size_t i = 0; i < out->ntasks; i++) {
		const struct rpd_task *t = &out->tasks[i];

		/* task_context() said so for those it decodes. */
		if ((t->current || !w->frame) && t->stack_high &&
		    t->saved_sp >= t->stack_high)
			problem(w,
				"task %s (TCB 0x%llx): pxTopOfStack 0x%llx is above its stack",
				t->name, (unsigned long long)t->tcb,
				(unsigned long long)t->saved_sp);
	}
	if (!filled && out->ntasks)
		problem(w,
			"no task's stack shows FreeRTOS's 0x%x fill: stack use unknown",
			STACK_FILL_BYTE);
}

static void check_count(struct walk *w)
{
	struct rpd_dwarf_variable var;
	uint64_t n;

	if (rpd_dwarf_variable(w->dw, "uxCurrentNumberOfTasks", &var) < 0 ||
	    !var.type.size || var.type.size > 8)
		return;
	if (rpd_memory_read_uint(w->mem, var.addr, (size_t)var.type.size, &n) <
	    0)
		problem(w,
			"uxCurrentNumberOfTasks at 0x%llx: not in the dumped memory",
			(unsigned long long)var.addr);
	else if (n != w->out->ntasks)
		problem(w,
			"uxCurrentNumberOfTasks is %llu, the lists hold %zu tasks",
			(unsigned long long)n, w->out->ntasks);
}

static void read_current(struct walk *w)
{
	if (read_ptr(w, w->L.current_tcb, &w->current) < 0) {
		problem(w, "pxCurrentTCB at 0x%llx: not in the dumped memory",
			(unsigned long long)w->L.current_tcb);
		w->current = 0;
	} else if (!w->current) {
		problem(w,
			"pxCurrentTCB is NULL: the scheduler has no task yet");
	}
}

int rpd_rtos_freertos(const struct rpd_firmware *fw, struct rpd_dwarf *dwarf,
		      const struct rpd_memory *mem, struct rpd_rtos_state *out)
{
	struct walk *w;
	int r;

	*out = (struct rpd_rtos_state){ .rtos = "FreeRTOS" };
	w = calloc(1, sizeof(*w));
	if (!w)
		return rpd_fail(-ENOMEM, "out of memory");
	*w = (struct walk){ .fw = fw, .dw = dwarf, .mem = mem, .out = out };
	r = load_layout(w);
	if (r == 0) {
		detect_port(w);
		read_current(w);
		walk_lists(w);
		if (w->current && !find_task(w, w->current)) {
			problem(w, "pxCurrentTCB 0x%llx is on no list",
				(unsigned long long)w->current);
			add_found(w, w->current, LIST_READY, "pxCurrentTCB");
		}
		r = build_tasks(w);
		if (r == 0) {
			check_fill(w);
			check_count(w);
			rpd_rtos_current_first(out);
		}
		if (r == 0 && w->oom)
			r = -ENOMEM;
		if (r < 0)
			r = rpd_fail(r, "out of memory");
	}
	free(w);
	return r;
}
