// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_core_writer.c - the stored core writer: the exact file layout of
 * rproc-core(5), round trips through the reader for ELF32 and ELF64 with
 * data arriving in odd pieces, what binutils and elfutils say about the
 * result, and every misuse the writer refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core_format.h"
#include "testutil.h"
#include "util.h"

/* ---- a core with awkward notes and segments ---- */

struct test_note {
	const char *owner;
	uint32_t type;
	const char *desc;
	size_t descsz;
};

static const struct test_note notes[] = {
	{ "RPROC", RPD_NT_INFO, "name=m4\0firmware=blinky.elf", 28 },
	{ "GDB", 0x1234, "\x01\x02\x03\x04\x05", 5 }, /* odd size */
	{ "X", 7, "", 0 },			      /* empty */
	{ "LONGER-OWNER", 9, "abc", 3 },
};

static const struct rpd_segment segs[] = {
	{ .vaddr = 0x00000000,
	  .paddr = 0x10000000,
	  .memsz = 0x1000,
	  .filesz = 0x1000,
	  .flags = PF_R | PF_X },
	{ .vaddr = 0x20000000,
	  .paddr = 0x20000000,
	  .memsz = 0x4000,
	  .filesz = 0,
	  .flags = PF_R | PF_W }, /* not dumped */
	{ .vaddr = 0x20004000,
	  .paddr = 0x30004000,
	  .memsz = 0x3000,
	  .filesz = 0x2001,
	  .flags = PF_R | PF_W }, /* partial */
	{ .vaddr = 0x30000000,
	  .paddr = 0x30000000,
	  .memsz = 0,
	  .filesz = 0,
	  .flags = PF_R }, /* empty */
	{ .vaddr = 0x10000000,
	  .paddr = 0x10000000,
	  .memsz = 0x777,
	  .filesz = 0x777,
	  .flags = PF_R },
};

static uint8_t pattern(uint64_t pos)
{
	return (uint8_t)(pos * 131 + (pos >> 9) + 1);
}

static uint64_t data_total(void)
{
	uint64_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		n += segs[i].filesz;
	return n;
}

static void declare(struct rpd_core_writer *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		assert_int_equal(rpd_core_writer_add_note(
					 w, notes[i].owner, notes[i].type,
					 notes[i].desc, notes[i].descsz),
				 0);
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		assert_int_equal(rpd_core_writer_add_segment(w, &segs[i]),
				 (int)i);
}

/* Writes the test core, the data in pieces of 1, 7, 4093, 13... bytes. */
static void write_core(uint8_t elf_class, struct test_mem_sink *m)
{
	static const size_t pieces[] = { 1, 7, 4093, 13, 2048, 3, 999 };
	const struct rpd_elf_ident ident = {
		.elf_class = elf_class,
		.machine = EM_ARM,
		.flags = 0x5000200,
		.entry = 0x4d5,
	};
	struct rpd_sink sink = test_mem_sink(m);
	struct rpd_core_writer *w;
	uint64_t total = data_total(), done = 0;
	uint8_t buf[4096];

	assert_int_equal(rpd_core_writer_new(&ident, &sink, &w), 0);
	declare(w);
	assert_int_equal(rpd_core_writer_start(w), 0);
	for (size_t k = 0; done < total; k++) {
		size_t n = MIN(pieces[k % ARRAY_SIZE(pieces)], total - done);

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		assert_int_equal(rpd_core_writer_write(w, buf, n), 0);
		done += n;
	}
	assert_int_equal(rpd_core_writer_finish(w), 0);
	assert_int_equal(rpd_core_writer_size(w), m->len);
	rpd_core_writer_free(w);
}

/* ---- layout ---- */

