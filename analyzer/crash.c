// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crash.c - the "crash" verb: what crashed, where and why.
 *
 * The registers come from the core's NT_PRSTATUS notes (rproc-core(5)):
 * the handler context when there is one, from which the unwinder steps
 * through the exception frame the hardware stacked, as GDB does on the live
 * target. Memory is read through librprocdump, so a .core.gz is read in
 * place, inflating only the members the stack and the code live in; bytes
 * the dump lacks (code in flash, say) come from the firmware image. The
 * fault status registers and the reason come from the crash record.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rproc/crash_record.h"

#include "analyze.h"
#include "fault_status.h"
#include "log.h"
#include "macro.h"
#include "signature.h"
#include "string_util.h"
#include "symbolize.h"
#include "unwind.h"
#include "unwind_dwfl.h"

#define MAX_CONTEXTS 8
#define MAX_FRAMES (UNWIND_MAX_FRAMES * 4)

/* One line of the backtrace: a source frame at an unwound address. */
struct crash_frame {
	uint32_t pc;
	const char *function;
	const char *file;
	int line;
	bool inlined;
	const char *kind; /* frame_kind_names[], or "tail-call" */
};

struct crash_report {
	struct analyzed_core *ac;
	struct symbolizer *sym; /* NULL without firmware */
	struct rpd_crash record;
	bool have_record;
	struct rpd_arm_regs contexts[MAX_CONTEXTS];
	size_t ncontexts;
	size_t start; /* index of the context unwound */
	struct fault_status fault;
	struct unwind_result unwound;
	struct crash_frame *frames;
	size_t nframes;
	size_t faulting; /* index of the faulting frame in frames */
	char signature[SIGNATURE_HEX_LEN + 1];
};

static const char *const frame_kind_names[] = {
	[UNWIND_FRAME_CONTEXT] = "registers",
	[UNWIND_FRAME_CFI] = "cfi",
	[UNWIND_FRAME_EXCEPTION] = "exception",
	[UNWIND_FRAME_SCAN] = "stack-scan",
};

#define EXCEPTION_FRAME_NAME "<exception frame>"

/* ---- gathering ---------------------------------------------------------- */

static void load_record(struct crash_report *cr)
{
	const struct rpd_note *note = rpd_core_find_note(
		cr->ac->core, RPD_NOTE_OWNER, RPD_NT_CRASH_RECORD, 0);

	if (!note)
		return;
	if (rpd_crash_parse(note->desc, note->descsz, &cr->record) < 0) {
		log_warning("%s: %s", cr->ac->path, rpd_error());
		return;
	}
	cr->have_record = true;
	fault_status_decode(cr->record.cfsr, cr->record.hfsr, cr->record.mmfar,
			    cr->record.bfar, &cr->fault);
}

static void load_contexts(struct crash_report *cr)
{
	size_t n = MIN(rpd_core_ncontexts(cr->ac->core), (size_t)MAX_CONTEXTS);

	for (size_t i = 0; i < n; i++) {
		struct rpd_context ctx;

		if (rpd_core_context(cr->ac->core, i, &ctx) < 0) {
			log_warning("%s", rpd_error());
			break;
		}
		cr->contexts[cr->ncontexts++] = ctx.regs;
	}
	/* The handler context, if any, is where the live target stood. */
	for (size_t i = 0; i < cr->ncontexts; i++) {
		if (is_exc_return(cr->contexts[i].r[ARM_LR])) {
			cr->start = i;
			break;
		}
	}
	if (cr->ncontexts)
		log_debug(
			"%s: %zu register contexts; unwinding from context %zu (%s)",
			cr->ac->path, cr->ncontexts, cr->start,
			is_exc_return(cr->contexts[cr->start].r[ARM_LR]) ?
				"the handler, lr holds EXC_RETURN" :
				"the first");
}

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

static void set_entry(struct crash_report *cr, struct unwind_target *t)
{
	uint64_t start, end;

	if (!cr->sym || symbolizer_function_range(
				cr->sym, rpd_firmware_ident(cr->ac->fw)->entry,
				&start, &end) < 0)
		return;
	t->entry = (struct unwind_range){ (uint32_t)start, (uint32_t)end };
}

