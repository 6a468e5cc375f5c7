// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * convert.c - turn a remoteproc devcoredump into a stored core.
 *
 * The kernel's dump is memory only. With the firmware image beside it we
 * know what that memory means: which ranges are the firmware's segments,
 * where the firmware left its crash record (the registers) and its trace
 * buffers. The stored core carries all of it in notes a debugger reads
 * (rproc-core(5)), followed by the dump's bytes in the order the dump holds
 * them, so the dump is read once, front to back, whatever its size.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core_format.h"
#include "crash_state.h"
#include "firmware_match.h"
#include "rproc/crash_record.h"
#include "rproc/trace_buffer.h"
#include "segment_plan.h"
#include "util.h"

#define COPY_CHUNK (256 * 1024)

/* Everything the notes are made from. */
struct conversion {
	const struct rpd_devcd *dump;
	const struct rpd_firmware *fw; /* NULL when missing or another build */
	const struct rpd_convert_info *info;
	struct rpd_match_report match;
	struct rpd_segment_plan plan;
	struct rpd_crash_state state;
	uint16_t machine; /* of the core */
};

/* ---- key=value info note ---- */

struct info_note {
	char *buf;
	size_t len, cap;
	int err;
};

static void info_add(struct info_note *in, const char *key, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

/* Appends "key=value\0"; a value never contains a NUL or newline. */
static void info_add(struct info_note *in, const char *key, const char *fmt,
		     ...)
{
	char value[256];
	size_t need;
	va_list ap;

	if (in->err)
		return;
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	for (char *p = value; *p; p++)
		if (*p == '\n')
			*p = ' ';

	need = strlen(key) + 1 + strlen(value) + 1;
	if (in->len + need > in->cap) {
		size_t ncap = MAX(in->cap * 2, in->len + need + 256);
		char *b = realloc(in->buf, ncap);

		if (!b) {
			in->err = -ENOMEM;
			return;
		}
		in->buf = b;
		in->cap = ncap;
	}
	in->len += (size_t)sprintf(in->buf + in->len, "%s=%s", key, value) + 1;
}

/* ---- the crashed remote's memory, at its CPU's addresses ---- */

/* Reads through the plan: a firmware segment's bytes are in the dump at
 * the device address the kernel loaded them to. */
static int plan_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct conversion *c = ctx;
	uint8_t *out = buf;

	while (len) {
		const struct rpd_segment *s = NULL;
		size_t i, n;

		for (i = 0; i < c->plan.nloads; i++) {
			s = &c->plan.segs[i].load;
			if (addr >= s->vaddr && addr - s->vaddr < s->filesz)
				break;
		}
		if (i == c->plan.nloads)
			return -ENOENT;
		n = (size_t)MIN((uint64_t)len, s->vaddr + s->filesz - addr);
		if (rpd_devcd_read(c->dump,
				   c->plan.segs[i].source_da +
					   (addr - s->vaddr),
				   out, n) < 0)
			return -ENOENT;
		addr += n;
		out += n;
		len -= n;
	}
	return 0;
}

static int derive_crash_state(struct conversion *c)
{
	const struct rpd_memory mem = { .read = plan_read, .ctx = c };

	return rpd_crash_state_derive(c->fw, &mem, &c->state);
}

/* ---- notes ---- */

static int add_prpsinfo(struct rpd_core_writer *w, const struct conversion *c)
{
	const struct rpd_convert_info *info = c->info;
	uint8_t prpsinfo[RPD_ARM_PRPSINFO_SIZE];
	char psargs[96];

	/* libdwfl refuses a core without a process: name the remote. */
	snprintf(psargs, sizeof(psargs), "%s %s",
		 info->rproc_name ? info->rproc_name : "remoteproc",
		 info->firmware_name ? info->firmware_name : "");
	rpd_note_arm_prpsinfo(prpsinfo,
			      base_name(info->firmware_name ?
						info->firmware_name :
						rpd_firmware_path(c->fw)),
			      psargs, 1);
	return rpd_core_writer_add_note(w, "CORE", NT_PRPSINFO, prpsinfo,
					sizeof(prpsinfo));
}

/* One NT_PRSTATUS per thread with registers, the crashed one first: GDB
 * makes the first its current thread. */
