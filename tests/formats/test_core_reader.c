// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_core_reader.c - the stored core reader: what a valid core gives
 * back, reads across and beyond segments, every class of malformed core
 * with the message it must produce, and opening plain and .core.gz files.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core_format.h"
#include "testutil.h"
#include "util.h"

/* ---- building cores ---- */

struct test_note {
	const char *owner;
	uint32_t type;
	const void *desc;
	size_t descsz;
};

struct spec {
	uint8_t elf_class;
	uint16_t machine;
	const struct test_note *notes;
	size_t nnotes;
	const struct rpd_segment *segs;
	size_t nsegs;
};

/* Segment bytes are a function of their address. */
static uint8_t pattern(uint64_t addr)
{
	return (uint8_t)(addr * 37 + (addr >> 11));
}

static void write_spec(const struct spec *sp, struct rpd_sink *sink)
{
	const struct rpd_elf_ident ident = { .elf_class = sp->elf_class,
					     .machine = sp->machine };
	struct rpd_core_writer *w;
	uint8_t buf[1000];

	assert_int_equal(rpd_core_writer_new(&ident, sink, &w), 0);
	for (size_t i = 0; i < sp->nnotes; i++)
		assert_int_equal(rpd_core_writer_add_note(w, sp->notes[i].owner,
							  sp->notes[i].type,
							  sp->notes[i].desc,
							  sp->notes[i].descsz),
				 0);
	for (size_t i = 0; i < sp->nsegs; i++)
		assert_int_equal(rpd_core_writer_add_segment(w, &sp->segs[i]),
				 (int)i);
	assert_int_equal(rpd_core_writer_start(w), 0);
	for (size_t i = 0; i < sp->nsegs; i++) {
		const struct rpd_segment *s = &sp->segs[i];

		for (uint64_t k = 0; k < s->filesz; k += sizeof(buf)) {
			size_t n = MIN(sizeof(buf), s->filesz - k);

			for (size_t j = 0; j < n; j++)
				buf[j] = pattern(s->vaddr + k + j);
			assert_int_equal(rpd_core_writer_write(w, buf, n), 0);
		}
	}
	assert_int_equal(rpd_core_writer_finish(w), 0);
	rpd_core_writer_free(w);
}

static uint8_t *build(const struct spec *sp, size_t *len)
{
	struct test_mem_sink m = { 0 };
	struct rpd_sink sink = test_mem_sink(&m);

	write_spec(sp, &sink);
	*len = m.len;
	return m.buf;
}

/* The base core: ARM, with every note this library knows. */
static const struct rpd_segment base_segs[] = {
	{ .vaddr = 0x20000000,
	  .paddr = 0x20000000,
	  .memsz = 0x1000,
	  .filesz = 0x1000,
	  .flags = PF_R | PF_W },
	{ .vaddr = 0x20001000,
	  .paddr = 0x20001000,
	  .memsz = 0x800,
	  .filesz = 0x800,
	  .flags = PF_R | PF_W }, /* adjacent */
	{ .vaddr = 0x30000000,
	  .paddr = 0x30000000,
	  .memsz = 0x100,
	  .filesz = 0x80,
	  .flags = PF_R }, /* partial */
	{ .vaddr = 0x00000000,
	  .paddr = 0x00000000,
	  .memsz = 0x400,
	  .filesz = 0,
	  .flags = PF_R | PF_X }, /* not dumped */
};

static const char info[] = "name=m4\0firmware=fw.elf\0crash_type=watchdog";

static uint8_t prstatus[RPD_ARM_PRSTATUS_SIZE];
static uint8_t prpsinfo[RPD_ARM_PRPSINFO_SIZE];
static uint8_t traces[2 * RPD_TRACE_ENTRY_SIZE];
static uint8_t segmap[4 * RPD_SEGMAP_ENTRY_SIZE];
static uint8_t crash_record[100] = { 'C', 'R', 'S', 'H' };