static void run_unwinder(struct crash_report *cr)
{
	struct unwind_target t = {
		.mem = { .read = read_memory, .ctx = cr->ac },
		.psp = cr->record.psp,
		.have_psp = cr->have_record,
	};
	struct unwind_cfi cfi;
	struct dwfl_cfi dc;
	struct unwind_regs start;

	add_code_ranges(cr->ac, &t);
	set_entry(cr, &t);
	if (cr->sym &&
	    dwfl_cfi_attach(&dc, symbolizer_dwfl(cr->sym), &t.mem, &cfi) == 0)
		t.cfi = &cfi;
	else
		log_debug(
			"%s: no firmware call-frame information: unwinding by stack scan",
			cr->ac->path);
	unwind_regs_from_arm(&cr->contexts[cr->start], &start);
	unwind(&t, &start, &cr->unwound);
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
static void add_tail_call_frame(struct crash_report *cr, uint32_t return_addr)
{
	const struct crash_frame *callee = &cr->frames[cr->nframes - 1];
	struct source_frame src;
	uint64_t pc;

	if (cr->nframes < MAX_FRAMES &&
	    symbolize_tail_call(cr->sym, return_addr, callee->function, &src,
				&pc))
		cr->frames[cr->nframes++] = (struct crash_frame){
			.pc = (uint32_t)pc,
			.function = src.function,
			.file = src.file,
			.line = src.line,
			.kind = "tail-call",
		};
}

static void add_source_frames(struct crash_report *cr, size_t i)
{
	const struct unwind_frame *f = &cr->unwound.frames[i];
	struct source_frame src[SYMBOLIZE_MAX_INLINED];
	uint32_t lookup = f->pc;
	size_t n;

	if (f->kind == UNWIND_FRAME_EXCEPTION) {
		cr->frames[cr->nframes++] = (struct crash_frame){
			.pc = f->pc,
			.function = EXCEPTION_FRAME_NAME,
			.kind = frame_kind_names[f->kind],
		};
		return;
	}
	if (f->kind == UNWIND_FRAME_CFI && cr->nframes)
		add_tail_call_frame(cr, f->pc);
	/* A return address points after the call, maybe into the next
	 * line or function: look the call itself up. */
	if (is_call_return(f, i, &cr->unwound))
		lookup--;
	n = symbolize(cr->sym, lookup, src, ARRAY_SIZE(src));
	for (size_t k = 0; k < n && cr->nframes < MAX_FRAMES; k++)
		cr->frames[cr->nframes++] = (struct crash_frame){
			.pc = f->pc,
			.function = src[k].function,
			.file = src[k].file,
			.line = src[k].line,
			.inlined = src[k].inlined,
			.kind = frame_kind_names[f->kind],
		};
}

/* A record rproc_crash_raise() or rproc_crash_assert() wrote: its pc is
 * theirs, the crash is their caller's. */
static bool crash_was_raised(const struct crash_report *cr)
{
	return cr->have_record && (cr->record.flags & RPROC_CRASH_F_RAISED);
}

/*
 * Expands the unwound frames into source frames. The faulting frame is the
 * first of the interrupted context: the first frame after the first
 * exception frame, or the very first frame when there is none, except that
 * a raised crash faults in the caller of the raising function (frame 0).
 */
static int symbolize_frames(struct crash_report *cr)
{
	bool raised = crash_was_raised(cr);
	/* A crash raised in a handler has an exception frame below: not its. */
	bool seen_exception = raised, next_faults = false;

	cr->frames = calloc(MAX_FRAMES, sizeof(*cr->frames));
	if (!cr->frames)
		return log_oom();
	cr->faulting = 0;
	for (size_t i = 0; i < cr->unwound.nframes; i++) {
		if (raised && i == 1)
			cr->faulting = cr->nframes;
		if (next_faults) {
			cr->faulting = cr->nframes;
			next_faults = false;
		}
		if (cr->unwound.frames[i].kind == UNWIND_FRAME_EXCEPTION &&
		    !seen_exception) {
			seen_exception = next_faults = true;
			cr->faulting = SIZE_MAX; /* unless a frame follows */
		}
		add_source_frames(cr, i);
	}
	return 0;
}

static const char *reason_name(const struct crash_report *cr)
{
	const char *type;

	if (cr->have_record)
		return rpd_crash_reason_name(cr->record.reason);
	type = rpd_core_info(cr->ac->core, "crash_type");
	return type && *type ? type : "unknown";
}

static void compute_signature(struct crash_report *cr)
{
	const char *names[SIGNATURE_FRAMES];
	size_t n = 0;

	for (size_t i = cr->faulting; i < cr->nframes && n < SIGNATURE_FRAMES;
	     i++)
		names[n++] = cr->frames[i].function ? cr->frames[i].function :
						      "??";
	crash_signature(reason_name(cr), names, n, cr->signature);
}

/* ---- text --------------------------------------------------------------- */

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "??";
}