static int add_register_notes(struct rpd_core_writer *w,
			      const struct conversion *c)
{
	const struct rpd_crash_state *st = &c->state;
	uint8_t prstatus[RPD_ARM_PRSTATUS_SIZE];
	bool first = true;
	int r;

	if (c->machine != EM_ARM)
		return 0;
	for (size_t i = 0; i < st->nthreads; i++) {
		const struct rpd_crash_thread *t = &st->threads[i];

		if (!t->desc.tid)
			continue;
		rpd_note_arm_prstatus(prstatus, &t->regs, t->desc.tid,
				      rpd_crash_state_signal(st));
		r = rpd_core_writer_add_note(w, "CORE", NT_PRSTATUS, prstatus,
					     sizeof(prstatus));
		if (r >= 0 && first)
			r = add_prpsinfo(w, c);
		if (r < 0)
			return r;
		first = false;
	}
	if (first)
		return 0;
	/* Without it GDB cannot step through an exception frame when the
	 * firmware lacks .ARM.attributes. */
	return rpd_core_writer_add_note(
		w, "GDB", NT_GDB_TDESC, rpd_note_tdesc_arm_m_profile(),
		strlen(rpd_note_tdesc_arm_m_profile()) + 1);
}

static int add_threads_note(struct rpd_core_writer *w,
			    const struct conversion *c)
{
	const struct rpd_crash_state *st = &c->state;
	_cleanup_free_ uint8_t *desc = NULL;

	if (!st->nthreads)
		return 0;
	desc = calloc(st->nthreads, RPD_THREAD_ENTRY_SIZE);
	if (!desc)
		return rpd_fail(-ENOMEM, "threads note: out of memory");
	for (size_t i = 0; i < st->nthreads; i++)
		rpd_thread_entry_encode(desc + i * RPD_THREAD_ENTRY_SIZE,
					&st->threads[i].desc);
	return rpd_core_writer_add_note(w, RPD_NOTE_OWNER, RPD_NT_THREADS, desc,
					st->nthreads * RPD_THREAD_ENTRY_SIZE);
}

/* A value from the caller, else from the patched dump's own notes. */
static const char *info_value(const struct conversion *c, const char *given,
			      const char *key)
{
	if (given && *given)
		return given;
	return rpd_devcd_info(c->dump, key);
}

static void add_crash_state_info(struct info_note *in,
				 const struct rpd_crash_state *st)
{
	const struct rpd_crash_thread *crashed =
		st->nthreads && (st->threads[0].desc.flags &
				 RPD_THREAD_CRASHED) ?
			&st->threads[0] :
			NULL;

	info_add(in, "registers", "%s", rpd_register_source_name(st->source));
	info_add(in, "registers_detail", "%s", st->source_detail);
	if (!st->have_crash && st->reason[0])
		info_add(in, "crash_reason", "%s", st->reason);
	if (st->have_crash) {
		info_add(in, "crash_reason", "%s",
			 rpd_crash_reason_name(st->crash.reason));
		info_add(in, "crash_sequence", "%u", st->crash.sequence);
		if (st->crash.message[0])
			info_add(in, "crash_message", "%s", st->crash.message);
	}
	if (st->rtos) {
		info_add(in, "rtos", "%s", st->rtos);
		if (st->rtos_port[0])
			info_add(in, "rtos_port", "%s", st->rtos_port);
		info_add(in, "threads", "%zu", st->nthreads);
	}
	if (crashed && crashed->desc.name[0])
		info_add(in, "crashed_thread", "%s", crashed->desc.name);
	if (st->problems[0])
		info_add(in, "problems", "%s", st->problems);
}

