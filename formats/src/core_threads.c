// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * core_threads.c - a stored core's threads and their registers: read from
 * its notes, or derived anew from its memory when the firmware is at hand
 * now and was not when the core was written.
 */
#include <elf.h>
#include <stdio.h>

#include "core_format.h"
#include "crash_state.h"
#include "util.h"

#define ALL_ARM_REGS 0x1ffffu

static int alloc_threads(struct rpd_core_threads *out, size_t n)
{
	out->threads = calloc(n ? n : 1, sizeof(*out->threads));
	out->regs = calloc(n ? n : 1, sizeof(*out->regs));
	if (!out->threads || !out->regs)
		return rpd_fail(-ENOMEM, "threads: out of memory");
	out->n = n;
	return 0;
}

/* ---- derived ---- */

static int core_memory_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return rpd_core_read(ctx, addr, buf, len) == 0 ? 0 : -ENOENT;
}

static int take_state(const struct rpd_crash_state *st,
		      struct rpd_core_threads *out)
{
	int r = alloc_threads(out, st->nthreads);

	if (r < 0)
		return r;
	out->source = st->source;
	out->derived = true;
	out->have_crash = st->have_crash;
	out->crash = st->crash;
	snprintf(out->source_detail, sizeof(out->source_detail), "%s",
		 st->source_detail);
	snprintf(out->rtos, sizeof(out->rtos), "%s", st->rtos ? st->rtos : "");
	snprintf(out->rtos_port, sizeof(out->rtos_port), "%s", st->rtos_port);
	snprintf(out->problems, sizeof(out->problems), "%s", st->problems);
	snprintf(out->reason, sizeof(out->reason), "%s", st->reason);
	for (size_t i = 0; i < st->nthreads; i++) {
		out->threads[i] = st->threads[i].desc;
		out->regs[i] = st->threads[i].regs;
	}
	return 0;
}

static int derive(const struct rpd_core *core, const struct rpd_firmware *fw,
		  struct rpd_core_threads *out)
{
	const struct rpd_memory mem = { .read = core_memory_read,
					.ctx = (void *)core };
	struct rpd_crash_state st;
	int r;

	r = rpd_crash_state_derive(fw, &mem, &st);
	if (r >= 0)
		r = take_state(&st, out);
	rpd_crash_state_release(&st);
	return r;
}

/* ---- from the notes ---- */

/* Format 1 wrote free text: "crash record at 0x...", "none: why". */
static enum rpd_register_source source_named(const char *value)
{
	static const enum rpd_register_source all[] = {
		RPD_REGS_CRASH_RECORD,
		RPD_REGS_ZEPHYR_COREDUMP,
		RPD_REGS_EXCEPTION_FRAME,
	};

	for (size_t i = 0; value && i < ARRAY_SIZE(all); i++) {
		const char *name = rpd_register_source_name(all[i]);

		if (!strncmp(value, name, strlen(name)))
			return all[i];
	}
	return RPD_REGS_NONE;
}

static void copy_info(const struct rpd_core *core, const char *key, char *out,
		      size_t size)
{
	const char *v = rpd_core_info(core, key);

	snprintf(out, size, "%s", v ? v : "");
}

static void load_crash_record(const struct rpd_core *core,
			      struct rpd_core_threads *out)
{
	const struct rpd_note *note = rpd_core_find_note(
		core, RPD_NOTE_OWNER, RPD_NT_CRASH_RECORD, 0);

	out->have_crash = note && rpd_crash_parse(note->desc, note->descsz,
						  &out->crash) == 0;
}

/* The context of thread tid, as its NT_PRSTATUS holds it. */
static bool context_of(const struct rpd_core *core, int32_t tid,
		       struct rpd_arm_regs *regs)
{
	struct rpd_context ctx;

	for (size_t i = 0; i < rpd_core_ncontexts(core); i++)
		if (rpd_core_context(core, i, &ctx) == 0 && ctx.tid == tid) {
			*regs = ctx.regs;
			return true;
		}
	return false;
}

static int threads_from_note(const struct rpd_core *core,
			     struct rpd_core_threads *out)
{
	int r = alloc_threads(out, rpd_core_nthreads(core));

	for (size_t i = 0; r >= 0 && i < out->n; i++) {
		struct rpd_thread *t = &out->threads[i];

		r = rpd_core_thread(core, i, t);
		if (r >= 0 && t->tid &&
		    !context_of(core, t->tid, &out->regs[i])) {
			t->tid = 0; /* no registers after all */
			t->regs_known = 0;
		}
	}
	return r;
}

/*
 * A format 1 core: the crashed context is the record's interrupted one,
 * else the first context that is not an exception handler's.
 */
static int threads_format1(const struct rpd_core *core,
			   struct rpd_core_threads *out)
{
	struct rpd_context ctx;
	bool found = false;
	int r;

	for (size_t i = 0; !found && i < rpd_core_ncontexts(core); i++)
		found = rpd_core_context(core, i, &ctx) == 0 &&
			(ctx.regs.r[14] & 0xffffff00u) != 0xffffff00u;
	if (!found && rpd_core_context(core, 0, &ctx) == 0)
		found = true;
	if (!found && !out->have_crash)
		return alloc_threads(out, 0);
	r = alloc_threads(out, 1);
	if (r < 0)
		return r;
	if (out->have_crash)
		rpd_crash_interrupted_regs(&out->crash, &out->regs[0]);
	else
		out->regs[0] = ctx.regs;
	out->threads[0] = (struct rpd_thread){
		.tid = 1,
		.state = RPD_THREAD_RUNNING,
		.flags = RPD_THREAD_CRASHED,
		.regs_known = ALL_ARM_REGS,
	};
	return 0;
}

static int from_notes(const struct rpd_core *core, struct rpd_core_threads *out)
{
	out->source = source_named(rpd_core_info(core, "registers"));
	copy_info(core,
		  rpd_core_info(core, "registers_detail") ? "registers_detail" :
							    "registers",
		  out->source_detail, sizeof(out->source_detail));
	copy_info(core, "rtos", out->rtos, sizeof(out->rtos));
	copy_info(core, "rtos_port", out->rtos_port, sizeof(out->rtos_port));
	copy_info(core, "problems", out->problems, sizeof(out->problems));
	load_crash_record(core, out);
	if (!out->have_crash)
		copy_info(core, "crash_reason", out->reason,
			  sizeof(out->reason));
	if (rpd_core_nthreads(core))
		return threads_from_note(core, out);
	return threads_format1(core, out);
}

int rpd_core_threads(const struct rpd_core *core, const struct rpd_firmware *fw,
		     struct rpd_core_threads *out)
{
	const char *registers = rpd_core_info(core, "registers");
	bool without = !registers || !strncmp(registers, "none", 4);
	int r;

	*out = (struct rpd_core_threads){ 0 };
	if (fw && (without || !rpd_core_nthreads(core))) {
		r = derive(core, fw, out);
		/* Memory that says nothing does not undo what the notes say. */
		if (r < 0 || out->source != RPD_REGS_NONE || without)
			return r;
		rpd_core_threads_release(out);
		*out = (struct rpd_core_threads){ 0 };
	}
	return from_notes(core, out);
}

void rpd_core_threads_release(struct rpd_core_threads *threads)
{
	free(threads->threads);
	free(threads->regs);
	threads->threads = NULL;
	threads->regs = NULL;
	threads->n = 0;
}