static void check_layout(uint8_t elf_class, const struct test_mem_sink *m)
{
	bool is64 = elf_class == ELFCLASS64;
	size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32;
	const uint8_t *b = m->buf, *ph;
	uint64_t notes_size = 0, off;

	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		notes_size += 12 + align_up(strlen(notes[i].owner) + 1, 4) +
			      align_up(notes[i].descsz, 4);

	assert_memory_equal(b, ELFMAG, SELFMAG);
	assert_int_equal(b[EI_CLASS], elf_class);
	assert_int_equal(b[EI_DATA], ELFDATA2LSB);
	assert_int_equal(b[EI_VERSION], EV_CURRENT);
	assert_int_equal(b[EI_OSABI], 0);
	assert_int_equal(get_le16(b + 16), ET_CORE);
	assert_int_equal(get_le16(b + 18), EM_ARM);
	assert_int_equal(get_le32(b + 20), 1);
	if (is64) {
		assert_int_equal(get_le64(b + 24), 0x4d5);
		assert_int_equal(get_le64(b + 32), ehsize); /* e_phoff */
		assert_int_equal(get_le64(b + 40), 0);	    /* e_shoff */
		assert_int_equal(get_le32(b + 48), 0x5000200);
		assert_int_equal(get_le16(b + 56), 1 + ARRAY_SIZE(segs));
		assert_int_equal(get_le16(b + 60), 0); /* e_shnum */
	} else {
		assert_int_equal(get_le32(b + 24), 0x4d5);
		assert_int_equal(get_le32(b + 28), ehsize);
		assert_int_equal(get_le32(b + 32), 0);
		assert_int_equal(get_le32(b + 36), 0x5000200);
		assert_int_equal(get_le16(b + 44), 1 + ARRAY_SIZE(segs));
		assert_int_equal(get_le16(b + 48), 0);
	}

	/* PT_NOTE first, right after the program headers, 4-aligned. */
	ph = b + ehsize;
	off = ehsize + (1 + ARRAY_SIZE(segs)) * phsize;
	assert_int_equal(get_le32(ph), PT_NOTE);
	if (is64) {
		assert_int_equal(get_le64(ph + 8), off);
		assert_int_equal(get_le64(ph + 32), notes_size);
		assert_int_equal(get_le64(ph + 48), 4);
	} else {
		assert_int_equal(get_le32(ph + 4), off);
		assert_int_equal(get_le32(ph + 16), notes_size);
		assert_int_equal(get_le32(ph + 28), 4);
	}

	/* Then the PT_LOADs in order, their data back to back. */
	off += notes_size;
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct rpd_segment *s = &segs[i];

		ph = b + ehsize + (1 + i) * phsize;
		assert_int_equal(get_le32(ph), PT_LOAD);
		if (is64) {
			assert_int_equal(get_le32(ph + 4), s->flags);
			assert_int_equal(get_le64(ph + 8), off);
			assert_int_equal(get_le64(ph + 16), s->vaddr);
			assert_int_equal(get_le64(ph + 24), s->paddr);
			assert_int_equal(get_le64(ph + 32), s->filesz);
			assert_int_equal(get_le64(ph + 40), s->memsz);
			assert_int_equal(get_le64(ph + 48), 1);
		} else {
			assert_int_equal(get_le32(ph + 4), off);
			assert_int_equal(get_le32(ph + 8), s->vaddr);
			assert_int_equal(get_le32(ph + 12), s->paddr);
			assert_int_equal(get_le32(ph + 16), s->filesz);
			assert_int_equal(get_le32(ph + 20), s->memsz);
			assert_int_equal(get_le32(ph + 24), s->flags);
			assert_int_equal(get_le32(ph + 28), 1);
		}
		off += s->filesz;
	}
	assert_int_equal(off, m->len);
}

/* ---- round trip through the reader ---- */

