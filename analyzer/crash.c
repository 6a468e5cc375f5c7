// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crash.c - the "crash" verb: what crashed, where and why.
 *
 * The crashed thread and its registers come from librprocdump's
 * rpd_core_threads(): the core's notes, or the core's memory read anew with
 * the firmware when the core was written without it. The backtrace is
 * unwound from the crashed code's own registers (backtrace.h). The fault
 * status registers and the reason come from the crash record; without one
 * the report says which register source it has and that the fault status
 * is not in memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rproc/crash_record.h"

#include "analyze.h"
#include "backtrace.h"
#include "fault_status.h"
#include "log.h"
#include "macro.h"
#include "signature.h"
#include "string_util.h"
#include "symbolize.h"
#include "term_escape.h"
#include "threads.h"
#include "verb_options.h"

/* What the crash verb gathers before it prints anything. */
struct crash_report {
	struct analyzed_core *ac;
	struct symbolizer *sym; /* NULL without firmware */
	struct backtracer backtracer;
	struct rpd_core_threads threads;
	const struct rpd_thread *crashed; /* threads.threads[0], or NULL */
	const struct rpd_arm_regs *regs;  /* its registers, or NULL */
	struct fault_status fault;
	struct backtrace bt;
	char signature[SIGNATURE_HEX_LEN + 1];
	bool all; /* --all: every thread too */
	struct thread_list list;
};

/* ---- gathering ---------------------------------------------------------- */

static bool have_record(const struct crash_report *cr)
{
	return cr->threads.have_crash;
}

static const struct rpd_crash *record(const struct crash_report *cr)
{
	return &cr->threads.crash;
}

/* A record rproc_crash_raise() or rproc_crash_assert() wrote: its pc is
 * theirs, the crash is their caller's. */
static bool crash_was_raised(const struct crash_report *cr)
{
	return have_record(cr) && (record(cr)->flags & RPROC_CRASH_F_RAISED);
}

static int load_threads(struct crash_report *cr)
{
	int r = rpd_core_threads(cr->ac->core, cr->ac->fw, &cr->threads);

	if (r < 0)
		return log_error_errno(r, "%s: %s", cr->ac->path, rpd_error());
	if (cr->threads.n &&
	    (cr->threads.threads[0].flags & RPD_THREAD_CRASHED)) {
		cr->crashed = &cr->threads.threads[0];
		if (cr->crashed->tid)
			cr->regs = &cr->threads.regs[0];
	}
	if (have_record(cr))
		fault_status_decode(record(cr)->cfsr, record(cr)->hfsr,
				    record(cr)->mmfar, record(cr)->bfar,
				    &cr->fault);
	log_debug("%s: %zu threads (%s); registers: %s%s", cr->ac->path,
		  cr->threads.n,
		  cr->threads.derived ? "derived from memory and firmware" :
					"from the core's notes",
		  rpd_register_source_name(cr->threads.source),
		  cr->regs ? "; unwinding from the crashed thread" : "");
	return 0;
}

static const char *reason_name(const struct crash_report *cr)
{
	const char *type;

	if (have_record(cr))
		return rpd_crash_reason_name(record(cr)->reason);
	if (cr->threads.reason[0])
		return cr->threads.reason;
	type = rpd_core_info(cr->ac->core, "crash_type");
	return type && *type ? type : "unknown";
}

/* No frames, no signature: reason alone would lump unrelated crashes. */
static void compute_signature(struct crash_report *cr)
{
	const struct backtrace *bt = &cr->bt;
	const char *names[SIGNATURE_FRAMES];
	size_t n = 0;

	cr->signature[0] = '\0';
	if (bt->faulting >= bt->nframes)
		return;
	for (size_t i = bt->faulting; i < bt->nframes && n < SIGNATURE_FRAMES;
	     i++)
		names[n++] = bt->frames[i].function ? bt->frames[i].function :
						      "??";
	crash_signature(reason_name(cr), names, n, cr->signature);
}

/* ---- text --------------------------------------------------------------- */

/* fmt with one %s, for a string from the core or the firmware. */
static void fprintf_escaped(FILE *f, const char *fmt, const char *s)
{
	const char *at = strstr(fmt, "%s");

	fwrite(fmt, 1, (size_t)(at - fmt), f);
	term_fputs(s, f);
	fputs(at + 2, f);
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "??";
}

