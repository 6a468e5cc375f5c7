// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backtrace.c - one thread's symbolized backtrace (backtrace.h).
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "log.h"
#include "macro.h"
#include "term_escape.h"

#define MAX_FRAMES (UNWIND_MAX_FRAMES * 4)

static const char *const frame_kind_names[] = {
	[UNWIND_FRAME_CONTEXT] = "registers",
	[UNWIND_FRAME_CFI] = "cfi",
	[UNWIND_FRAME_EXCEPTION] = "exception",
	[UNWIND_FRAME_SCAN] = "stack-scan",
};

static int read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct analyzed_core *ac = ctx;

	if (rpd_core_read(ac->core, addr, buf, len) == 0)
		return 0;
	if (ac->fw && rpd_firmware_read(ac->fw, addr, buf, len) == 0)
		return 0;
	return -ENOENT;
}

/* Code is where the firmware has executable segments, else (no firmware)
 * wherever the dump says. */
static void add_code_ranges(const struct analyzed_core *ac,
			    struct unwind_target *t)
{
	size_t n = ac->fw ? rpd_firmware_nsegments(ac->fw) :
			    rpd_core_nsegments(ac->core);

	for (size_t i = 0; i < n && t->ncode < UNWIND_MAX_CODE_RANGES; i++) {
		const struct rpd_segment *s =
			ac->fw ? rpd_firmware_segment(ac->fw, i) :
				 rpd_core_segment(ac->core, i);

		if (!(s->flags & PF_X) || s->vaddr > UINT32_MAX)
			continue;
		t->code[t->ncode++] = (struct unwind_range){
			.start = (uint32_t)s->vaddr,
			.end = (uint32_t)MIN(s->vaddr + s->memsz, UINT32_MAX),
		};
	}
}

static void set_entry(const struct analyzed_core *ac, struct symbolizer *sym,
		      struct unwind_target *t)
{
	uint64_t start, end;

	if (!sym ||
	    symbolizer_function_range(sym, rpd_firmware_ident(ac->fw)->entry,
				      &start, &end) < 0)
		return;
	t->entry = (struct unwind_range){ (uint32_t)start, (uint32_t)end };
}

void backtracer_init(struct backtracer *b, const struct analyzed_core *ac,
		     struct symbolizer *sym)
{
	const struct unwind_memory mem = { .read = read_memory,
					   .ctx = (void *)ac };

	*b = (struct backtracer){ .ac = ac, .sym = sym };
	if (sym &&
	    dwfl_cfi_attach(&b->dc, symbolizer_dwfl(sym), &mem, &b->cfi) == 0)
		b->have_cfi = true;
	else
		log_debug(
			"%s: no firmware call-frame information: unwinding by stack scan",
			ac->path);
}

static void run_unwinder(const struct backtracer *b,
			 const struct unwind_regs *start, const uint32_t *psp,
			 struct unwind_result *res)
{
	struct unwind_target t = {
		.mem = { .read = read_memory, .ctx = (void *)b->ac },
		.cfi = b->have_cfi ? &b->cfi : NULL,
		.psp = psp ? *psp : 0,
		.have_psp = psp,
	};

	add_code_ranges(b->ac, &t);
	set_entry(b->ac, b->sym, &t);
	unwind(&t, start, res);
}

static bool is_call_return(const struct unwind_frame *f, size_t i,
			   const struct unwind_result *u)
{
	if (f->kind == UNWIND_FRAME_CONTEXT ||
	    f->kind == UNWIND_FRAME_EXCEPTION)
		return false;
	/* The pc an exception frame holds is where execution stopped. */
	return !(i > 0 && u->frames[i - 1].kind == UNWIND_FRAME_EXCEPTION);
}

/*
 * A function that tail-called the one below and so left no frame: the
 * caller's call site names it (GDB shows the same "tailcall" frames).
 */
static void add_tail_call_frame(struct backtrace *bt, struct symbolizer *sym,
				uint32_t return_addr)
{
	const struct backtrace_frame *callee = &bt->frames[bt->nframes - 1];
	struct source_frame src;
	uint64_t pc;

	if (bt->nframes < MAX_FRAMES &&
	    symbolize_tail_call(sym, return_addr, callee->function, &src, &pc))
		bt->frames[bt->nframes++] = (struct backtrace_frame){
			.pc = (uint32_t)pc,
			.function = src.function,
			.file = src.file,
			.line = src.line,
			.kind = "tail-call",
		};
}