static void check_read_back(uint8_t elf_class, const struct test_mem_sink *m)
{
	struct rpd_core *core = NULL;
	uint64_t pos = 0;
	uint8_t *buf;

	if (rpd_core_open_mem(m->buf, m->len, &core) < 0)
		fail_msg("%s", rpd_error());
	assert_int_equal(rpd_core_ident(core)->elf_class, elf_class);
	assert_int_equal(rpd_core_ident(core)->machine, EM_ARM);
	assert_int_equal(rpd_core_ident(core)->flags, 0x5000200);
	assert_int_equal(rpd_core_ident(core)->entry, 0x4d5);
	assert_int_equal(rpd_core_size(core), m->len);

	assert_int_equal(rpd_core_nnotes(core), ARRAY_SIZE(notes));
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++) {
		const struct rpd_note *n = rpd_core_note(core, i);

		assert_string_equal(n->owner, notes[i].owner);
		assert_int_equal(n->type, notes[i].type);
		assert_int_equal(n->descsz, notes[i].descsz);
		assert_memory_equal(n->desc, notes[i].desc, notes[i].descsz);
	}
	assert_string_equal(rpd_core_info(core, "firmware"), "blinky.elf");

	assert_int_equal(rpd_core_nsegments(core), ARRAY_SIZE(segs));
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct rpd_segment *s = rpd_core_segment(core, i);

		assert_int_equal(s->vaddr, segs[i].vaddr);
		assert_int_equal(s->paddr, segs[i].paddr);
		assert_int_equal(s->memsz, segs[i].memsz);
		assert_int_equal(s->filesz, segs[i].filesz);
		assert_int_equal(s->flags, segs[i].flags);
		if (!s->filesz)
			continue;
		/* Byte-exact, both in the file and by address. */
		buf = malloc(s->filesz);
		for (uint64_t k = 0; k < s->filesz; k++)
			assert_int_equal(m->buf[s->offset + k],
					 pattern(pos + k));
		assert_int_equal(rpd_core_read(core, s->vaddr, buf, s->filesz),
				 0);
		assert_memory_equal(buf, m->buf + s->offset, s->filesz);
		free(buf);
		pos += s->filesz;
	}
	rpd_core_free(core);
}

static void test_round_trip(uint8_t elf_class)
{
	struct test_mem_sink m = { 0 };

	write_core(elf_class, &m);
	check_layout(elf_class, &m);
	check_read_back(elf_class, &m);
	free(m.buf);
}

static void test_round_trip_elf32(void **state)
{
	test_round_trip(ELFCLASS32);
}

static void test_round_trip_elf64(void **state)
{
	test_round_trip(ELFCLASS64);
}