/* "usagefault (DIVBYZERO: divide by zero)" and the like. */
static void print_reason(FILE *f, const struct crash_report *cr)
{
	const struct fault_bit *cause = fault_status_cause(&cr->fault);
	char exc[32];

	term_fputs(reason_name(cr), f); /* may be the core's crash_type */
	if (cause && cr->fault.mmfar_valid && cause->reg[0] == 'M')
		fprintf(f, " (%s: %s, at 0x%08" PRIx32 ")", cause->name,
			cause->explanation, cr->fault.mmfar);
	else if (cause && cr->fault.bfar_valid && cause->reg[0] == 'B')
		fprintf(f, " (%s: %s, at 0x%08" PRIx32 ")", cause->name,
			cause->explanation, cr->fault.bfar);
	else if (cause)
		fprintf(f, " (%s: %s)", cause->name, cause->explanation);
	else if (have_record(cr) && record(cr)->message[0])
		fprintf_escaped(f, " (%s)", record(cr)->message);
	else if (have_record(cr) && record(cr)->exc_number)
		fprintf(f, " (%s)",
			exception_name(record(cr)->exc_number, exc,
				       sizeof(exc)));
}

static const struct backtrace_frame *
faulting_frame(const struct crash_report *cr)
{
	return cr->bt.faulting < cr->bt.nframes ?
		       &cr->bt.frames[cr->bt.faulting] :
		       NULL;
}

static void print_headline(FILE *f, const struct crash_report *cr)
{
	const char *name = rpd_core_info(cr->ac->core, "name");
	const struct backtrace_frame *at = faulting_frame(cr);

	fprintf_escaped(f, "%s crashed: ", name && *name ? name : "remote");
	print_reason(f, cr);
	if (at) {
		fprintf_escaped(f, " at %s", or_unknown(at->function));
		if (at->file) {
			fprintf_escaped(f, " (%s", base_name(at->file));
			fprintf(f, ":%d)", at->line);
		} else
			fprintf(f, " (0x%08" PRIx32 ")", at->pc);
	}
	if (cr->crashed && cr->crashed->name[0])
		fprintf_escaped(f, " in task %s", cr->crashed->name);
	fputc('\n', f);
}

static void print_source(FILE *f, const struct crash_report *cr)
{
	const struct rpd_core_threads *th = &cr->threads;
	char what[96];

	fprintf(f, "  Registers:  %s", rpd_register_source_name(th->source));
	if (th->source_detail[0])
		fprintf_escaped(f, " (%s)", th->source_detail);
	if (th->derived)
		fprintf(f, ", derived now from the core's memory and firmware");
	fputc('\n', f);
	if (cr->crashed) {
		thread_describe(th, cr->crashed, what, sizeof(what));
		fprintf_escaped(f, "  Crashed:    %s\n", what);
	}
	if (th->n > 1)
		fprintf(f, "  Threads:    %zu (rproc-analyze threads)\n",
			th->n);
	if (th->problems[0])
		fprintf_escaped(f, "  Problems:   %s\n", th->problems);
}