/* "usagefault (DIVBYZERO: divide by zero)" and the like. */
static void print_reason(FILE *f, const struct crash_report *cr)
{
	const struct fault_bit *cause = fault_status_cause(&cr->fault);
	char exc[32];

	fprintf(f, "%s", reason_name(cr));
	if (cause && cr->fault.mmfar_valid && cause->reg[0] == 'M')
		fprintf(f, " (%s: %s, at 0x%08" PRIx32 ")", cause->name,
			cause->explanation, cr->fault.mmfar);
	else if (cause && cr->fault.bfar_valid && cause->reg[0] == 'B')
		fprintf(f, " (%s: %s, at 0x%08" PRIx32 ")", cause->name,
			cause->explanation, cr->fault.bfar);
	else if (cause)
		fprintf(f, " (%s: %s)", cause->name, cause->explanation);
	else if (cr->have_record && cr->record.message[0])
		fprintf(f, " (%s)", cr->record.message);
	else if (cr->have_record && cr->record.exc_number)
		fprintf(f, " (%s)",
			exception_name(cr->record.exc_number, exc,
				       sizeof(exc)));
}

static void print_headline(FILE *f, const struct crash_report *cr)
{
	const char *name = rpd_core_info(cr->ac->core, "name");
	const struct crash_frame *at =
		cr->faulting < cr->nframes ? &cr->frames[cr->faulting] : NULL;

	fprintf(f, "%s crashed: ", name && *name ? name : "remote");
	print_reason(f, cr);
	if (at) {
		fprintf(f, " at %s", or_unknown(at->function));
		if (at->file)
			fprintf(f, " (%s:%d)", base_name(at->file), at->line);
		else
			fprintf(f, " (0x%08" PRIx32 ")", at->pc);
	}
	fputc('\n', f);
}

static void print_summary(FILE *f, const struct crash_report *cr)
{
	const struct analyzed_core *ac = cr->ac;
	const char *type = rpd_core_info(ac->core, "crash_type");
	char exc[32];

	fprintf(f, "  Core:       %s\n", ac->path);
	fprintf(f, "  Firmware:   %s\n",
		ac->fw ? rpd_firmware_path(ac->fw) : "none found");
	if (ac->fw_problem[0])
		fprintf(f, "              (%s)\n", ac->fw_problem);
	if (type && *type)
		fprintf(f, "  Crash type: %s (as the kernel saw it)\n", type);
	if (!cr->have_record) {
		fprintf(f, "  No crash record: no fault status registers.\n");
		return;
	}
	fprintf(f, "  Exception:  %" PRIu32 " %s%s\n", cr->record.exc_number,
		cr->record.exc_number ? exception_name(cr->record.exc_number,
						       exc, sizeof(exc)) :
					"(thread mode)",
		crash_was_raised(cr) ? ", crash raised by software" : "");
	if (cr->record.message[0])
		fprintf(f, "  Message:    %s\n", cr->record.message);
}

static bool is_hfsr_bit(const struct fault_bit *bit)
{
	return !strcmp(bit->reg, "HFSR");
}

static void print_fault_bits(FILE *f, const struct fault_status *fs, bool hfsr)
{
	for (size_t i = 0; i < fs->nbits; i++)
		if (is_hfsr_bit(fs->bits[i]) == hfsr)
			fprintf(f, "    %-5s %-11s %s\n", fs->bits[i]->reg,
				fs->bits[i]->name, fs->bits[i]->explanation);
}

static void print_fault(FILE *f, const struct crash_report *cr)
{
	const struct fault_status *fs = &cr->fault;

	if (!cr->have_record)
		return;
	fprintf(f, "\nFault status:\n");
	fprintf(f, "  CFSR  0x%08" PRIx32 "%s\n", fs->cfsr,
		fs->cfsr ? "" : "  (no configurable fault)");
	print_fault_bits(f, fs, false);
	fprintf(f, "  HFSR  0x%08" PRIx32 "%s\n", fs->hfsr,
		fs->hfsr ? "" : "  (no hard fault)");
	print_fault_bits(f, fs, true);
	if (fs->mmfar_valid)
		fprintf(f, "  MMFAR 0x%08" PRIx32 "  (faulting address)\n",
			fs->mmfar);
	if (fs->bfar_valid)
		fprintf(f, "  BFAR  0x%08" PRIx32 "  (faulting address)\n",
			fs->bfar);
}

