// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * threads.c - the "threads" verb: every thread of the crashed remote.
 *
 * The threads are what rpd_core_threads() gives: the core's threads note
 * and one register context per task, or, when the core has none and the
 * firmware is at hand, what librprocdump derives anew from the core's
 * memory (the RTOS's task lists, the stacked exception frame).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "threads.h"
#include "term_escape.h"

int thread_list_build(struct backtracer *b, const struct rpd_core_threads *th,
		      struct thread_list *out)
{
	*out = (struct thread_list){ 0 };
	out->entries = calloc(th->n ? th->n : 1, sizeof(*out->entries));
	if (!out->entries)
		return log_oom();
	for (size_t i = 0; i < th->n; i++) {
		struct thread_entry *e = &out->entries[out->n++];
		int r;

		e->desc = &th->threads[i];
		e->bt = (struct backtrace){ .faulting = SIZE_MAX };
		if (!e->desc->tid)
			continue;
		r = backtrace_unwind(b, &th->regs[i], e->desc->regs_known, NULL,
				     &e->bt);
		if (r < 0)
			return r;
	}
	return 0;
}

void thread_list_release(struct thread_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		backtrace_release(&list->entries[i].bt);
	free(list->entries);
	*list = (struct thread_list){ 0 };
}

void thread_describe(const struct rpd_core_threads *th,
		     const struct rpd_thread *t, char *buf, size_t size)
{
	if (t->name[0] && th->rtos[0])
		snprintf(buf, size, "task %s (%s)", t->name, th->rtos);
	else if (t->name[0])
		snprintf(buf, size, "thread %s", t->name);
	else if (th->rtos[0])
		snprintf(buf, size, "an unnamed %s task", th->rtos);
	else
		snprintf(buf, size, "the bare-metal program");
}

/* "1.2 KiB of 4.0 KiB used" and the like; "" when unknown. */
static void stack_use(const struct rpd_thread *t, char *buf, size_t size)
{
	uint64_t total = t->stack_high - t->stack_low;

	buf[0] = '\0';
	if (!t->stack_high || t->stack_high <= t->stack_low)
		return;
	if (t->flags & RPD_THREAD_HAVE_STACK_UNUSED && t->stack_unused <= total)
		snprintf(buf, size,
			 "stack %" PRIu64 " of %" PRIu64 " bytes used",
			 total - t->stack_unused, total);
	else
		snprintf(buf, size, "stack %" PRIu64 " bytes", total);
}

static void print_thread(FILE *f, const struct thread_entry *e)
{
	const struct rpd_thread *t = e->desc;
	char use[64];

	/* Names are the core's memory: untrusted. */
	fprintf(f, "\n%s ", t->tid ? "Thread" : "Task");
	term_fputs(t->name[0] ? t->name : "(unnamed)", f);
	fprintf(f, "%s: %s", t->flags & RPD_THREAD_CRASHED ? " [crashed]" : "",
		rpd_thread_state_name(t->state));
	if (t->blocked_on[0]) {
		fputs(" on ", f);
		term_fputs(t->blocked_on, f);
	}
	if (t->flags & RPD_THREAD_HAVE_PRIORITY)
		fprintf(f, ", priority %" PRId32, t->priority);
	stack_use(t, use, sizeof(use));
	if (use[0])
		fprintf(f, ", %s", use);
	if (t->tid)
		fprintf(f, ", GDB thread %" PRId32, t->tid);
	fputc('\n', f);
	if (t->flags & RPD_THREAD_STACK_OVERFLOW)
		fprintf(f,
			"  STACK OVERFLOW: the stack went past 0x%08" PRIx64
			"\n",
			t->stack_low);
	if (t->tcb)
		fprintf(f,
			"  control block 0x%08" PRIx64 ", stack 0x%08" PRIx64
			"-0x%08" PRIx64 "\n",
			t->tcb, t->stack_low, t->stack_high);
	if (!t->tid)
		fprintf(f,
			"  (no registers: its saved context was not read)\n");
	else
		backtrace_print(f, &e->bt, "  ");
}

void thread_list_print(FILE *f, const struct rpd_core_threads *th,
		       const struct thread_list *list)
{
	fprintf(f, "\n%zu thread%s%s", list->n, list->n == 1 ? "" : "s",
		th->rtos[0] ? " of " : "");
	term_fputs(th->rtos, f);
	fputs(th->rtos_port[0] ? ", port " : "", f);
	term_fputs(th->rtos_port, f);
	fputs(":\n", f);
	for (size_t i = 0; i < list->n; i++)
		print_thread(f, &list->entries[i]);
}

static void json_thread(struct json_writer *j, const struct thread_entry *e)
{
	const struct rpd_thread *t = e->desc;
	bool have_stack = t->stack_high > t->stack_low;

	json_begin_object(j, NULL);
	if (t->tid)
		json_int(j, "gdb_thread", t->tid);
	else
		json_null(j, "gdb_thread");
	json_string(j, "name", t->name[0] ? t->name : NULL);
	json_string(j, "state", rpd_thread_state_name(t->state));
	json_string(j, "blocked_on", t->blocked_on[0] ? t->blocked_on : NULL);
	if (t->flags & RPD_THREAD_HAVE_PRIORITY)
		json_int(j, "priority", t->priority);
	else
		json_null(j, "priority");
	json_bool(j, "crashed", t->flags & RPD_THREAD_CRASHED);
	json_bool(j, "stack_overflow", t->flags & RPD_THREAD_STACK_OVERFLOW);
	if (t->tcb)
		json_uint(j, "tcb", t->tcb);
	else
		json_null(j, "tcb");
	if (have_stack) {
		json_uint(j, "stack_low", t->stack_low);
		json_uint(j, "stack_high", t->stack_high);
	} else {
		json_null(j, "stack_low");
		json_null(j, "stack_high");
	}
	if (t->flags & RPD_THREAD_HAVE_STACK_UNUSED)
		json_uint(j, "stack_unused", t->stack_unused);
	else
		json_null(j, "stack_unused");
	json_string(j, "method", backtrace_method(&e->bt));
	backtrace_json(j, "frames", &e->bt);
	json_end_object(j);
}

void thread_list_json(struct json_writer *j, const char *key,
		      const struct thread_list *list)
{
	json_begin_array(j, key);
	for (size_t i = 0; i < list->n; i++)
		json_thread(j, &list->entries[i]);
	json_end_array(j);
}

int verb_threads(const struct analyze_options *o, struct output *out, int argc,
		 char **argv)
{
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	struct rpd_core_threads th;
	struct thread_list list = { 0 };
	struct symbolizer *sym = NULL;
	struct backtracer b;
	int r;

	r = analyzed_core_open_args(o, argc, argv, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	r = rpd_core_threads(ac.core, ac.fw, &th);
	if (r < 0) {
		log_error("%s: %s", ac.path, rpd_error());
		return EXIT_ANALYZE_ERROR;
	}
	if (ac.fw)
		symbolizer_open(rpd_firmware_path(ac.fw), &sym);
	backtracer_init(&b, &ac, sym);
	r = thread_list_build(&b, &th, &list);
	if (r == 0 && out->is_json) {
		json_begin_object(&out->json, NULL);
		json_string(&out->json, "core", ac.path);
		json_string(&out->json, "rtos", th.rtos[0] ? th.rtos : NULL);
		json_string(&out->json, "registers",
			    rpd_register_source_name(th.source));
		thread_list_json(&out->json, "threads", &list);
		json_end_object(&out->json);
		json_finish(&out->json);
	} else if (r == 0) {
		fputs("Core:      ", out->f);
		term_fputs(ac.path, out->f);
		fprintf(out->f, "\nRegisters: %s (",
			rpd_register_source_name(th.source));
		term_fputs(th.source_detail, out->f);
		fputs(")\n", out->f);
		if (th.problems[0]) {
			fputs("Problems:  ", out->f);
			term_fputs(th.problems, out->f);
			fputc('\n', out->f);
		}
		thread_list_print(out->f, &th, &list);
	}
	thread_list_release(&list);
	symbolizer_free(sym);
	rpd_core_threads_release(&th);
	return r == 0 ? EXIT_ANALYZE_OK : EXIT_ANALYZE_ERROR;
}
