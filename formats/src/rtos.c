// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtos.c - what every RTOS walker shares: the result and its release,
 * problems, task names, the stack fill count and overflow rule, members
 * of the kernel's structures, integers and words from the dump, and the
 * Cortex-M exception frame of a switched-out task.
 */
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>

#include "rtos.h"
#include "util.h"

#define FILL_CHUNK 256

/* ARMv7-M / ARMv8-M: the frame the CPU stacks on exception entry. */
#define XPSR_THUMB (1u << 24)
#define XPSR_STACK_ALIGN (1u << 9) /* a padding word above the frame */
#define HW_FRAME_WORDS 8	   /* r0-r3, r12, lr, pc, xpsr */
#define HW_FP_WORDS 18		   /* s0-s15, fpscr, reserved */

void rpd_rtos_state_release(struct rpd_rtos_state *s)
{
	for (size_t i = 0; i < s->nproblems; i++)
		free(s->problems[i]);
	free(s->problems);
	free(s->tasks);
	*s = (struct rpd_rtos_state){ 0 };
}

const char *rpd_task_state_name(enum rpd_task_state state)
{
	switch (state) {
	case RPD_TASK_RUNNING:
		return "running";
	case RPD_TASK_READY:
		return "ready";
	case RPD_TASK_BLOCKED:
		return "blocked";
	case RPD_TASK_SUSPENDED:
		return "suspended";
	case RPD_TASK_DELETED:
		return "deleted";
	case RPD_TASK_UNKNOWN:
		break;
	}
	return "unknown";
}

static int set_problem(struct rpd_rtos_state *s, size_t i, char *text)
{
	char **grown;

	if (i == s->nproblems) {
		grown = reallocarray(s->problems, i + 1, sizeof(*grown));
		if (!grown) {
			free(text);
			return -ENOMEM;
		}
		s->problems = grown;
		s->nproblems++;
	} else {
		free(s->problems[i]);
	}
	s->problems[i] = text;
	return 0;
}

int rpd_rtos_problem(struct rpd_rtos_state *s, const char *fmt, ...)
{
	static const char more[] = "... and more problems: ";
	char *text;
	va_list ap;
	int n;

	/* The last slot counts what did not fit. */
	if (s->nproblems == RPD_RTOS_MAX_PROBLEMS) {
		char *last = s->problems[RPD_RTOS_MAX_PROBLEMS - 1];
		unsigned long count = 1;

		if (!strncmp(last, more, strlen(more)))
			count = strtoul(last + strlen(more), NULL, 10);
		if (asprintf(&text, "%s%lu", more, count + 1) < 0)
			return -ENOMEM;
		return set_problem(s, RPD_RTOS_MAX_PROBLEMS - 1, text);
	}
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return set_problem(s, s->nproblems, text);
}

int rpd_rtos_add_task(struct rpd_rtos_state *s, struct rpd_task **task)
{
	struct rpd_task *grown;

	if (s->ntasks == RPD_RTOS_MAX_TASKS)
		return -E2BIG;
	grown = reallocarray(s->tasks, s->ntasks + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->tasks = grown;
	*task = &s->tasks[s->ntasks++];
	**task = (struct rpd_task){ .stack_unused = -1 };
	return 0;
}

bool rpd_task_set_name(struct rpd_task *task, const uint8_t *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && src[i]; i++)
		if (i < sizeof(task->name) - 1)
			task->name[i] = src[i] >= 0x20 && src[i] < 0x7f ?
						(char)src[i] :
						'?';
	task->name[MIN(i, sizeof(task->name) - 1)] = '\0';
	return i < len;
}

int64_t rpd_rtos_count_fill(const struct rpd_memory *mem, uint64_t low,
			    uint64_t limit, uint8_t fill)
{
	uint8_t chunk[FILL_CHUNK];
	uint64_t n = 0;

	while (n < limit) {
		size_t len = (size_t)MIN((uint64_t)sizeof(chunk), limit - n);
		size_t i;

		if (low + n < low)
			break;
		/* At the end of what was dumped, a byte at a time. */
		if (mem->read(mem->ctx, low + n, chunk, len) < 0) {
			len = 1;
			if (mem->read(mem->ctx, low + n, chunk, len) < 0)
				return n ? (int64_t)n : -1;
		}
		for (i = 0; i < len && chunk[i] == fill; i++)
			;
		n += i;
		if (i < len)
			break;
	}
	return (int64_t)n;
}

int rpd_memory_read_uint(const struct rpd_memory *mem, uint64_t addr,
			 size_t size, uint64_t *value)
{
	uint8_t b[8];
	int r;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	r = mem->read(mem->ctx, addr, b, size);
	if (r < 0)
		return r;
	switch (size) {
	case 1:
		*value = b[0];
		break;
	case 2:
		*value = get_le16(b);
		break;
	case 4:
		*value = get_le32(b);
		break;
	default:
		*value = get_le64(b);
		break;
	}
	return 0;
}

