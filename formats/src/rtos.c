// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtos.c - what every RTOS walker shares: the result and its release,
 * problems, task names, the stack fill count, integers from the dump.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rtos.h"
#include "util.h"

#define FILL_CHUNK 256

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