static struct test_note base_notes[] = {
	{ "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus) },
	{ "CORE", NT_PRPSINFO, prpsinfo, sizeof(prpsinfo) },
	{ "RPROC", RPD_NT_INFO, info, sizeof(info) },
	{ "RPROC", RPD_NT_TRACE, traces, sizeof(traces) },
	{ "RPROC", RPD_NT_SEGMAP, segmap, sizeof(segmap) },
	{ "RPROC", RPD_NT_CRASH_RECORD, crash_record, sizeof(crash_record) },
	{ "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus) },
};

static int make_base_notes(void **state)
{
	const struct rpd_arm_regs regs = {
		.r = { [13] = 0x20000ff0, [15] = 0x4d4 }
	};
	const struct rpd_trace_entry t = { .da = 0x20001000,
					   .len = 0x800,
					   .format = RPD_TRACE_FORMAT_RTRC,
					   .name = "trace0" };

	rpd_note_arm_prstatus(prstatus, &regs, 1, 11);
	rpd_note_arm_prpsinfo(prpsinfo, "fw.elf", "m4 fw.elf", 1);
	rpd_trace_entry_encode(traces, &t);
	rpd_trace_entry_encode(traces + RPD_TRACE_ENTRY_SIZE, &t);
	for (uint32_t i = 0; i < 4; i++) {
		const struct rpd_segmap_entry e = {
			.load_index = i < 3 ? i : RPD_SEGMAP_NO_LOAD,
			.firmware_index = (int32_t)i - 1,
			.vaddr = base_segs[i].vaddr,
			.size = base_segs[i].filesz,
		};

		rpd_segmap_entry_encode(segmap + i * RPD_SEGMAP_ENTRY_SIZE, &e);
	}
	return 0;
}

static struct spec base_spec(uint8_t elf_class)
{
	return (struct spec){ .elf_class = elf_class,
			      .machine = EM_ARM,
			      .notes = base_notes,
			      .nnotes = ARRAY_SIZE(base_notes),
			      .segs = base_segs,
			      .nsegs = ARRAY_SIZE(base_segs) };
}

static uint8_t *build_base(uint8_t elf_class, size_t *len)
{
	struct spec sp = base_spec(elf_class);

	return build(&sp, len);
}

/* ---- a valid core ---- */

static void check_base(const struct rpd_core *core)
{
	const struct rpd_note *n;
	struct rpd_trace_entry t;
	uint8_t buf[0x40];

	assert_int_equal(rpd_core_ident(core)->machine, EM_ARM);
	assert_int_equal(rpd_core_segment(core, 2)->filesz, 0x80);
	assert_null(rpd_core_segment(core, rpd_core_nsegments(core)));
	assert_int_equal(rpd_core_nnotes(core), ARRAY_SIZE(base_notes));
	assert_null(rpd_core_note(core, ARRAY_SIZE(base_notes)));

	assert_string_equal(rpd_core_info(core, "name"), "m4");
	assert_string_equal(rpd_core_info(core, "crash_type"), "watchdog");
	assert_null(rpd_core_info(core, "nam"));
	assert_null(rpd_core_info(core, "missing"));

	n = rpd_core_find_note(core, "CORE", NT_PRSTATUS, 1);
	assert_ptr_equal(n, rpd_core_note(core, 6));
	assert_null(rpd_core_find_note(core, "CORE", NT_PRSTATUS, 2));
	n = rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_TRACE, 0);
	assert_int_equal(n->descsz, 2 * RPD_TRACE_ENTRY_SIZE);
	rpd_trace_entry_decode(n->desc, &t);
	assert_string_equal(t.name, "trace0");
	assert_int_equal(t.da, 0x20001000);

	/* The info note's entries in order, each key without its '='. */
	{
		static const char *const keys[] = { "name", "firmware",
						    "crash_type" };
		const char *key, *value;
		size_t keylen, i;

		for (i = 0;
		     rpd_core_info_at(core, i, &key, &keylen, &value) == 0;
		     i++) {
			assert_true(i < ARRAY_SIZE(keys));
			assert_int_equal(keylen, strlen(keys[i]));
			assert_memory_equal(key, keys[i], keylen);
			assert_string_equal(value,
					    rpd_core_info(core, keys[i]));
		}
		assert_int_equal(i, ARRAY_SIZE(keys));
	}
	/* Both NT_PRSTATUS notes as contexts. */
	{
		struct rpd_context ctx;

		assert_int_equal(rpd_core_ncontexts(core), 2);
		assert_int_equal(rpd_core_context(core, 1, &ctx), 0);
		assert_int_equal(ctx.tid, 1);
		assert_int_equal(ctx.signal, 11);
		assert_int_equal(ctx.regs.r[13], 0x20000ff0);
		assert_int_equal(ctx.regs.r[15], 0x4d4);
		assert_int_equal(ctx.regs.r[0], 0);
	}