uint64_t rpd_rtos_field_get(const uint8_t *buf, struct rpd_rtos_field f)
{
	switch (f.size) {
	case 1:
		return buf[f.off];
	case 2:
		return get_le16(buf + f.off);
	case 4:
		return get_le32(buf + f.off);
	case 8:
		return get_le64(buf + f.off);
	}
	return 0;
}

void rpd_rtos_note_problem(struct rpd_rtos_state *s, bool *oom, const char *fmt,
			   ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (rpd_rtos_problem(s, "%s", text) < 0)
		*oom = true;
}

void rpd_task_set_blocked_on(char *blocked_on, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(blocked_on, RPD_TASK_BLOCKED_ON_SIZE, fmt, ap);
	va_end(ap);
}

int rpd_rtos_layout_fail(int r, const char *rtos, const char *what)
{
	return rpd_fail_prefix(r == -ENOENT ? -EINVAL : r,
			       "%s %s: not the layout of any %s", rtos, what,
			       rtos);
}

struct rpd_task *rpd_rtos_find_task(const struct rpd_rtos_state *s,
				    uint64_t tcb)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].tcb == tcb)
			return &s->tasks[i];
	return NULL;
}

void rpd_rtos_current_first(struct rpd_rtos_state *s)
{
	for (size_t i = 1; i < s->ntasks; i++) {
		struct rpd_task t = s->tasks[i];

		if (!t.current)
			continue;
		memmove(&s->tasks[1], &s->tasks[0], i * sizeof(t));
		s->tasks[0] = t;
		return;
	}
}

bool rpd_rtos_check_fill(struct rpd_rtos_state *s, int64_t check_bytes)
{
	bool filled = false;

	for (size_t i = 0; i < s->ntasks; i++)
		filled |= s->tasks[i].stack_unused >= check_bytes;
	for (size_t i = 0; i < s->ntasks; i++) {
		struct rpd_task *t = &s->tasks[i];

		if (!filled)
			t->stack_unused = -1;
		t->stack_overflowed = (t->stack_low && t->saved_sp &&
				       t->saved_sp < t->stack_low) ||
				      (filled && t->stack_unused >= 0 &&
				       t->stack_unused < check_bytes);
	}
	return filled;
}

bool rpd_rtos_in_code(const struct rpd_firmware *fw, uint64_t addr)
{
	size_t n = rpd_firmware_nsegments(fw);
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		const struct rpd_segment *seg = rpd_firmware_segment(fw, i);

		if (!(seg->flags & PF_X))
			continue;
		any = true;
		if (addr - seg->vaddr < seg->memsz)
			return true;
	}
	return !any;
}

int rpd_memory_read_le32s(const struct rpd_memory *mem, uint64_t addr,
			  uint32_t *words, size_t n)
{
	uint8_t buf[4 * RPD_MEMORY_MAX_WORDS];
	int r;

	if (n > RPD_MEMORY_MAX_WORDS)
		return -EINVAL;
	r = mem->read(mem->ctx, addr, buf, 4 * n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		words[i] = get_le32(buf + 4 * i);
	return 0;
}

int rpd_task_read_exception_frame(const struct rpd_memory *mem,
				  struct rpd_task *t, uint64_t *sp,
				  bool extended)
{
	/* r0-r3, r12, lr, pc, then xPSR */
	static const uint8_t hw_regs[HW_FRAME_WORDS - 1] = { 0,	 1,  2, 3,
							     12, 14, 15 };
	uint32_t words[HW_FP_WORDS];
	int r;

	r = rpd_memory_read_le32s(mem, *sp, words, HW_FRAME_WORDS);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(hw_regs); i++)
		t->regs.r[hw_regs[i]] = words[i];
	t->regs.xpsr = words[HW_FRAME_WORDS - 1];
	*sp += 4 * HW_FRAME_WORDS;
	if (extended) {
		r = rpd_memory_read_le32s(mem, *sp, words, HW_FP_WORDS);
		if (r < 0)
			return r;
		memcpy(t->s0_s15, words, sizeof(t->s0_s15));
		t->fpscr = words[16];
		*sp += 4 * HW_FP_WORDS;
	}
	if (t->regs.xpsr & XPSR_STACK_ALIGN)
		*sp += 4;
	return 0;
}

int rpd_task_finish_context(const struct rpd_firmware *fw, struct rpd_task *t,
			    uint64_t sp, const char **why)
{
	t->regs.r[13] = (uint32_t)sp;
	t->regs.r[15] &= ~1u;
	if (!(t->regs.xpsr & XPSR_THUMB)) {
		*why = "its xPSR has no Thumb bit";
		return -EINVAL;
	}
	if (!rpd_rtos_in_code(fw, t->regs.r[15])) {
		*why = "its pc is not in the firmware's code";
		return -EINVAL;
	}
	t->regs_known = RPD_REGS_ALL;
	return 0;
}