static void print_regs(FILE *f, const struct unwind_regs *regs)
{
	static const char *const names[17] = {
		"r0", "r1",  "r2",  "r3",  "r4", "r5", "r6", "r7",   "r8",
		"r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr",
	};

	for (int i = 0; i < 17; i++) {
		if (regs->known & (1u << i))
			fprintf(f, "  %-4s 0x%08" PRIx32, names[i], regs->r[i]);
		else
			fprintf(f, "  %-4s %-10s", names[i], "?");
		if (i % 4 == 3 || i == 16)
			fputc('\n', f);
	}
}

/* The interrupted context: the one the exception frame restored, else the
 * context the unwinder started from; for a raised crash, always the latter,
 * the raising call's (an exception frame below it is not the crash's). */
static void interrupted_regs(const struct crash_report *cr,
			     struct unwind_regs *regs)
{
	if (cr->unwound.have_interrupted && !crash_was_raised(cr))
		*regs = cr->unwound.interrupted;
	else if (cr->ncontexts)
		unwind_regs_from_arm(&cr->contexts[cr->start], regs);
	else
		*regs = (struct unwind_regs){ 0 };
}

static void print_registers(FILE *f, const struct crash_report *cr)
{
	struct unwind_regs regs;

	if (!cr->ncontexts) {
		fprintf(f, "\nNo registers in the core (%s).\n",
			or_unknown(rpd_core_info(cr->ac->core, "registers")));
		return;
	}
	interrupted_regs(cr, &regs);
	fprintf(f, "\nRegisters of the %s:\n",
		crash_was_raised(cr) ? "crashed context, at the raising call" :
				       "interrupted context");
	print_regs(f, &regs);
	/* A raised crash took no exception, even in a handler. */
	if (cr->have_record && cr->record.exc_number && !crash_was_raised(cr)) {
		fprintf(f, "Exception entry:");
		/* 0: another handler took the exception and handed it over. */
		if (cr->record.handler_pc)
			fprintf(f, " handler 0x%08" PRIx32,
				cr->record.handler_pc);
		fprintf(f,
			"  msp 0x%08" PRIx32 "  psp 0x%08" PRIx32
			"  EXC_RETURN 0x%08" PRIx32 "\n",
			cr->record.msp, cr->record.psp, cr->record.exc_return);
	} else if (crash_was_raised(cr))
		fprintf(f,
			"Raised by a call, no exception: msp 0x%08" PRIx32
			"  psp 0x%08" PRIx32 "\n",
			cr->record.msp, cr->record.psp);
}

static void print_backtrace(FILE *f, const struct crash_report *cr)
{
	if (!cr->ncontexts)
		return;
	if (cr->unwound.guessed)
		fprintf(f, "\nBacktrace (partly by stack scan: frames marked "
			   "\"guess\" may be stale return addresses):\n");
	else
		fprintf(f, "\nBacktrace (DWARF call-frame information):\n");
	for (size_t i = 0; i < cr->nframes; i++) {
		const struct crash_frame *fr = &cr->frames[i];

		fprintf(f, "  #%-2zu 0x%08" PRIx32 " %s", i, fr->pc,
			or_unknown(fr->function));
		if (fr->file)
			fprintf(f, " (%s:%d)", fr->file, fr->line);
		if (fr->inlined)
			fprintf(f, " [inlined]");
		if (!strcmp(fr->kind, "stack-scan"))
			fprintf(f, " [guess]");
		else if (!strcmp(fr->kind, "tail-call"))
			fprintf(f, " [tail call]");
		fputc('\n', f);
	}
	if (cr->unwound.stop[0])
		fprintf(f, "  (unwinding stopped: %s)\n", cr->unwound.stop);
}