static void add_source_frames(struct backtrace *bt, struct symbolizer *sym,
			      size_t i)
{
	const struct unwind_frame *f = &bt->unwound.frames[i];
	struct source_frame src[SYMBOLIZE_MAX_INLINED];
	uint32_t lookup = f->pc;
	size_t n;

	if (f->kind == UNWIND_FRAME_EXCEPTION) {
		bt->frames[bt->nframes++] = (struct backtrace_frame){
			.pc = f->pc,
			.function = BACKTRACE_EXCEPTION_FRAME,
			.kind = frame_kind_names[f->kind],
		};
		return;
	}
	if (f->kind == UNWIND_FRAME_CFI && bt->nframes)
		add_tail_call_frame(bt, sym, f->pc);
	/* A return address points after the call, maybe into the next
	 * line or function: look the call itself up. */
	if (is_call_return(f, i, &bt->unwound))
		lookup--;
	n = symbolize(sym, lookup, src, ARRAY_SIZE(src));
	for (size_t k = 0; k < n && bt->nframes < MAX_FRAMES; k++)
		bt->frames[bt->nframes++] = (struct backtrace_frame){
			.pc = f->pc,
			.function = src[k].function,
			.file = src[k].file,
			.line = src[k].line,
			.inlined = src[k].inlined,
			.kind = frame_kind_names[f->kind],
		};
}

/*
 * No call returns to the first instruction of a function: an RTOS starts a
 * task with lr pointing there (FreeRTOS's prvTaskExitError), so the frame
 * below the task's entry function is none.
 */
static bool returns_to_function_start(const struct backtrace *bt,
				      struct symbolizer *sym, size_t i)
{
	const struct unwind_frame *f = &bt->unwound.frames[i];
	uint64_t start, end;

	return sym && is_call_return(f, i, &bt->unwound) &&
	       symbolizer_function_range(sym, f->pc, &start, &end) == 0 &&
	       (start & ~1ull) == (f->pc & ~1ull); /* Thumb bit aside */
}

/* Expands the unwound frames into source frames and finds the faulting
 * one. */
static int symbolize_frames(struct backtrace *bt, struct symbolizer *sym)
{
	bool seen_exception = false, next_faults = false;

	bt->frames = calloc(MAX_FRAMES, sizeof(*bt->frames));
	if (!bt->frames)
		return log_oom();
	bt->faulting = 0;
	for (size_t i = 0; i < bt->unwound.nframes; i++) {
		if (i == 1)
			bt->caller = bt->nframes;
		if (next_faults) {
			bt->faulting = bt->nframes;
			next_faults = false;
		}
		if (bt->unwound.frames[i].kind == UNWIND_FRAME_EXCEPTION &&
		    !seen_exception) {
			seen_exception = next_faults = true;
			bt->faulting = SIZE_MAX; /* unless a frame follows */
		}
		/* The thread's first frame was the last: as at the entry. */
		if (returns_to_function_start(bt, sym, i)) {
			bt->unwound.stop[0] = '\0';
			break;
		}
		add_source_frames(bt, sym, i);
	}
	if (!bt->nframes)
		bt->faulting = SIZE_MAX;
	return 0;
}

int backtrace_unwind(struct backtracer *b, const struct rpd_arm_regs *regs,
		     uint32_t known, const uint32_t *psp, struct backtrace *bt)
{
	struct unwind_regs start;

	*bt = (struct backtrace){ .faulting = SIZE_MAX, .caller = SIZE_MAX };
	unwind_regs_from_arm(regs, &start);
	start.known = known;
	run_unwinder(b, &start, psp, &bt->unwound);
	return symbolize_frames(bt, b->sym);
}

void backtrace_release(struct backtrace *bt)
{
	free(bt->frames);
	bt->frames = NULL;
	bt->nframes = 0;
}

const char *backtrace_method(const struct backtrace *bt)
{
	if (!bt->nframes)
		return "none";
	return bt->unwound.guessed ? "stack-scan" : "cfi";
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "??";
}

void backtrace_print(FILE *f, const struct backtrace *bt, const char *indent)
{
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct backtrace_frame *fr = &bt->frames[i];

		/* Names and files are the firmware's DWARF: untrusted. */
		fprintf(f, "%s#%-2zu 0x%08" PRIx32 " ", indent, i, fr->pc);
		term_fputs(or_unknown(fr->function), f);
		if (fr->file) {
			fputs(" (", f);
			term_fputs(fr->file, f);
			fprintf(f, ":%d)", fr->line);
		}
		if (fr->inlined)
			fprintf(f, " [inlined]");
		if (!strcmp(fr->kind, "stack-scan"))
			fprintf(f, " [guess]");
		else if (!strcmp(fr->kind, "tail-call"))
			fprintf(f, " [tail call]");
		fputc('\n', f);
	}
	if (bt->unwound.stop[0]) {
		fprintf(f, "%s(unwinding stopped: ", indent);
		term_fputs(bt->unwound.stop, f);
		fputs(")\n", f);
	}
}

void backtrace_json(struct json_writer *j, const char *key,
		    const struct backtrace *bt)
{
	json_begin_array(j, key);
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct backtrace_frame *fr = &bt->frames[i];

		json_begin_object(j, NULL);
		json_uint(j, "pc", fr->pc);
		json_string(j, "function", fr->function);
		json_string(j, "file", fr->file);
		json_int(j, "line", fr->line);
		json_bool(j, "inlined", fr->inlined);
		json_string(j, "kind", fr->kind);
		json_end_object(j);
	}
	json_end_array(j);
}