	/* Across the boundary of two adjacent segments. */
	assert_int_equal(rpd_core_read(core, 0x20000fe0, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], pattern(0x20000fe0 + i));
	assert_int_equal(rpd_core_read(core, 0x30000000, buf, 0), 0);
}

static void test_valid(void **state)
{
	for (uint8_t c = ELFCLASS32; c <= ELFCLASS64; c++) {
		struct rpd_core *core;
		size_t len;
		uint8_t *b = build_base(c, &len);

		if (rpd_core_open_mem(b, len, &core) < 0)
			fail_msg("%s", rpd_error());
		assert_int_equal(rpd_core_ident(core)->elf_class, c);
		assert_int_equal(rpd_core_nsegments(core), 4);
		check_base(core);
		rpd_core_free(core);
		free(b);
	}
}

/* A core of format 1 numbered its RPROC notes 1-4: read under today's
 * types; the same numbers under another owner stay what they are. */
static void test_format1_types(void **state)
{
	struct test_note notes[ARRAY_SIZE(base_notes)];
	struct spec sp = base_spec(ELFCLASS32);
	struct rpd_core *core;
	size_t len;
	uint8_t *b;

	memcpy(notes, base_notes, sizeof(notes));
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		if (!strcmp(notes[i].owner, "RPROC"))
			notes[i].type -= RPD_NT_INFO - 1;
	sp.notes = notes;
	b = build(&sp, &len);
	if (rpd_core_open_mem(b, len, &core) < 0)
		fail_msg("%s", rpd_error());
	check_base(core);
	assert_null(rpd_core_find_note(core, RPD_NOTE_OWNER, 1, 0));
	assert_non_null(rpd_core_find_note(core, "CORE", NT_PRSTATUS, 0));
	rpd_core_free(core);
	free(b);
}

/* Register contexts of a machine whose layout the library does not know are
 * counted but not read; a core without notes has none. */
static void test_contexts_other_machine(void **state)
{
	struct spec sp = base_spec(ELFCLASS32);
	struct rpd_context ctx;
	struct rpd_core *core;
	const char *key, *value;
	size_t len, keylen;
	uint8_t *b;

	sp.machine = 243; /* EM_RISCV */
	b = build(&sp, &len);
	assert_int_equal(rpd_core_open_mem(b, len, &core), 0);
	assert_int_equal(rpd_core_ncontexts(core), 2);
	test_assert_error(rpd_core_context(core, 0, &ctx), -EPROTONOSUPPORT,
			  "ELF machine 243");
	rpd_core_free(core);
	free(b);

	sp.nnotes = 0;
	b = build(&sp, &len);
	assert_int_equal(rpd_core_open_mem(b, len, &core), 0);
	assert_int_equal(rpd_core_ncontexts(core), 0);
	assert_int_equal(rpd_core_nsegmap(core), 0);
	assert_int_equal(rpd_core_info_at(core, 0, &key, &keylen, &value),
			 -ENOENT);
	rpd_core_free(core);
	free(b);
}

static void test_read_errors(void **state)
{
	struct rpd_core *core;
	size_t len;
	uint8_t *b = build_base(ELFCLASS64, &len), buf[0x20];

	assert_int_equal(rpd_core_open_mem(b, len, &core), 0);
	/* Beyond p_filesz of a partial segment: memory, but no bytes. */
	test_assert_error(
		rpd_core_read(core, 0x30000070, buf, 0x20), -ENOENT,
		"core: no data at 0x30000080 (reading 0x20 bytes at 0x30000070)");
	test_assert_error(rpd_core_read(core, 0x100, buf, 1), -ENOENT,
			  "no data at 0x100");
	test_assert_error(rpd_core_read(core, 0x200017f0, buf, 0x20), -ENOENT,
			  "no data at 0x20001800");
	test_assert_error(rpd_core_read(core, 0x1fffffff, buf, 2), -ENOENT,
			  "no data at 0x1fffffff");
	test_assert_error(rpd_core_read(core, 0xfffffffffffffff0, buf, 0x20),
			  -EINVAL, "wraps around the address space");
	rpd_core_free(core);
	free(b);
}

/* ---- malformed cores ---- */

static size_t ehsize(uint8_t c)
{
	return c == ELFCLASS64 ? 64 : 52;
}

static uint8_t *phdr(uint8_t *b, uint8_t c, size_t i)
{
	return b + ehsize(c) + i * (c == ELFCLASS64 ? 56 : 32);
}

/* Sets a program header field given by its Elf64_Phdr offset. */
static void set_phdr(uint8_t *b, uint8_t c, size_t i, size_t field64,
		     uint64_t v)
{
	uint8_t *p = phdr(b, c, i);

	if (c == ELFCLASS64) {
		if (field64 == offsetof(Elf64_Phdr, p_flags) || !field64)
			put_le32(p + field64, (uint32_t)v);
		else
			put_le64(p + field64, v);
		return;
	}
	switch (field64) {
	case offsetof(Elf64_Phdr, p_type):
		put_le32(p, (uint32_t)v);
		break;
	case offsetof(Elf64_Phdr, p_offset):
		put_le32(p + offsetof(Elf32_Phdr, p_offset), (uint32_t)v);
		break;
	case offsetof(Elf64_Phdr, p_vaddr):
		put_le32(p + offsetof(Elf32_Phdr, p_vaddr), (uint32_t)v);
		break;
	case offsetof(Elf64_Phdr, p_filesz):
		put_le32(p + offsetof(Elf32_Phdr, p_filesz), (uint32_t)v);
		break;
	case offsetof(Elf64_Phdr, p_memsz):
		put_le32(p + offsetof(Elf32_Phdr, p_memsz), (uint32_t)v);
		break;
	default:
		fail();
	}
}

#define PH_TYPE offsetof(Elf64_Phdr, p_type)
#define PH_OFFSET offsetof(Elf64_Phdr, p_offset)
#define PH_VADDR offsetof(Elf64_Phdr, p_vaddr)
#define PH_FILESZ offsetof(Elf64_Phdr, p_filesz)
#define PH_MEMSZ offsetof(Elf64_Phdr, p_memsz)

static uint64_t get_phdr_offset(uint8_t *b, uint8_t c, size_t i)
{
	uint8_t *p = phdr(b, c, i);

	return c == ELFCLASS64 ? get_le64(p + 8) : get_le32(p + 4);
}

/* The first note: the CORE NT_PRSTATUS. */
static uint8_t *first_note(uint8_t *b, uint8_t c)
{
	return b + get_phdr_offset(b, c, 0);
}

/* Opens a corrupted copy of the base core of class c. */
static void expect_refused(uint8_t c,
			   void (*corrupt)(uint8_t *, uint8_t, size_t *),
			   const char *msg)
{
	struct rpd_core *core = NULL;
	size_t len;
	uint8_t *b = build_base(c, &len);

	corrupt(b, c, &len);
	test_assert_error(rpd_core_open_mem(b, len, &core), -EINVAL, msg);
	assert_null(core);
	free(b);
}

static void cut_to_10(uint8_t *b, uint8_t c, size_t *len)
{
	*len = 10;
}
static void cut_to_40(uint8_t *b, uint8_t c, size_t *len)
{
	*len = 40;
}
static void bad_magic(uint8_t *b, uint8_t c, size_t *len)
{
	b[1] = 'e';
}
static void bad_class(uint8_t *b, uint8_t c, size_t *len)
{
	b[EI_CLASS] = 3;
}
static void big_endian(uint8_t *b, uint8_t c, size_t *len)
{
	b[EI_DATA] = ELFDATA2MSB;
}
static void not_core(uint8_t *b, uint8_t c, size_t *len)
{
	put_le16(b + 16, ET_EXEC);
}
static void bad_phentsize(uint8_t *b, uint8_t c, size_t *len)
{
	put_le16(b + (c == ELFCLASS64 ? 54 : 42), 40);
}
static void no_phdrs(uint8_t *b, uint8_t c, size_t *len)
{
	put_le16(b + (c == ELFCLASS64 ? 56 : 44), 0);
}
static void pn_xnum(uint8_t *b, uint8_t c, size_t *len)
{
	put_le16(b + (c == ELFCLASS64 ? 56 : 44), PN_XNUM);
}
static void phdrs_out_of_file(uint8_t *b, uint8_t c, size_t *len)
{
	if (c == ELFCLASS64)
		put_le64(b + 32, *len - 100);
	else
		put_le32(b + 28, (uint32_t)*len - 100);
}
static void phoff_overflows(uint8_t *b, uint8_t c, size_t *len)
{
	put_le64(b + 32, 0xffffffffffffffc0);
}
static void load_first(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 0, PH_TYPE, PT_LOAD);
}
static void notes_out_of_file(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 0, PH_OFFSET, *len - 8);
}
static void load_out_of_file(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 2, PH_OFFSET, *len - 0x7ff);
}
static void load_offset_overflows(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 2, PH_OFFSET, 0xfffffffffffffff0);
}
static void filesz_above_memsz(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 1, PH_MEMSZ, 0xfff);
}
static void overlap(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 4, PH_VADDR, 0x20000800);
}
static void wraps32(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 3, PH_VADDR, 0xffffff80);
}
static void wraps64(uint8_t *b, uint8_t c, size_t *len)
{
	set_phdr(b, c, 4, PH_VADDR, 0xfffffffffffffc01);
}
static void note_past_segment(uint8_t *b, uint8_t c, size_t *len)
{
	put_le32(first_note(b, c) + 4, 0x10000);
}
static void note_huge(uint8_t *b, uint8_t c, size_t *len)
{
	put_le32(first_note(b, c) + 4, 0x1000000);
}
static void owner_huge(uint8_t *b, uint8_t c, size_t *len)
{
	put_le32(first_note(b, c), 0xffffffff);
}
static void owner_unterminated(uint8_t *b, uint8_t c, size_t *len)
{
	first_note(b, c)[12 + 4] = '!'; /* "CORE\0" */
}
static void note_header_cut(uint8_t *b, uint8_t c, size_t *len)
{
	/* Keep 8 bytes of the last note (148-byte descriptor + "CORE"). */
	uint64_t size = 0;

	for (size_t i = 0; i < ARRAY_SIZE(base_notes); i++)
		size += rpd_note_size(strlen(base_notes[i].owner) + 1,
				      base_notes[i].descsz);
	set_phdr(b, c, 0, PH_FILESZ, size - (12 + 8 + 148) + 8);
}

