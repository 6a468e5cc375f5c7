// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * notes.c - the notes of a stored core: building the ones debuggers read
 * (ARM NT_PRSTATUS and NT_PRPSINFO in the Linux layout, GDB's target
 * description), encoding the RPROC notes, and parsing and checking notes
 * read from a file that may be hostile.
 *
 * The ARM layouts are those of the Linux kernel's struct elf_prstatus and
 * struct elf_prpsinfo for 32-bit ARM, which GDB (BFD's
 * elf32_arm_nabi_grok_prstatus) and libdwfl (backends/arm_corenote.c)
 * recognise by their exact sizes. They are written field by field so that
 * the host's own struct layout never matters.
 */
#include <stdio.h>

#include "core_format.h"
#include "util.h"

/* struct elf_prstatus for 32-bit ARM */
#define PRSTATUS_SI_SIGNO 0
#define PRSTATUS_CURSIG 12
#define PRSTATUS_PID 24
#define PRSTATUS_REG 72 /* r0-r15, cpsr, orig_r0 */
#define PRSTATUS_NREG 18
#define PRSTATUS_FPVALID 144

/* struct elf_prpsinfo for 32-bit ARM */
#define PRPSINFO_STATE 0
#define PRPSINFO_SNAME 1
#define PRPSINFO_PID 12
#define PRPSINFO_FNAME 28
#define PRPSINFO_FNAME_SIZE 16
#define PRPSINFO_PSARGS 44
#define PRPSINFO_PSARGS_SIZE 80

/**
 * rpd_note_arm_prstatus() - build an ARM NT_PRSTATUS descriptor
 * @out: the 148-byte descriptor
 * @regs: r0-r15 and xPSR, which goes where A-profile cores keep the CPSR
 * @pid: becomes the thread id in GDB and libdwfl
 * @cursig: the signal GDB reports the core as terminated with
 *
 * orig_r0 repeats r0, as Linux does for a task not in a system call.
 */
void rpd_note_arm_prstatus(uint8_t out[RPD_ARM_PRSTATUS_SIZE],
			   const struct rpd_arm_regs *regs, int32_t pid,
			   int16_t cursig)
{
	uint8_t *reg = out + PRSTATUS_REG;

	memset(out, 0, RPD_ARM_PRSTATUS_SIZE);
	put_le32(out + PRSTATUS_SI_SIGNO, (uint32_t)cursig);
	put_le16(out + PRSTATUS_CURSIG, (uint16_t)cursig);
	put_le32(out + PRSTATUS_PID, (uint32_t)pid);
	for (int i = 0; i < 16; i++)
		put_le32(reg + 4 * i, regs->r[i]);
	put_le32(reg + 4 * 16, regs->xpsr);
	put_le32(reg + 4 * 17, regs->r[0]);
	put_le32(out + PRSTATUS_FPVALID, 0);
}

void rpd_note_arm_prstatus_read(const uint8_t in[RPD_ARM_PRSTATUS_SIZE],
				struct rpd_context *ctx)
{
	const uint8_t *reg = in + PRSTATUS_REG;

	*ctx = (struct rpd_context){
		.tid = (int32_t)get_le32(in + PRSTATUS_PID),
		.signal = (int16_t)get_le16(in + PRSTATUS_CURSIG),
	};
	for (int i = 0; i < 16; i++)
		ctx->regs.r[i] = get_le32(reg + 4 * i);
	ctx->regs.xpsr = get_le32(reg + 4 * 16);
}

/* Copies a string into a fixed field, truncated so that a NUL remains. */
static void put_fixed_string(uint8_t *field, size_t size, const char *s)
{
	if (s)
		memcpy(field, s, strnlen(s, size - 1));
}

/**
 * rpd_note_arm_prpsinfo() - build an ARM NT_PRPSINFO descriptor
 * @out: the 124-byte descriptor
 * @fname: the program name (15 characters kept), NULL for none
 * @psargs: its "command line" (79 characters kept), NULL for none
 * @pid: the process id libdwfl requires before it attaches to a core
 */