static int add_info_note(struct rpd_core_writer *w, const struct conversion *c)
{
	const struct rpd_convert_info *info = c->info;
	struct info_note in = { 0 };
	const char *v;
	int r;

	info_add(&in, "format", "%d", RPD_CORE_FORMAT_VERSION);
	if ((v = info_value(c, info->rproc_name, "name")))
		info_add(&in, "name", "%s", v);
	if ((v = info_value(c, info->firmware_name, "firmware")))
		info_add(&in, "firmware", "%s", v);
	if (c->fw && (v = rpd_firmware_build_id_hex(c->fw)))
		info_add(&in, "build_id", "%s", v);
	else if ((v = rpd_devcd_info(c->dump, "build_id")))
		info_add(&in, "build_id", "%s", v);
	if ((v = info_value(c, info->crash_type, "crash_type")))
		info_add(&in, "crash_type", "%s", v);
	if (info->crash_time)
		info_add(&in, "crash_time", "%lld",
			 (long long)info->crash_time);
	else if ((v = rpd_devcd_info(c->dump, "crash_time")))
		info_add(&in, "crash_time", "%s", v);
	else /* a dump that does not say: now is the best guess */
		info_add(&in, "crash_time", "%lld", (long long)time(NULL));
	if ((v = info_value(c, info->kernel_release, "kernel")))
		info_add(&in, "kernel", "%s", v);
	info_add(&in, "collector", "%s",
		 info->collector ? info->collector :
				   "librprocdump " RPD_VERSION);
	info_add(&in, "layout", "%s",
		 rpd_devcd_layout(c->dump) == RPD_DEVCD_PATCHED ? "patched" :
								  "mainline");
	info_add(&in, "firmware_match", "%s",
		 rpd_firmware_match_name(c->match.match));
	if (c->match.differing)
		info_add(&in, "firmware_differing_bytes", "%llu",
			 (unsigned long long)c->match.differing);
	info_add(&in, "truncated", "%d", rpd_devcd_truncated(c->dump) ? 1 : 0);
	add_crash_state_info(&in, &c->state);
	if (in.err) {
		free(in.buf);
		return rpd_fail(in.err, "info note: out of memory");
	}
	r = rpd_core_writer_add_note(w, RPD_NOTE_OWNER, RPD_NT_INFO, in.buf,
				     in.len);
	free(in.buf);
	return r;
}

/* Our own trace header is recognised here; other formats are left for the
 * analyzer to detect from the bytes. */
static uint32_t trace_format(const struct conversion *c,
			     const struct rpd_trace_desc *t)
{
	uint8_t magic[4];

	if (rpd_devcd_read(c->dump, t->da, magic, sizeof(magic)) == 0 &&
	    get_le32(magic) == RPROC_TRACE_MAGIC)
		return RPD_TRACE_FORMAT_RTRC;
	return RPD_TRACE_FORMAT_AUTO;
}

static int add_trace_note(struct rpd_core_writer *w, const struct conversion *c)
{
	size_t n = c->fw ? rpd_firmware_ntraces(c->fw) : 0;
	_cleanup_free_ uint8_t *desc = NULL;

	if (!n)
		return 0;
	desc = calloc(n, RPD_TRACE_ENTRY_SIZE);
	if (!desc)
		return rpd_fail(-ENOMEM, "trace note: out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct rpd_trace_desc *t = rpd_firmware_trace(c->fw, i);
		struct rpd_trace_entry e = {
			.da = t->da,
			.len = t->len,
			.format = trace_format(c, t),
		};

		snprintf(e.name, sizeof(e.name), "%s", t->name);
		rpd_trace_entry_encode(desc + i * RPD_TRACE_ENTRY_SIZE, &e);
	}
	return rpd_core_writer_add_note(w, RPD_NOTE_OWNER, RPD_NT_TRACE, desc,
					n * RPD_TRACE_ENTRY_SIZE);
}

static int add_segmap_note(struct rpd_core_writer *w,
			   const struct conversion *c)
{
	const struct rpd_segment_plan *plan = &c->plan;
	_cleanup_free_ uint8_t *desc = NULL;

	if (!plan->n)
		return 0;
	desc = calloc(plan->n, RPD_SEGMAP_ENTRY_SIZE);
	if (!desc)
		return rpd_fail(-ENOMEM, "segment map note: out of memory");
	for (size_t i = 0; i < plan->n; i++) {
		const struct rpd_planned_segment *ps = &plan->segs[i];
		struct rpd_segmap_entry e = {
			.load_index = ps->is_load ? (uint32_t)i :
						    RPD_SEGMAP_NO_LOAD,
			.firmware_index = ps->firmware_index,
			.vaddr = ps->load.vaddr,
			.source_da = ps->source_da,
			.size = ps->load.filesz,
			.flags = ps->map_flags,
		};

		rpd_segmap_entry_encode(desc + i * RPD_SEGMAP_ENTRY_SIZE, &e);
	}
	return rpd_core_writer_add_note(w, RPD_NOTE_OWNER, RPD_NT_SEGMAP, desc,
					plan->n * RPD_SEGMAP_ENTRY_SIZE);
}