/* Segment data is contiguous, so zeros may also span segments. */
static void test_write_zeros(void **state)
{
	const struct rpd_elf_ident ident = { .elf_class = ELFCLASS64 };
	const struct rpd_segment a = { .vaddr = 0x1000,
				       .memsz = 0x9000,
				       .filesz = 0x9000 };
	const struct rpd_segment b = { .vaddr = 0x100000,
				       .memsz = 0x10000,
				       .filesz = 0x10000 };
	struct test_mem_sink m = { 0 };
	struct rpd_sink sink = test_mem_sink(&m);
	struct rpd_core_writer *w;
	struct rpd_core *core;
	uint8_t *buf = malloc(0x10000), ones[0x100];

	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(rpd_core_writer_new(&ident, &sink, &w), 0);
	assert_int_equal(rpd_core_writer_add_segment(w, &a), 0);
	assert_int_equal(rpd_core_writer_add_segment(w, &b), 1);
	assert_int_equal(rpd_core_writer_start(w), 0);
	assert_int_equal(rpd_core_writer_write(w, ones, sizeof(ones)), 0);
	/* From inside a to inside b, more than one zero block. */
	assert_int_equal(
		rpd_core_writer_write_zeros(w, 0x9000 - 0x100 + 0x8000), 0);
	assert_int_equal(rpd_core_writer_write(w, ones, sizeof(ones)), 0);
	assert_int_equal(rpd_core_writer_write_zeros(w, 0x8000 - 0x100), 0);
	assert_int_equal(rpd_core_writer_finish(w), 0);
	rpd_core_writer_free(w);

	assert_int_equal(rpd_core_open_mem(m.buf, m.len, &core), 0);
	assert_int_equal(rpd_core_read(core, 0x1000, buf, 0x9000), 0);
	assert_memory_equal(buf, ones, sizeof(ones));
	for (size_t i = 0x100; i < 0x9000; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(rpd_core_read(core, 0x100000, buf, 0x10000), 0);
	for (size_t i = 0; i < 0x10000; i++)
		assert_int_equal(buf[i], i >= 0x8000 && i < 0x8100 ? 0xff : 0);
	rpd_core_free(core);
	free(buf);
	free(m.buf);
}

/* ---- other tools ---- */

static void assert_clean(const char *out)
{
	if (strstr(out, "warning") || strstr(out, "Warning") ||
	    strstr(out, "error") || strstr(out, "Error"))
		fail_msg("tool complained:\n%s", out);
}

static void check_tools(uint8_t elf_class)
{
	char *dir = test_tmpdir("core-writer"), *path, *out;
	struct test_mem_sink m = { 0 };

	write_core(elf_class, &m);
	path = test_write_file(dir, "test.core", m.buf, m.len);

	out = test_run("readelf -lnW %s 2>&1", path);
	assert_clean(out);
	assert_non_null(strstr(out, "Elf file type is CORE"));
	assert_non_null(strstr(out, "There are 6 program headers"));
	assert_non_null(strstr(out, "NOTE "));
	assert_non_null(strstr(out, "RPROC"));
	assert_non_null(strstr(out, "LONGER-OWNER"));
	assert_non_null(strstr(
		out,
		elf_class == ELFCLASS64 ?
			"LOAD           0x001208 0x0000000020004000 0x0000000030004000 0x002001 0x003000 RW  0x1" :
			"LOAD           0x00116c 0x20004000 0x30004000 0x02001 0x03000 RW  0x1"));
	free(out);

	out = test_run("eu-readelf -n %s 2>&1", path);
	assert_clean(out);
	/* Not taken for a standard note, as format 1's type 1 was. */
	assert_non_null(
		strstr(out, "RPROC                 28  <unknown>: 1380974593"));
	assert_non_null(
		strstr(out, "GDB                    5  <unknown>: 4660"));
	free(out);

	test_rmtree(dir);
	free(dir);
	free(path);
	free(m.buf);
}

static void test_tools_elf32(void **state)
{
	check_tools(ELFCLASS32);
}

static void test_tools_elf64(void **state)
{
	check_tools(ELFCLASS64);
}

/* ---- misuse ---- */

struct writer_fixture {
	struct test_mem_sink m;
	struct rpd_sink sink;
	struct rpd_core_writer *w;
};

static int writer_setup(void **state)
{
	const struct rpd_elf_ident ident = { .elf_class = ELFCLASS32,
					     .machine = EM_ARM };
	struct writer_fixture *fx = calloc(1, sizeof(*fx));

	fx->sink = test_mem_sink(&fx->m);
	if (rpd_core_writer_new(&ident, &fx->sink, &fx->w) < 0)
		return -1;
	*state = fx;
	return 0;
}

static int writer_teardown(void **state)
{
	struct writer_fixture *fx = *state;

	rpd_core_writer_free(fx->w);
	free(fx->m.buf);
	free(fx);
	return 0;
}

static void test_more_than_declared(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment s = { .vaddr = 0x100,
				       .memsz = 0x10,
				       .filesz = 0x10 };
	uint8_t buf[0x11] = { 0 };

	assert_int_equal(rpd_core_writer_add_segment(fx->w, &s), 0);
	assert_int_equal(rpd_core_writer_start(fx->w), 0);
	assert_int_equal(rpd_core_writer_write(fx->w, buf, 8), 0);
	test_assert_error(
		rpd_core_writer_write(fx->w, buf, 9), -EINVAL,
		"core writer: 9 bytes written with 8 of 16 bytes of segment data left");
	test_assert_error(rpd_core_writer_write_zeros(fx->w, 9), -EINVAL,
			  "9 bytes written with 8 of 16");
	/* Nothing went out: the rest still fits. */
	assert_int_equal(rpd_core_writer_write(fx->w, buf, 8), 0);
	assert_int_equal(rpd_core_writer_finish(fx->w), 0);
	test_assert_error(
		rpd_core_writer_write(fx->w, buf, 0), -EINVAL,
		"segment data written after rpd_core_writer_finish()");
}

static void test_finish_short(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment a = { .vaddr = 0,
				       .memsz = 5000,
				       .filesz = 5000 };
	const struct rpd_segment b = { .vaddr = 5000,
				       .memsz = 678,
				       .filesz = 678 };

	assert_int_equal(rpd_core_writer_add_segment(fx->w, &a), 0);
	assert_int_equal(rpd_core_writer_add_segment(fx->w, &b), 1);
	assert_int_equal(rpd_core_writer_start(fx->w), 0);
	assert_int_equal(rpd_core_writer_write_zeros(fx->w, 1234), 0);
	test_assert_error(
		rpd_core_writer_finish(fx->w), -EIO,
		"core writer: 1234 of 5678 bytes of segment data written");
}

static void test_order(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment s = { .memsz = 1, .filesz = 1 };

	test_assert_error(
		rpd_core_writer_write(fx->w, "x", 1), -EINVAL,
		"segment data written before rpd_core_writer_start()");
	test_assert_error(rpd_core_writer_finish(fx->w), -EINVAL,
			  "before rpd_core_writer_start()");
	assert_int_equal(rpd_core_writer_start(fx->w), 0);
	test_assert_error(rpd_core_writer_start(fx->w), -EINVAL,
			  "core writer: already started");
	test_assert_error(
		rpd_core_writer_add_note(fx->w, "X", 1, "", 0), -EINVAL,
		"core writer: note added after rpd_core_writer_start()");
	test_assert_error(
		rpd_core_writer_add_segment(fx->w, &s), -EINVAL,
		"core writer: segment added after rpd_core_writer_start()");
	/* No segment: an empty core is still a complete one. */
	assert_int_equal(rpd_core_writer_finish(fx->w), 0);
	assert_int_equal(fx->m.len, 52 + 32);
}

static void test_bad_segments(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment big = { .vaddr = 0x100000000, .memsz = 1 };
	const struct rpd_segment fat = { .memsz = 0x10, .filesz = 0x11 };

	test_assert_error(
		rpd_core_writer_add_segment(fx->w, &big), -EINVAL,
		"segment 0: vaddr 0x100000000, paddr 0x0 or size 0x1 does not fit ELF32");
	test_assert_error(rpd_core_writer_add_segment(fx->w, &fat), -EINVAL,
			  "segment 0: file size 0x11 exceeds memory size 0x10");
}

static void test_overlap_refused(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment s[] = {
		{ .vaddr = 0x20000000, .memsz = 0x1000 },
		{ .vaddr = 0x30000000, .memsz = 0x1000 },
		{ .vaddr = 0x20000800, .memsz = 0x1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		assert_int_equal(rpd_core_writer_add_segment(fx->w, &s[i]),
				 (int)i);
	test_assert_error(
		rpd_core_writer_start(fx->w), -EINVAL,
		"core writer: segments 0x20000000+0x1000 and 0x20000800+0x1000 overlap");
	assert_int_equal(fx->m.len, 0);
}

static void test_wrap_refused(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment s = { .vaddr = 0xfffff000, .memsz = 0x1001 };

	assert_int_equal(rpd_core_writer_add_segment(fx->w, &s), 0);
	test_assert_error(
		rpd_core_writer_start(fx->w), -EINVAL,
		"segment 0: 0xfffff000 + 0x1001 wraps around the address space");
}

static void test_elf32_file_limit(void **state)
{
	struct writer_fixture *fx = *state;
	/* Fits the fields, but not after the headers. */
	const struct rpd_segment a = { .memsz = 0xffffffc0,
				       .filesz = 0xffffffc0 };

	assert_int_equal(rpd_core_writer_add_segment(fx->w, &a), 0);
	test_assert_error(
		rpd_core_writer_start(fx->w), -EINVAL,
		"core writer: a core of 0x74 + 0xffffffc0 bytes does not fit ELF32");
}

static void test_note_limit(void **state)
{
	struct writer_fixture *fx = *state;
	uint8_t *big = calloc(1, RPD_NOTE_DESC_MAX);

	test_assert_error(
		rpd_core_writer_add_note(fx->w, "RPROC", 3, big,
					 RPD_NOTE_DESC_MAX),
		-EINVAL,
		"RPROC note type 0x3: descriptor of 16777216 bytes exceeds the limit of 16777215");
	assert_int_equal(rpd_core_writer_add_note(fx->w, "RPROC", 3, big,
						  RPD_NOTE_DESC_MAX - 1),
			 0);
	free(big);
}

/* Known notes get the reader's checks before anything is written. */
static void test_bad_note_refused(void **state)
{
	struct writer_fixture *fx = *state;
	const uint8_t segmap[RPD_SEGMAP_ENTRY_SIZE] = { 1 };
	const uint8_t prstatus[147] = { 0 };
	const struct rpd_segment s = { .memsz = 4 };

	assert_int_equal(rpd_core_writer_add_note(fx->w, "RPROC", RPD_NT_INFO,
						  "a=b", 4),
			 0);
	assert_int_equal(rpd_core_writer_add_note(fx->w, "RPROC", RPD_NT_SEGMAP,
						  segmap, sizeof(segmap)),
			 0);
	assert_int_equal(rpd_core_writer_add_note(fx->w, "CORE", NT_PRSTATUS,
						  prstatus, sizeof(prstatus)),
			 0);
	assert_int_equal(rpd_core_writer_add_segment(fx->w, &s), 0);
	test_assert_error(
		rpd_core_writer_start(fx->w), -EINVAL,
		"core writer: note 1: RPROC segment map note: entry 0 names segment 1 of 1");
	assert_int_equal(fx->m.len, 0);
}

static void test_bad_prstatus_refused(void **state)
{
	struct writer_fixture *fx = *state;
	const uint8_t prstatus[147] = { 0 };

	assert_int_equal(rpd_core_writer_add_note(fx->w, "CORE", NT_PRSTATUS,
						  prstatus, sizeof(prstatus)),
			 0);
	test_assert_error(
		rpd_core_writer_start(fx->w), -EINVAL,
		"core writer: note 0: CORE NT_PRSTATUS note: 147 bytes, ARM needs 148");
}

/* 65534 program headers: the PT_NOTE and 65533 PT_LOADs, and no more. */
static void test_segment_limit(void **state)
{
	struct writer_fixture *fx = *state;
	struct rpd_segment s = { .memsz = 1 };
	struct rpd_core *core;

	for (s.vaddr = 0; s.vaddr < 65533; s.vaddr++)
		assert_int_equal(rpd_core_writer_add_segment(fx->w, &s),
				 (int)s.vaddr);
	test_assert_error(rpd_core_writer_add_segment(fx->w, &s), -EINVAL,
			  "core writer: more than 65533 segments");
	assert_int_equal(rpd_core_writer_start(fx->w), 0);
	assert_int_equal(rpd_core_writer_finish(fx->w), 0);
	assert_int_equal(rpd_core_open_mem(fx->m.buf, fx->m.len, &core), 0);
	assert_int_equal(rpd_core_nsegments(core), 65533);
	assert_int_equal(rpd_core_segment(core, 65532)->vaddr, 65532);
	rpd_core_free(core);
}

static void test_sink_failure(void **state)
{
	struct writer_fixture *fx = *state;
	const struct rpd_segment s = { .memsz = 4, .filesz = 4 };

	assert_int_equal(rpd_core_writer_add_segment(fx->w, &s), 0);
	fx->m.fail_with = -ENOSPC;
	test_assert_error(
		rpd_core_writer_start(fx->w), -ENOSPC,
		"core writer: writing output: No space left on device");
	fx->m.fail_with = 0;
	test_assert_error(rpd_core_writer_write(fx->w, "abcd", 4), -EIO,
			  "core writer: an earlier write failed");
	test_assert_error(rpd_core_writer_finish(fx->w), -EIO,
			  "an earlier write failed");
}

static void test_bad_ident(void **state)
{
	struct rpd_elf_ident ident = { .elf_class = 3 };
	struct test_mem_sink m = { 0 };
	struct rpd_sink sink = test_mem_sink(&m);
	struct rpd_core_writer *w;

	test_assert_error(rpd_core_writer_new(&ident, &sink, &w), -EINVAL,
			  "core writer: unknown ELF class 3");
	ident = (struct rpd_elf_ident){ .elf_class = ELFCLASS32,
					.entry = 0x100000000 };
	test_assert_error(rpd_core_writer_new(&ident, &sink, &w), -EINVAL,
			  "entry point 0x100000000 does not fit ELF32");
}

#define WRITER_TEST(f) \
	cmocka_unit_test_setup_teardown(f, writer_setup, writer_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_elf32),
		cmocka_unit_test(test_round_trip_elf64),
		cmocka_unit_test(test_write_zeros),
		cmocka_unit_test(test_tools_elf32),
		cmocka_unit_test(test_tools_elf64),
		WRITER_TEST(test_more_than_declared),
		WRITER_TEST(test_finish_short),
		WRITER_TEST(test_order),
		WRITER_TEST(test_bad_segments),
		WRITER_TEST(test_overlap_refused),
		WRITER_TEST(test_wrap_refused),
		WRITER_TEST(test_elf32_file_limit),
		WRITER_TEST(test_note_limit),
		WRITER_TEST(test_bad_note_refused),
		WRITER_TEST(test_bad_prstatus_refused),
		WRITER_TEST(test_segment_limit),
		WRITER_TEST(test_sink_failure),
		cmocka_unit_test(test_bad_ident),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