static void print_text(FILE *f, const struct crash_report *cr)
{
	print_headline(f, cr);
	print_summary(f, cr);
	print_fault(f, cr);
	print_registers(f, cr);
	print_backtrace(f, cr);
	fprintf(f, "\nSignature: %s\n", cr->signature);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_fault_register(struct json_writer *j, const char *key,
				const struct fault_status *fs, uint32_t value,
				bool hfsr)
{
	json_begin_object(j, key);
	json_uint(j, "value", value);
	json_begin_array(j, "bits");
	for (size_t i = 0; i < fs->nbits; i++)
		if (is_hfsr_bit(fs->bits[i]) == hfsr)
			json_string(j, NULL, fs->bits[i]->name);
	json_end_array(j);
	json_end_object(j);
}

static void json_fault(struct json_writer *j, const struct crash_report *cr)
{
	const struct fault_status *fs = &cr->fault;
	char exc[32];

	if (!cr->have_record) {
		json_null(j, "fault");
		return;
	}
	json_begin_object(j, "fault");
	json_fault_register(j, "cfsr", fs, fs->cfsr, false);
	json_fault_register(j, "hfsr", fs, fs->hfsr, true);
	if (fs->mmfar_valid)
		json_uint(j, "mmfar", fs->mmfar);
	else
		json_null(j, "mmfar");
	if (fs->bfar_valid)
		json_uint(j, "bfar", fs->bfar);
	else
		json_null(j, "bfar");
	json_uint(j, "exception", cr->record.exc_number);
	json_string(j, "exception_name",
		    exception_name(cr->record.exc_number, exc, sizeof(exc)));
	json_end_object(j);
}

static void json_registers(struct json_writer *j, const char *key,
			   const struct unwind_regs *regs)
{
	static const char *const names[17] = {
		"r0", "r1",  "r2",  "r3",  "r4", "r5", "r6", "r7",   "r8",
		"r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr",
	};

	json_begin_object(j, key);
	for (int i = 0; i < 17; i++)
		if (regs->known & (1u << i))
			json_uint(j, names[i], regs->r[i]);
	json_end_object(j);
}

static void json_frames(struct json_writer *j, const struct crash_report *cr)
{
	json_begin_array(j, "frames");
	for (size_t i = 0; i < cr->nframes; i++) {
		const struct crash_frame *fr = &cr->frames[i];

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

/* An empty value is no value. */
static void json_optional_string(struct json_writer *j, const char *key,
				 const char *value)
{
	json_string(j, key, value && *value ? value : NULL);
}

static void print_json(struct json_writer *j, const struct crash_report *cr)
{
	const struct analyzed_core *ac = cr->ac;
	struct unwind_regs regs;

	json_begin_object(j, NULL);
	json_string(j, "core", ac->path);
	json_optional_string(j, "remote", rpd_core_info(ac->core, "name"));
	json_optional_string(j, "firmware",
			     ac->fw ? rpd_firmware_path(ac->fw) : NULL);
	json_optional_string(j, "crash_type",
			     rpd_core_info(ac->core, "crash_type"));
	json_string(j, "reason", reason_name(cr));
	json_optional_string(j, "message",
			     cr->have_record ? cr->record.message : NULL);
	json_fault(j, cr);
	interrupted_regs(cr, &regs);
	json_registers(j, "registers", &regs);
	json_frames(j, cr);
	if (cr->faulting < cr->nframes)
		json_uint(j, "faulting_frame", cr->faulting);
	else
		json_null(j, "faulting_frame");
	json_string(j, "method", cr->unwound.guessed ? "stack-scan" : "cfi");
	json_optional_string(j, "stopped", cr->unwound.stop);
	json_string(j, "signature", cr->signature);
	json_end_object(j);
	json_finish(j);
}

/* ---- the verb ----------------------------------------------------------- */

static int analyze(struct crash_report *cr)
{
	int r;

	load_record(cr);
	load_contexts(cr);
	/* Without symbols the backtrace still has addresses. */
	if (cr->ac->fw)
		symbolizer_open(rpd_firmware_path(cr->ac->fw), &cr->sym);
	if (cr->ncontexts)
		run_unwinder(cr);
	else
		log_warning("%s: no register context: no backtrace",
			    cr->ac->path);
	r = symbolize_frames(cr);
	if (r < 0)
		return r;
	compute_signature(cr);
	return 0;
}

int verb_crash(const struct analyze_options *o, struct output *out, int argc,
	       char **argv)
{
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	struct crash_report cr = { .ac = &ac };
	int r;

	r = analyzed_core_open_args(o, argc, argv, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	r = analyze(&cr);
	if (r == 0 && out->is_json)
		print_json(&out->json, &cr);
	else if (r == 0)
		print_text(out->f, &cr);
	free(cr.frames);
	symbolizer_free(cr.sym);
	return r == 0 ? EXIT_ANALYZE_OK : EXIT_ANALYZE_ERROR;
}