static int add_notes(struct rpd_core_writer *w, const struct conversion *c)
{
	int r;

	r = add_register_notes(w, c);
	if (r >= 0)
		r = add_info_note(w, c);
	if (r >= 0)
		r = add_trace_note(w, c);
	if (r >= 0 && c->state.have_crash)
		r = rpd_core_writer_add_note(w, RPD_NOTE_OWNER,
					     RPD_NT_CRASH_RECORD,
					     c->state.crash_raw,
					     RPROC_CRASH_RECORD_SIZE);
	if (r >= 0)
		r = add_threads_note(w, c);
	if (r >= 0)
		r = add_segmap_note(w, c);
	return r;
}

/* ---- data ---- */

/* Streams every planned load's bytes from the dump, in dump order. */
static int copy_segments(struct rpd_core_writer *w, const struct conversion *c)
{
	_cleanup_free_ uint8_t *buf = malloc(COPY_CHUNK);

	if (!buf)
		return rpd_fail(-ENOMEM, "copying dump: out of memory");

	for (size_t i = 0; i < c->plan.nloads; i++) {
		const struct rpd_segment *s = &c->plan.segs[i].load;

		for (uint64_t done = 0; done < s->filesz;) {
			size_t n = (size_t)MIN((uint64_t)COPY_CHUNK,
					       s->filesz - done);
			int r = rpd_devcd_read(c->dump,
					       c->plan.segs[i].source_da + done,
					       buf, n);

			if (r < 0)
				return rpd_fail_prefix(r, "reading dump");
			r = rpd_core_writer_write(w, buf, n);
			if (r < 0)
				return r;
			done += n;
		}
	}
	return 0;
}

/* ---- the conversion ---- */

static int core_ident(const struct conversion *c, struct rpd_elf_ident *ident)
{
	const struct rpd_elf_ident *d = rpd_devcd_ident(c->dump);

	*ident = c->fw ? *rpd_firmware_ident(c->fw) : *d;
	if (ident->elf_class != ELFCLASS32)
		return 0;
	for (size_t i = 0; i < c->plan.n; i++) {
		const struct rpd_segment *s = &c->plan.segs[i].load;

		if (s->vaddr > UINT32_MAX || s->paddr > UINT32_MAX ||
		    s->memsz > UINT32_MAX - s->vaddr)
			return rpd_fail(
				-ERANGE,
				"segment at 0x%llx does not fit a 32-bit core",
				(unsigned long long)s->vaddr);
	}
	return 0;
}

static int plan_conversion(struct conversion *c)
{
	int r = rpd_firmware_match(c->dump, c->fw, &c->match);

	if (r < 0)
		return r;
	/* Another build's layout and symbols would only mislead. */
	if (c->match.match == RPD_FW_MISMATCH)
		c->fw = NULL;
	r = rpd_plan_segments(c->dump, c->fw, &c->plan);
	if (r < 0)
		return r;
	return derive_crash_state(c);
}

static int write_core(struct conversion *c, struct rpd_sink *out,
		      struct rpd_convert_result *result)
{
	struct rpd_core_writer *w = NULL;
	struct rpd_elf_ident ident;
	int r;

	r = core_ident(c, &ident);
	if (r < 0)
		return r;
	c->machine = ident.machine;
	r = rpd_core_writer_new(&ident, out, &w);
	if (r < 0)
		return r;
	r = add_notes(w, c);
	for (size_t i = 0; r >= 0 && i < c->plan.nloads; i++)
		r = rpd_core_writer_add_segment(w, &c->plan.segs[i].load);
	if (r >= 0)
		r = rpd_core_writer_start(w);
	if (r >= 0)
		r = copy_segments(w, c);
	if (r >= 0)
		r = rpd_core_writer_finish(w);
	if (r >= 0 && result)
		result->core_size = rpd_core_writer_size(w);
	rpd_core_writer_free(w);
	return r;
}

int rpd_convert(const struct rpd_devcd *dump, const struct rpd_firmware *fw,
		const struct rpd_convert_info *info, struct rpd_sink *out,
		struct rpd_convert_result *result)
{
	static const struct rpd_convert_info no_info;
	struct conversion c = {
		.dump = dump,
		.fw = fw,
		.info = info ? info : &no_info,
	};
	int r;

	r = plan_conversion(&c);
	if (r >= 0)
		r = write_core(&c, out, result);
	if (r >= 0 && result) {
		result->firmware_match = c.match.match;
		result->have_registers = c.state.source != RPD_REGS_NONE;
		result->register_source = c.state.source;
		result->truncated = rpd_devcd_truncated(dump);
		result->nsegments = c.plan.nloads;
	}
	rpd_segment_plan_clear(&c.plan);
	rpd_crash_state_release(&c.state);
	return r;
}