static void print_summary(FILE *f, const struct crash_report *cr)
{
	const struct analyzed_core *ac = cr->ac;
	const char *type = rpd_core_info(ac->core, "crash_type");
	char exc[32];

	fprintf_escaped(f, "  Core:       %s\n", ac->path);
	fprintf_escaped(f, "  Firmware:   %s\n",
			ac->fw ? rpd_firmware_path(ac->fw) : "none found");
	if (ac->fw_problem[0])
		fprintf_escaped(f, "              (%s)\n", ac->fw_problem);
	if (type && *type)
		fprintf_escaped(f, "  Crash type: %s (as the kernel saw it)\n",
				type);
	print_source(f, cr);
	if (!have_record(cr)) {
		fprintf(f, "  No crash record: the fault status registers are "
			   "not recoverable from memory.\n");
		return;
	}
	fprintf(f, "  Exception:  %" PRIu32 " %s%s\n", record(cr)->exc_number,
		record(cr)->exc_number ? exception_name(record(cr)->exc_number,
							exc, sizeof(exc)) :
					 "(thread mode)",
		crash_was_raised(cr) ? ", crash raised by software" : "");
	if (record(cr)->message[0])
		fprintf_escaped(f, "  Message:    %s\n", record(cr)->message);
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

	if (!have_record(cr))
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

static const char *const reg_names[17] = {
	"r0", "r1",  "r2",  "r3",  "r4", "r5", "r6", "r7",   "r8",
	"r9", "r10", "r11", "r12", "sp", "lr", "pc", "xpsr",
};

static uint32_t reg_value(const struct rpd_arm_regs *regs, int i)
{
	return i == 16 ? regs->xpsr : regs->r[i];
}

static void print_registers(FILE *f, const struct crash_report *cr)
{
	const struct rpd_crash *rec = record(cr);

	if (!cr->regs) {
		fprintf(f, "\nNo registers in the core (%s).\n",
			or_unknown(cr->threads.source_detail));
		return;
	}
	fprintf(f, "\nRegisters of the crashed context%s (%s):\n",
		crash_was_raised(cr) ? ", at the raising call" : "",
		rpd_register_source_name(cr->threads.source));
	for (int i = 0; i < 17; i++) {
		if (cr->crashed->regs_known & (1u << i))
			fprintf(f, "  %-4s 0x%08" PRIx32, reg_names[i],
				reg_value(cr->regs, i));
		else
			fprintf(f, "  %-4s %-10s", reg_names[i], "?");
		if (i % 4 == 3 || i == 16)
			fputc('\n', f);
	}
	if (!have_record(cr))
		return;
	/* A raised crash took no exception, even in a handler. */
	if (crash_was_raised(cr)) {
		fprintf(f,
			"Raised by a call, no exception: msp 0x%08" PRIx32
			"  psp 0x%08" PRIx32 "\n",
			rec->msp, rec->psp);
	} else if (rec->exc_number) {
		fprintf(f, "Exception entry:");
		/* 0: another handler took the exception and handed it over. */
		if (rec->handler_pc)
			fprintf(f, " handler 0x%08" PRIx32, rec->handler_pc);
		fprintf(f,
			"  msp 0x%08" PRIx32 "  psp 0x%08" PRIx32
			"  EXC_RETURN 0x%08" PRIx32 "\n",
			rec->msp, rec->psp, rec->exc_return);
	}
}

static void print_backtrace(FILE *f, const struct crash_report *cr)
{
	if (!cr->regs)
		return;
	if (cr->bt.unwound.guessed)
		fprintf(f, "\nBacktrace (partly by stack scan: frames marked "
			   "\"guess\" may be stale return addresses):\n");
	else
		fprintf(f, "\nBacktrace (DWARF call-frame information):\n");
	backtrace_print(f, &cr->bt, "  ");
}

static void print_text(FILE *f, const struct crash_report *cr)
{
	print_headline(f, cr);
	print_summary(f, cr);
	print_fault(f, cr);
	print_registers(f, cr);
	print_backtrace(f, cr);
	if (cr->signature[0])
		fprintf_escaped(f, "\nSignature: %s\n", cr->signature);
	else
		fprintf(f, "\nSignature: none (no backtrace)\n");
	if (cr->all)
		thread_list_print(f, &cr->threads, &cr->list);
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

	if (!have_record(cr)) {
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
	json_uint(j, "exception", record(cr)->exc_number);
	json_string(j, "exception_name",
		    exception_name(record(cr)->exc_number, exc, sizeof(exc)));
	json_end_object(j);
}

static void json_registers(struct json_writer *j, const struct crash_report *cr)
{
	json_begin_object(j, "registers");
	for (int i = 0; cr->regs && i < 17; i++)
		if (cr->crashed->regs_known & (1u << i))
			json_uint(j, reg_names[i], reg_value(cr->regs, i));
	json_end_object(j);
}

/* An empty value is no value. */
static void json_optional_string(struct json_writer *j, const char *key,
				 const char *value)
{
	json_string(j, key, value && *value ? value : NULL);
}

static void json_source(struct json_writer *j, const struct crash_report *cr)
{
	const struct rpd_core_threads *th = &cr->threads;

	json_string(j, "registers_source",
		    rpd_register_source_name(th->source));
	json_optional_string(j, "registers_detail", th->source_detail);
	json_bool(j, "derived", th->derived);
	json_optional_string(j, "rtos", th->rtos);
	json_optional_string(j, "crashed_thread",
			     cr->crashed ? cr->crashed->name : NULL);
	json_optional_string(j, "problems", th->problems);
}

static void print_json(struct json_writer *j, const struct crash_report *cr)
{
	const struct analyzed_core *ac = cr->ac;

	json_begin_object(j, NULL);
	json_string(j, "core", ac->path);
	json_optional_string(j, "remote", rpd_core_info(ac->core, "name"));
	json_optional_string(j, "firmware",
			     ac->fw ? rpd_firmware_path(ac->fw) : NULL);
	json_optional_string(j, "crash_type",
			     rpd_core_info(ac->core, "crash_type"));
	json_string(j, "reason", reason_name(cr));
	json_optional_string(j, "message",
			     have_record(cr) ? record(cr)->message : NULL);
	json_fault(j, cr);
	json_source(j, cr);
	json_registers(j, cr);
	backtrace_json(j, "frames", &cr->bt);
	if (faulting_frame(cr))
		json_uint(j, "faulting_frame", cr->bt.faulting);
	else
		json_null(j, "faulting_frame");
	json_string(j, "method", backtrace_method(&cr->bt));
	json_optional_string(j, "stopped", cr->bt.unwound.stop);
	json_optional_string(j, "signature", cr->signature);
	if (cr->all)
		thread_list_json(j, "threads", &cr->list);
	json_end_object(j);
	json_finish(j);
}

/* ---- the verb ----------------------------------------------------------- */

static int analyze(struct crash_report *cr)
{
	int r;

	r = load_threads(cr);
	if (r < 0)
		return r;
	/* Without symbols the backtrace still has addresses. */
	if (cr->ac->fw)
		symbolizer_open(rpd_firmware_path(cr->ac->fw), &cr->sym);
	cr->bt = (struct backtrace){ .faulting = SIZE_MAX };
	backtracer_init(&cr->backtracer, cr->ac, cr->sym);
	if (cr->regs) {
		r = backtrace_unwind(&cr->backtracer, cr->regs,
				     cr->crashed->regs_known,
				     have_record(cr) ? &record(cr)->psp : NULL,
				     &cr->bt);
		if (r < 0)
			return r;
		/* The raising function is where the crash was recorded, its
		 * caller where it happened. */
		if (crash_was_raised(cr) && cr->bt.caller < cr->bt.nframes)
			cr->bt.faulting = cr->bt.caller;
	} else {
		log_warning("%s: no register context: no backtrace",
			    cr->ac->path);
	}
	compute_signature(cr);
	if (cr->all)
		return thread_list_build(&cr->backtracer, &cr->threads,
					 &cr->list);
	return 0;
}

static int parse_crash_options(int argc, char **argv, struct crash_report *cr,
			       const char **what)
{
	static const struct option options[] = {
		{ "all", no_argument, NULL, 'a' }, {}
	};
	int c;

	optind = 0;
	while ((c = verb_getopt(argc, argv, "a", options)) != -1) {
		if (c != 'a')
			return EXIT_ANALYZE_USAGE;
		cr->all = true;
	}
	if (argc - optind > 1) {
		log_error("%s: takes one CORE or MATCH", argv[0]);
		return EXIT_ANALYZE_USAGE;
	}
	*what = optind < argc ? argv[optind] : NULL;
	return EXIT_ANALYZE_OK;
}

int verb_crash(const struct analyze_options *o, struct output *out, int argc,
	       char **argv)
{
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	struct crash_report cr = { .ac = &ac };
	const char *what;
	int r;

	r = parse_crash_options(argc, argv, &cr, &what);
	if (r != EXIT_ANALYZE_OK)
		return r;
	r = analyzed_core_open_verb(o, what, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	r = analyze(&cr);
	if (r == 0 && out->is_json)
		print_json(&out->json, &cr);
	else if (r == 0)
		print_text(out->f, &cr);
	thread_list_release(&cr.list);
	backtrace_release(&cr.bt);
	symbolizer_free(cr.sym);
	rpd_core_threads_release(&cr.threads);
	return r == 0 ? EXIT_ANALYZE_OK : EXIT_ANALYZE_ERROR;
}