void rpd_note_arm_prpsinfo(uint8_t out[RPD_ARM_PRPSINFO_SIZE],
			   const char *fname, const char *psargs, int32_t pid)
{
	memset(out, 0, RPD_ARM_PRPSINFO_SIZE);
	out[PRPSINFO_STATE] = 0;
	out[PRPSINFO_SNAME] = 'R';
	put_le32(out + PRPSINFO_PID, (uint32_t)pid);
	put_fixed_string(out + PRPSINFO_FNAME, PRPSINFO_FNAME_SIZE, fname);
	put_fixed_string(out + PRPSINFO_PSARGS, PRPSINFO_PSARGS_SIZE, psargs);
}

/*
 * The registers of GDB's features/arm/arm-m-profile.xml with their numbers
 * spelt out: the "org.gnu.gdb.arm.m-profile" feature is what makes GDB
 * treat the target as M-profile (xPSR, EXC_RETURN unwinding) even when the
 * firmware has no .ARM.attributes to tell it.
 */
static const char tdesc_arm_m_profile[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target>\n"
	"  <architecture>arm</architecture>\n"
	"  <feature name=\"org.gnu.gdb.arm.m-profile\">\n"
	"    <reg name=\"r0\" bitsize=\"32\" regnum=\"0\" type=\"int\"/>\n"
	"    <reg name=\"r1\" bitsize=\"32\" regnum=\"1\" type=\"int\"/>\n"
	"    <reg name=\"r2\" bitsize=\"32\" regnum=\"2\" type=\"int\"/>\n"
	"    <reg name=\"r3\" bitsize=\"32\" regnum=\"3\" type=\"int\"/>\n"
	"    <reg name=\"r4\" bitsize=\"32\" regnum=\"4\" type=\"int\"/>\n"
	"    <reg name=\"r5\" bitsize=\"32\" regnum=\"5\" type=\"int\"/>\n"
	"    <reg name=\"r6\" bitsize=\"32\" regnum=\"6\" type=\"int\"/>\n"
	"    <reg name=\"r7\" bitsize=\"32\" regnum=\"7\" type=\"int\"/>\n"
	"    <reg name=\"r8\" bitsize=\"32\" regnum=\"8\" type=\"int\"/>\n"
	"    <reg name=\"r9\" bitsize=\"32\" regnum=\"9\" type=\"int\"/>\n"
	"    <reg name=\"r10\" bitsize=\"32\" regnum=\"10\" type=\"int\"/>\n"
	"    <reg name=\"r11\" bitsize=\"32\" regnum=\"11\" type=\"int\"/>\n"
	"    <reg name=\"r12\" bitsize=\"32\" regnum=\"12\" type=\"int\"/>\n"
	"    <reg name=\"sp\" bitsize=\"32\" regnum=\"13\" type=\"data_ptr\"/>\n"
	"    <reg name=\"lr\" bitsize=\"32\" regnum=\"14\" type=\"int\"/>\n"
	"    <reg name=\"pc\" bitsize=\"32\" regnum=\"15\" type=\"code_ptr\"/>\n"
	"    <reg name=\"xpsr\" bitsize=\"32\" regnum=\"25\" type=\"int\"/>\n"
	"  </feature>\n"
	"</target>\n";

const char *rpd_note_tdesc_arm_m_profile(void)
{
	return tdesc_arm_m_profile;
}

/* ---- RPROC note entries ---- */

void rpd_trace_entry_encode(uint8_t out[RPD_TRACE_ENTRY_SIZE],
			    const struct rpd_trace_entry *e)
{
	memset(out, 0, RPD_TRACE_ENTRY_SIZE);
	put_le64(out, e->da);
	put_le64(out + 8, e->len);
	put_le32(out + 16, e->format);
	memcpy(out + 24, e->name, strnlen(e->name, RPD_TRACE_NAME_SIZE));
}

void rpd_trace_entry_decode(const uint8_t in[RPD_TRACE_ENTRY_SIZE],
			    struct rpd_trace_entry *e)
{
	const char *name = (const char *)in + 24;

	memset(e, 0, sizeof(*e));
	e->da = get_le64(in);
	e->len = get_le64(in + 8);
	e->format = get_le32(in + 16);
	memcpy(e->name, name, strnlen(name, RPD_TRACE_NAME_SIZE));
}

void rpd_segmap_entry_encode(uint8_t out[RPD_SEGMAP_ENTRY_SIZE],
			     const struct rpd_segmap_entry *e)
{
	put_le32(out, e->load_index);
	put_le32(out + 4, (uint32_t)e->firmware_index);
	put_le64(out + 8, e->vaddr);
	put_le64(out + 16, e->source_da);
	put_le64(out + 24, e->size);
	put_le32(out + 32, e->flags);
	put_le32(out + 36, 0);
}

void rpd_segmap_entry_decode(const uint8_t in[RPD_SEGMAP_ENTRY_SIZE],
			     struct rpd_segmap_entry *e)
{
	e->load_index = get_le32(in);
	e->firmware_index = (int32_t)get_le32(in + 4);
	e->vaddr = get_le64(in + 8);
	e->source_da = get_le64(in + 16);
	e->size = get_le64(in + 24);
	e->flags = get_le32(in + 32);
}

void rpd_thread_entry_encode(uint8_t out[RPD_THREAD_ENTRY_SIZE],
			     const struct rpd_thread *t)
{
	memset(out, 0, RPD_THREAD_ENTRY_SIZE);
	put_le32(out, (uint32_t)t->tid);
	put_le32(out + 4, t->state);
	put_le32(out + 8, t->flags);
	put_le32(out + 12, (uint32_t)t->priority);
	put_le64(out + 16, t->tcb);
	put_le64(out + 24, t->stack_low);
	put_le64(out + 32, t->stack_high);
	put_le64(out + 40, t->stack_unused);
	put_le32(out + 48, t->regs_known);
	memcpy(out + 56, t->name, strnlen(t->name, RPD_THREAD_NAME_SIZE));
	memcpy(out + 88, t->blocked_on,
	       strnlen(t->blocked_on, RPD_THREAD_BLOCKED_ON_SIZE));
}

/* Copies a NUL-padded field, non-printable bytes as '?'. */
static void decode_text(char *out, const uint8_t *in, size_t size)
{
	size_t n = strnlen((const char *)in, size);

	for (size_t i = 0; i < n; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[n] = '\0';
}

void rpd_thread_entry_decode(const uint8_t in[RPD_THREAD_ENTRY_SIZE],
			     struct rpd_thread *t)
{
	uint32_t state = get_le32(in + 4);

	t->tid = (int32_t)get_le32(in);
	t->state = state <= RPD_THREAD_DELETED ? (enum rpd_thread_state)state :
						 RPD_THREAD_UNKNOWN;
	t->flags = get_le32(in + 8);
	t->priority = (int32_t)get_le32(in + 12);
	t->tcb = get_le64(in + 16);
	t->stack_low = get_le64(in + 24);
	t->stack_high = get_le64(in + 32);
	t->stack_unused = get_le64(in + 40);
	t->regs_known = get_le32(in + 48);
	decode_text(t->name, in + 56, RPD_THREAD_NAME_SIZE);
	decode_text(t->blocked_on, in + 88, RPD_THREAD_BLOCKED_ON_SIZE);
}

const char *rpd_thread_state_name(enum rpd_thread_state state)
{
	static const char *const names[] = {
		[RPD_THREAD_UNKNOWN] = "unknown",
		[RPD_THREAD_RUNNING] = "running",
		[RPD_THREAD_READY] = "ready",
		[RPD_THREAD_BLOCKED] = "blocked",
		[RPD_THREAD_SUSPENDED] = "suspended",
		[RPD_THREAD_DELETED] = "deleted",
	};

	return (unsigned)state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *rpd_register_source_name(enum rpd_register_source source)
{
	static const char *const names[] = {
		[RPD_REGS_NONE] = "none",
		[RPD_REGS_CRASH_RECORD] = "crash record",
		[RPD_REGS_ZEPHYR_COREDUMP] = "zephyr coredump",
		[RPD_REGS_EXCEPTION_FRAME] =
			"exception frame recovered from memory",
	};

	return (unsigned)source < ARRAY_SIZE(names) ? names[source] : "none";
}

/* ---- parsing ---- */

int rpd_note_next(const uint8_t *seg, uint64_t size, uint64_t align,
		  uint64_t *pos, struct rpd_note *note)
{
	uint64_t off = *pos, name_off, desc_off;
	uint32_t namesz, descsz;

	if (off == size)
		return 0;
	if (!range_within(off, RPD_NOTE_HEADER_SIZE, size))
		return rpd_fail(
			-EINVAL,
			"note at offset 0x%llx: header runs past the end of the note segment (0x%llx bytes)",
			(unsigned long long)off, (unsigned long long)size);
	namesz = get_le32(seg + off);
	descsz = get_le32(seg + off + 4);
	name_off = off + RPD_NOTE_HEADER_SIZE;
	desc_off = name_off + align_up(namesz, align);
	if (!range_within(name_off, align_up(namesz, align), size))
		return rpd_fail(
			-EINVAL,
			"note at offset 0x%llx: owner of %u bytes runs past the end of the note segment (0x%llx bytes)",
			(unsigned long long)off, namesz,
			(unsigned long long)size);
	if (descsz >= RPD_NOTE_DESC_MAX)
		return rpd_fail(
			-EINVAL,
			"note at offset 0x%llx: descriptor of 0x%x bytes exceeds the limit of 0x%x",
			(unsigned long long)off, descsz, RPD_NOTE_DESC_MAX - 1);
	if (!range_within(desc_off, descsz, size))
		return rpd_fail(
			-EINVAL,
			"note at offset 0x%llx: descriptor of %u bytes runs past the end of the note segment (0x%llx bytes)",
			(unsigned long long)off, descsz,
			(unsigned long long)size);
	if (namesz && seg[name_off + namesz - 1] != '\0')
		return rpd_fail(
			-EINVAL,
			"note at offset 0x%llx: owner is not NUL-terminated",
			(unsigned long long)off);

	note->owner = namesz ? (const char *)seg + name_off : "";
	note->type = get_le32(seg + off + 8);
	note->desc = seg + desc_off;
	note->descsz = descsz;
	/* The last note's padding may be missing. */
	*pos = MIN(desc_off + align_up(descsz, align), size);
	return 1;
}

/* RPD_NT_INFO: "key=value" strings, each NUL-terminated, key not empty. */
static int check_info(const struct rpd_note *note)
{
	const char *s = note->desc;
	size_t left = note->descsz;

	for (size_t i = 0; left; i++) {
		size_t len = strnlen(s, left);
		const char *eq = memchr(s, '=', len);

		if (len == left)
			return rpd_fail(
				-EINVAL,
				"RPROC info note: string %zu is not NUL-terminated",
				i);
		if (!eq)
			return rpd_fail(
				-EINVAL,
				"RPROC info note: string %zu (\"%.40s\") has no '='",
				i, s);
		if (eq == s)
			return rpd_fail(
				-EINVAL,
				"RPROC info note: string %zu (\"%.40s\") has an empty key",
				i, s);
		s += len + 1;
		left -= len + 1;
	}
	return 0;
}

static int check_array(const struct rpd_note *note, const char *what,
		       size_t entry_size)
{
	if (note->descsz % entry_size)
		return rpd_fail(
			-EINVAL,
			"RPROC %s note: %zu bytes is not a multiple of the %zu-byte entry",
			what, note->descsz, entry_size);
	return 0;
}

static int check_segmap(const struct rpd_note *note, size_t nsegments)
{
	const uint8_t *entry = note->desc;
	int r;

	r = check_array(note, "segment map", RPD_SEGMAP_ENTRY_SIZE);
	if (r < 0)
		return r;
	for (size_t i = 0; i < note->descsz / RPD_SEGMAP_ENTRY_SIZE; i++) {
		struct rpd_segmap_entry e;

		rpd_segmap_entry_decode(entry + i * RPD_SEGMAP_ENTRY_SIZE, &e);
		if (e.load_index != RPD_SEGMAP_NO_LOAD &&
		    e.load_index >= nsegments)
			return rpd_fail(
				-EINVAL,
				"RPROC segment map note: entry %zu names segment %u of %zu",
				i, e.load_index, nsegments);
	}
	return 0;
}

static int check_rproc_note(const struct rpd_note *note, size_t nsegments)
{
	switch (note->type) {
	case RPD_NT_INFO:
		return check_info(note);
	case RPD_NT_TRACE:
		return check_array(note, "trace", RPD_TRACE_ENTRY_SIZE);
	case RPD_NT_SEGMAP:
		return check_segmap(note, nsegments);
	case RPD_NT_THREADS:
		return check_array(note, "threads", RPD_THREAD_ENTRY_SIZE);
	case RPD_NT_CRASH_RECORD:
		if (note->descsz > RPD_CRASH_RECORD_NOTE_MAX)
			return rpd_fail(
				-EINVAL,
				"RPROC crash record note: %zu bytes exceeds the limit of %u",
				note->descsz, RPD_CRASH_RECORD_NOTE_MAX);
		return 0;
	default:
		return 0;
	}
}

/* GDB and libdwfl take an ARM register note only at its exact size. */
static int check_arm_core_note(const struct rpd_note *note)
{
	static const struct {
		uint32_t type;
		const char *name;
		size_t size;
	} sizes[] = {
		{ NT_PRSTATUS, "NT_PRSTATUS", RPD_ARM_PRSTATUS_SIZE },
		{ NT_PRPSINFO, "NT_PRPSINFO", RPD_ARM_PRPSINFO_SIZE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		if (note->type == sizes[i].type &&
		    note->descsz != sizes[i].size)
			return rpd_fail(
				-EINVAL,
				"CORE %s note: %zu bytes, ARM needs %zu",
				sizes[i].name, note->descsz, sizes[i].size);
	return 0;
}

int rpd_note_check(const struct rpd_note *note, uint16_t machine,
		   size_t nsegments)
{
	const uint8_t *desc = note->desc;

	if (!strcmp(note->owner, RPD_NOTE_OWNER))
		return check_rproc_note(note, nsegments);
	if (!strcmp(note->owner, RPD_CORE_NOTE_OWNER) && machine == EM_ARM)
		return check_arm_core_note(note);
	if (!strcmp(note->owner, RPD_GDB_NOTE_OWNER) &&
	    note->type == NT_GDB_TDESC &&
	    (!note->descsz || desc[note->descsz - 1] != '\0'))
		return rpd_fail(
			-EINVAL,
			"GDB target description note is not NUL-terminated");
	return 0;
}

const char *rpd_note_info_lookup(const struct rpd_note *note, const char *key)
{
	const char *s = note->desc, *end = s + note->descsz;
	size_t keylen = strlen(key);

	/* rpd_note_check() made every string NUL-terminated. */
	for (; s < end; s += strlen(s) + 1)
		if (!strncmp(s, key, keylen) && s[keylen] == '=')
			return s + keylen + 1;
	return NULL;
}