static void test_malformed(void **state)
{
	static const struct {
		uint8_t elf_class;
		void (*corrupt)(uint8_t *, uint8_t, size_t *);
		const char *msg;
	} cases[] = {
		{ 1, cut_to_10, "core: 10 bytes is too small for an ELF file" },
		{ 1, cut_to_40, "core: truncated ELF header: 40 of 52 bytes" },
		{ 2, cut_to_40, "core: truncated ELF header: 40 of 64 bytes" },
		{ 1, bad_magic, "core: not an ELF file" },
		{ 1, bad_class, "core: unknown ELF class 3" },
		{ 2, big_endian, "ELF data encoding 2: only little-endian" },
		{ 1, not_core, "core: not a core file (e_type 2)" },
		{ 1, bad_phentsize, "program header size 40, ELF32 needs 32" },
		{ 2, bad_phentsize, "program header size 40, ELF64 needs 56" },
		{ 1, no_phdrs, "core: no program headers" },
		{ 2, pn_xnum, "extended program header numbering (PN_XNUM)" },
		{ 1, phdrs_out_of_file, "program headers at 0x" },
		{ 2, phoff_overflows,
		  "program headers at 0xffffffffffffffc0 + 0x118 exceed file size" },
		{ 1, load_first,
		  "program header 0 has type 0x1, not the PT_NOTE" },
		{ 2, notes_out_of_file, "core: note segment: offset 0x" },
		{ 1, load_out_of_file, "core: segment 1: offset 0x" },
		{ 2, load_offset_overflows,
		  "segment 1: offset 0xfffffffffffffff0 + size 0x800 exceeds file size" },
		{ 1, filesz_above_memsz,
		  "core: segment 0: file size 0x1000 exceeds memory size 0xfff" },
		{ 1, overlap,
		  "core: segments 0x20000000+0x1000 and 0x20000800+0x400 overlap" },
		{ 2, overlap,
		  "core: segments 0x20000000+0x1000 and 0x20000800+0x400 overlap" },
		{ 1, wraps32,
		  "core: segment 2: 0xffffff80 + 0x100 wraps around the address space" },
		{ 2, wraps64,
		  "core: segment 3: 0xfffffffffffffc01 + 0x400 wraps around" },
		{ 1, note_past_segment,
		  "core: note 0: note at offset 0x0: descriptor of 65536 bytes runs past the end of the note segment" },
		{ 2, note_huge,
		  "descriptor of 0x1000000 bytes exceeds the limit of 0xffffff" },
		{ 1, owner_huge,
		  "note 0: note at offset 0x0: owner of 4294967295 bytes runs past" },
		{ 1, owner_unterminated,
		  "core: note 0: note at offset 0x0: owner is not NUL-terminated" },
		{ 2, note_header_cut, "core: note 6: note at offset 0x" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_refused(cases[i].elf_class, cases[i].corrupt,
			       cases[i].msg);
	/* The last case cuts into a header, not a descriptor. */
	assert_non_null(strstr(rpd_error(), "header runs past the end"));
}

/*
 * Builds a core that ends with note n, which the writer would refuse as the
 * reader does: it goes in under a disguised owner ("cORE"), which is
 * undone in the written bytes.
 */
static uint8_t *build_with_note(struct spec *sp, const struct test_note *n,
				size_t *len)
{
	struct test_note *notes = calloc(sp->nnotes + 1, sizeof(*notes));
	char owner[32];
	uint64_t off;
	uint8_t *b;

	snprintf(owner, sizeof(owner), "%c%s", n->owner[0] ^ 0x20,
		 n->owner + 1);
	for (size_t i = 0; i < sp->nnotes; i++)
		notes[i] = sp->notes[i];
	notes[sp->nnotes] = *n;
	notes[sp->nnotes].owner = owner;
	sp->notes = notes;
	sp->nnotes++;
	b = build(sp, len);

	off = get_phdr_offset(b, sp->elf_class, 0);
	for (size_t i = 0; i + 1 < sp->nnotes; i++)
		off += rpd_note_size(strlen(notes[i].owner) + 1,
				     notes[i].descsz);
	assert_int_equal(b[off + 12], (uint8_t)owner[0]);
	b[off + 12] = (uint8_t)n->owner[0];
	free(notes);
	return b;
}

static void expect_note_refused(uint16_t machine, const struct test_note *n,
				const char *msg)
{
	struct spec sp = base_spec(ELFCLASS32);
	struct rpd_core *core = NULL;
	uint8_t *b;
	size_t len;

	sp.machine = machine;
	b = build_with_note(&sp, n, &len);
	if (msg)
		test_assert_error(rpd_core_open_mem(b, len, &core), -EINVAL,
				  msg);
	else if (rpd_core_open_mem(b, len, &core) < 0)
		fail_msg("%s", rpd_error());
	rpd_core_free(core);
	free(b);
}

static void test_bad_notes(void **state)
{
	static uint8_t big[RPD_CRASH_RECORD_NOTE_MAX + 1];
	static const uint8_t segmap_bad[RPD_SEGMAP_ENTRY_SIZE] = { 4 };
	static const struct {
		struct test_note note;
		const char *msg;
	} cases[] = {
		{ { "CORE", NT_PRSTATUS, big, 147 },
		  "core: note 7: CORE NT_PRSTATUS note: 147 bytes, ARM needs 148" },
		{ { "CORE", NT_PRPSINFO, big, 125 },
		  "CORE NT_PRPSINFO note: 125 bytes, ARM needs 124" },
		{ { "RPROC", RPD_NT_INFO, "name=m4\0nokey", 14 },
		  "RPROC info note: string 1 (\"nokey\") has no '='" },
		{ { "RPROC", RPD_NT_INFO, "name=m4", 7 },
		  "RPROC info note: string 0 is not NUL-terminated" },
		{ { "RPROC", RPD_NT_INFO, "=m4", 4 },
		  "string 0 (\"=m4\") has an empty key" },
		{ { "RPROC", RPD_NT_INFO, "a=b\0\0", 5 },
		  "string 1 (\"\") has no '='" },
		{ { "RPROC", RPD_NT_TRACE, big, 55 },
		  "RPROC trace note: 55 bytes is not a multiple of the 56-byte entry" },
		{ { "RPROC", RPD_NT_SEGMAP, big, 41 },
		  "RPROC segment map note: 41 bytes is not a multiple of the 40-byte entry" },
		{ { "RPROC", RPD_NT_SEGMAP, segmap_bad, sizeof(segmap_bad) },
		  "RPROC segment map note: entry 0 names segment 4 of 4" },
		{ { "RPROC", RPD_NT_CRASH_RECORD, big, sizeof(big) },
		  "RPROC crash record note: 4097 bytes exceeds the limit of 4096" },
		{ { "GDB", NT_GDB_TDESC, "<target/>", 9 },
		  "GDB target description note is not NUL-terminated" },
	};
	const struct test_note fine[] = {
		{ "RPROC", RPD_NT_INFO, "", 0 },
		{ "RPROC", RPD_NT_CRASH_RECORD, big, sizeof(big) - 1 },
		{ "RPROC", 99, "x", 1 },
		{ "LINUX", NT_PRSTATUS, big, 147 },
	};
	const struct test_note other_machine = { "CORE", NT_PRSTATUS, big,
						 147 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_note_refused(EM_ARM, &cases[i].note, cases[i].msg);
	for (size_t i = 0; i < ARRAY_SIZE(fine); i++)
		expect_note_refused(EM_ARM, &fine[i], NULL);
	/* Register notes of other machines have other sizes. */
	expect_note_refused(EM_NONE, &other_machine, NULL);
}

/* ---- files ---- */

struct file_fixture {
	char *dir;
};

static int file_setup(void **state)
{
	struct file_fixture *fx = calloc(1, sizeof(*fx));

	fx->dir = test_tmpdir("core-reader");
	*state = fx;
	return 0;
}

static int file_teardown(void **state)
{
	struct file_fixture *fx = *state;

	test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void test_plain_file(void **state)
{
	struct file_fixture *fx = *state;
	struct rpd_core *core;
	size_t len;
	uint8_t *b = build_base(ELFCLASS32, &len);
	char *path = test_write_file(fx->dir, "plain.core", b, len), *link;

	assert_true(asprintf(&link, "%s/link.core", fx->dir) > 0);
	assert_int_equal(symlink(path, link), 0);
	if (rpd_core_open(link, &core) < 0)
		fail_msg("%s", rpd_error());
	assert_int_equal(rpd_core_size(core), len);
	check_base(core);
	rpd_core_free(core);

	/* Messages name the file. */
	b[EI_CLASS] = 9;
	free(test_write_file(fx->dir, "plain.core", b, len));
	test_assert_error(rpd_core_open(path, &core), -EINVAL,
			  "/plain.core: unknown ELF class 9");
	free(link);
	free(path);
	free(b);
}

static void test_bad_files(void **state)
{
	struct file_fixture *fx = *state;
	struct rpd_core *core;
	char *empty = test_write_file(fx->dir, "empty.core", "", 0), *missing;

	test_assert_error(rpd_core_open(empty, &core), -EINVAL,
			  "/empty.core: empty file");
	test_assert_error(rpd_core_open(fx->dir, &core), -EINVAL,
			  "not a regular file");
	assert_true(asprintf(&missing, "%s/missing.core", fx->dir) > 0);
	test_assert_error(rpd_core_open(missing, &core), -ENOENT,
			  "/missing.core: No such file or directory");
	free(missing);
	free(empty);
}

/* Writes a core compressed to dir/name; returns the path. */
static char *write_gz(const char *dir, const char *name, const uint8_t *core,
		      size_t len)
{
	struct rpd_gz_writer *gz;
	char *path;
	int fd;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(rpd_gz_writer_new(fd, 6, 2, &gz), 0);
	/* In odd pieces, as a converter writes. */
	for (size_t off = 0, n; off < len; off += n) {
		n = MIN(len - off, 7777);
		assert_int_equal(rpd_gz_writer_write(gz, core + off, n), 0);
	}
	assert_int_equal(rpd_gz_writer_finish(gz), 0);
	rpd_gz_writer_free(gz);
	close(fd);
	return path;
}

static void test_gz_file(void **state)
{
	struct file_fixture *fx = *state;
	/* Large enough to span several gzip members. */
	const struct rpd_segment segs[] = {
		base_segs[0],
		base_segs[1],
		base_segs[2],
		base_segs[3],
		{ .vaddr = 0x40000000, .memsz = 0x50000, .filesz = 0x48000 },
	};
	struct spec sp = base_spec(ELFCLASS64);
	struct rpd_core *core, *plain;
	uint8_t *b, *want, *got;
	size_t len;
	char *path;

	sp.segs = segs;
	sp.nsegs = ARRAY_SIZE(segs);
	b = build(&sp, &len);
	path = write_gz(fx->dir, "big.core.gz", b, len);
	if (rpd_core_open(path, &core) < 0)
		fail_msg("%s", rpd_error());
	assert_int_equal(rpd_core_open_mem(b, len, &plain), 0);
	assert_int_equal(rpd_core_size(core), len);
	check_base(core);
	assert_int_equal(rpd_core_nsegments(core), 5);
	for (size_t i = 0; i < rpd_core_nnotes(core); i++) {
		const struct rpd_note *n = rpd_core_note(core, i);

		assert_string_equal(n->owner, rpd_core_note(plain, i)->owner);
		assert_memory_equal(n->desc, rpd_core_note(plain, i)->desc,
				    n->descsz);
	}
	want = malloc(0x48000);
	got = malloc(0x48000);
	assert_int_equal(rpd_core_read(plain, 0x40000000, want, 0x48000), 0);
	assert_int_equal(rpd_core_read(core, 0x40000000, got, 0x48000), 0);
	assert_memory_equal(got, want, 0x48000);
	assert_int_equal(rpd_core_read(core, 0x4001fff3, got, 0x1234), 0);
	assert_memory_equal(got, want + 0x1fff3, 0x1234);
	test_assert_error(rpd_core_read(core, 0x40047ff0, got, 0x20), -ENOENT,
			  "/big.core.gz: no data at 0x40048000");
	rpd_core_free(plain);
	rpd_core_free(core);
	free(want);
	free(got);
	free(path);
	free(b);
}

/* A compressed core goes through the same checks as a plain one. */
static void test_gz_malformed(void **state)
{
	struct file_fixture *fx = *state;
	const struct rpd_segment segs[] = {
		{ .vaddr = 0x1000, .memsz = 0x100 },
		{ .vaddr = 0x2000, .memsz = 0x100 },
	};
	const struct test_note bad = { "RPROC", RPD_NT_INFO, "x", 2 };
	struct spec sp = { .elf_class = ELFCLASS32,
			   .machine = EM_ARM,
			   .segs = segs,
			   .nsegs = ARRAY_SIZE(segs) };
	struct rpd_core *core;
	size_t len;
	uint8_t *b = build_with_note(&sp, &bad, &len);
	char *path = write_gz(fx->dir, "bad.core.gz", b, len);

	test_assert_error(
		rpd_core_open(path, &core), -EINVAL,
		"/bad.core.gz: note 0: RPROC info note: string 0 (\"x\") has no '='");
	free(path);
	free(b);
}

#define FILE_TEST(f) \
	cmocka_unit_test_setup_teardown(f, file_setup, file_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contexts_other_machine),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_format1_types),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bad_notes),
		FILE_TEST(test_plain_file),
		FILE_TEST(test_bad_files),
		FILE_TEST(test_gz_file),
		FILE_TEST(test_gz_malformed),
	};

	return cmocka_run_group_tests(tests, make_base_notes, NULL);
}
