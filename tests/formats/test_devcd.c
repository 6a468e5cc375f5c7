// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_devcd.c - rpd_devcd_* on dumps laid out byte for byte as
 * rproc_coredump() writes them (mainline: ELF header, PT_LOADs with
 * p_vaddr = p_paddr = da, RWX, EM_NONE, p_align 0, data in list order) and
 * with the patched kernel's first PT_NOTE of RPROC notes.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core_format.h"
#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

#define BOOT_ADDR 0x1d1

struct seg_spec {
	uint64_t da;
	uint64_t size;
};

/* Three regions, the first two adjacent, as a driver registers them. */
static const struct seg_spec three_segs[] = {
	{ 0x00000000, 0x1000 },
	{ 0x00001000, 0x0800 },
	{ 0x20000000, 0x0400 },
};

static uint8_t pattern(size_t seg, uint64_t off)
{
	return (uint8_t)(seg * 0x40 + off * 7 + (off >> 8));
}

struct dump {
	uint8_t *buf;
	size_t len;
	int elf_class;
	size_t phoff, phentsize;
};

/* Appends one note, padded to 4 bytes, to a growing buffer. */
static void add_note(uint8_t **notes, size_t *len, const char *owner,
		     uint32_t type, const void *desc, size_t descsz)
{
	size_t namesz = strlen(owner) + 1;
	size_t size = 12 + align_up(namesz, 4) + align_up(descsz, 4);
	uint8_t *p;

	*notes = realloc(*notes, *len + size);
	assert_non_null(*notes);
	p = *notes + *len;
	memset(p, 0, size);
	put_le32(p, (uint32_t)namesz);
	put_le32(p + 4, (uint32_t)descsz);
	put_le32(p + 8, type);
	memcpy(p + 12, owner, namesz);
	memcpy(p + 12 + align_up(namesz, 4), desc, descsz);
	*len += size;
}

static const char info[] = "name=m4\0firmware=rproc-m4-fw.elf\0"
			   "build_id=0123abcd\0crash_type=watchdog";

/* The notes a patched kernel writes, with ones a reader must skip. */
static uint8_t *patched_notes(size_t *len)
{
	uint8_t *notes = NULL;
	uint8_t trace[16] = { 1, 2, 3 };

	*len = 0;
	add_note(&notes, len, "RPROC", RPD_DEVCD_NT_INFO, info, sizeof(info));
	add_note(&notes, len, "RPROC", 99, trace, 5);
	add_note(&notes, len, "GNU", 3, trace, sizeof(trace));
	return notes;
}

/*
 * A dump as rproc_coredump() lays it out: headers, then the data of each
 * segment in list order; with notes, a first PT_NOTE right after the
 * program headers (the patched layout).
 */
static struct dump make_dump(int elf_class, const struct seg_spec *segs,
			     size_t n, const uint8_t *notes, size_t notes_len)
{
	bool is32 = elf_class == 1;
	size_t ehsize = is32 ? 52 : 64, phentsize = is32 ? 32 : 56;
	size_t phnum = n + (notes ? 1 : 0);
	size_t off = ehsize + phnum * phentsize, len = off + notes_len;
	struct dump d = { .elf_class = elf_class,
			  .phoff = ehsize,
			  .phentsize = phentsize };
	uint8_t *e, *ph;

	for (size_t i = 0; i < n; i++)
		len += segs[i].size;
	d.buf = calloc(1, len);
	assert_non_null(d.buf);
	d.len = len;

	e = d.buf;
	memcpy(e, "\177ELF", 4);
	e[4] = (uint8_t)elf_class;
	e[5] = 1;	     /* ELFDATA2LSB */
	e[6] = 1;	     /* EV_CURRENT */
	put_le16(e + 16, 4); /* ET_CORE */
	put_le16(e + 18, 0); /* EM_NONE */
	put_le32(e + 20, 1);
	if (is32) {
		put_le32(e + 24, BOOT_ADDR);
		put_le32(e + 28, (uint32_t)ehsize);
		put_le16(e + 40, (uint16_t)ehsize);
		put_le16(e + 42, (uint16_t)phentsize);
		put_le16(e + 44, (uint16_t)phnum);
	} else {
		put_le64(e + 24, BOOT_ADDR);
		put_le64(e + 32, ehsize);
		put_le16(e + 52, (uint16_t)ehsize);
		put_le16(e + 54, (uint16_t)phentsize);
		put_le16(e + 56, (uint16_t)phnum);
	}

	ph = d.buf + ehsize;
	if (notes) {
		if (is32) {
			put_le32(ph, 4); /* PT_NOTE */
			put_le32(ph + 4, (uint32_t)off);
			put_le32(ph + 16, (uint32_t)notes_len);
			put_le32(ph + 28, 4);
		} else {
			put_le32(ph, 4);
			put_le64(ph + 8, off);
			put_le64(ph + 32, notes_len);
			put_le64(ph + 48, 4);
		}
		memcpy(d.buf + off, notes, notes_len);
		off += notes_len;
		ph += phentsize;
	}
	for (size_t i = 0; i < n; i++, ph += phentsize) {
		if (is32) {
			put_le32(ph, 1); /* PT_LOAD */
			put_le32(ph + 4, (uint32_t)off);
			put_le32(ph + 8, (uint32_t)segs[i].da);
			put_le32(ph + 12, (uint32_t)segs[i].da);
			put_le32(ph + 16, (uint32_t)segs[i].size);
			put_le32(ph + 20, (uint32_t)segs[i].size);
			put_le32(ph + 24, 7); /* PF_R | PF_W | PF_X */
		} else {
			put_le32(ph, 1);
			put_le32(ph + 4, 7);
			put_le64(ph + 8, off);
			put_le64(ph + 16, segs[i].da);
			put_le64(ph + 24, segs[i].da);
			put_le64(ph + 32, segs[i].size);
			put_le64(ph + 40, segs[i].size);
		}
		for (uint64_t j = 0; j < segs[i].size; j++)
			d.buf[off + j] = pattern(i, j);
		off += segs[i].size;
	}
	return d;
}

/* Offset of field f (offset f32 in ELF32, f64 in ELF64) of phdr i. */
static uint8_t *phdr_field(struct dump *d, size_t i, size_t f32, size_t f64)
{
	return d->buf + d->phoff + i * d->phentsize +
	       (d->elf_class == 1 ? f32 : f64);
}

static void set_field(struct dump *d, uint8_t *p, uint64_t v)
{
	if (d->elf_class == 1)
		put_le32(p, (uint32_t)v);
	else
		put_le64(p, v);
}

static void expect_open_error(const struct dump *d, size_t len, int err,
			      const char *message)
{
	struct rpd_devcd *dump = NULL;

	test_assert_error(rpd_devcd_open_mem(d->buf, len, "devcd1", &dump), err,
			  message);
	assert_null(dump);
}

/* Checks every byte of segment i through rpd_devcd_read(). */
static void check_segment_bytes(struct rpd_devcd *dump, size_t i,
				const struct seg_spec *s)
{
	uint8_t *buf = malloc(s->size);

	assert_non_null(buf);
	assert_int_equal(rpd_devcd_read(dump, s->da, buf, s->size), 0);
	for (uint64_t j = 0; j < s->size; j++)
		assert_int_equal(buf[j], pattern(i, j));
	free(buf);
}

static void check_mainline(int elf_class)
{
	struct dump d = make_dump(elf_class, three_segs, 3, NULL, 0);
	size_t ehsize = elf_class == 1 ? 52 : 64;
	uint64_t offset = ehsize + 3 * d.phentsize;
	struct rpd_devcd *dump = NULL;
	uint8_t buf[32];

	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_int_equal(rpd_devcd_layout(dump), RPD_DEVCD_MAINLINE);
	assert_int_equal(rpd_devcd_ident(dump)->elf_class, elf_class);
	assert_int_equal(rpd_devcd_ident(dump)->machine, 0);
	assert_int_equal(rpd_devcd_ident(dump)->entry, BOOT_ADDR);
	assert_false(rpd_devcd_truncated(dump));
	assert_int_equal(rpd_devcd_data_offset(dump), offset);
	assert_int_equal(rpd_devcd_nsegments(dump), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct rpd_segment *seg = rpd_devcd_segment(dump, i);

		assert_int_equal(seg->vaddr, three_segs[i].da);
		assert_int_equal(seg->paddr, three_segs[i].da);
		assert_int_equal(seg->memsz, three_segs[i].size);
		assert_int_equal(seg->filesz, three_segs[i].size);
		assert_int_equal(seg->offset, offset);
		assert_int_equal(seg->flags, 7);
		offset += three_segs[i].size;
		check_segment_bytes(dump, i, &three_segs[i]);
	}
	assert_null(rpd_devcd_segment(dump, 3));

	/* Across the boundary of the two adjacent segments. */
	assert_int_equal(rpd_devcd_read(dump, 0xff0, buf, 32), 0);
	for (size_t j = 0; j < 16; j++) {
		assert_int_equal(buf[j], pattern(0, 0xff0 + j));
		assert_int_equal(buf[16 + j], pattern(1, j));
	}
	/* Not dumped: a gap, and a range running off the last segment. */
	assert_int_equal(rpd_devcd_read(dump, 0x1800, buf, 1), -ENOENT);
	assert_string_equal(rpd_error(),
			    "devcd1: device address 0x1800 is not in the dump");
	assert_int_equal(rpd_devcd_read(dump, 0x200003f0, buf, 32), -ENOENT);
	assert_int_equal(rpd_devcd_read(dump, UINT64_MAX - 4, buf, 8), -ENOENT);
	assert_null(rpd_devcd_info(dump, "name"));
	rpd_devcd_free(dump);
	free(d.buf);
}

static void test_mainline_elf32(void **state)
{
	check_mainline(1);
}

static void test_mainline_elf64(void **state)
{
	check_mainline(2);
}

static void test_patched(void **state)
{
	size_t notes_len;
	uint8_t *notes = patched_notes(&notes_len);
	struct dump d = make_dump(1, three_segs, 3, notes, notes_len);
	struct rpd_devcd *dump = NULL;

	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_int_equal(rpd_devcd_layout(dump), RPD_DEVCD_PATCHED);
	assert_int_equal(rpd_devcd_data_offset(dump), 52 + 4 * 32 + notes_len);
	assert_int_equal(rpd_devcd_nsegments(dump), 3);
	assert_string_equal(rpd_devcd_info(dump, "name"), "m4");
	assert_string_equal(rpd_devcd_info(dump, "firmware"),
			    "rproc-m4-fw.elf");
	assert_string_equal(rpd_devcd_info(dump, "build_id"), "0123abcd");
	assert_string_equal(rpd_devcd_info(dump, "crash_type"), "watchdog");
	assert_null(rpd_devcd_info(dump, "nam"));
	assert_null(rpd_devcd_info(dump, "kernel"));
	check_segment_bytes(dump, 2, &three_segs[2]);
	rpd_devcd_free(dump);
	free(d.buf);
	free(notes);
}

/*
 * What other writers of notes do is taken: the last note without its
 * padding, and notes aligned to 8 in a PT_NOTE with p_align 8.
 */
static void test_notes_tolerated(void **state)
{
	static const char desc[] = "name=m4\0ab=1"; /* 14 bytes */
	struct rpd_devcd *dump;
	uint8_t *notes = NULL, n8[2 * (12 + 8) + 16 + 16] = { 0 };
	size_t len = 0;
	struct dump d;

	(void)state;
	add_note(&notes, &len, "RPROC", RPD_DEVCD_NT_INFO, desc, sizeof(desc));
	d = make_dump(2, three_segs, 3, notes, len - 2);
	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_string_equal(rpd_devcd_info(dump, "name"), "m4");
	rpd_devcd_free(dump);
	free(d.buf);
	free(notes);

	/* 8-byte alignment: a 12-byte descriptor takes 16 bytes. */
	put_le32(n8, 6);
	put_le32(n8 + 4, 12);
	put_le32(n8 + 8, 99);
	memcpy(n8 + 12, "RPROC", 6);
	memcpy(n8 + 20, "twelve bytes", 12);
	put_le32(n8 + 36, 6);
	put_le32(n8 + 40, sizeof(desc));
	put_le32(n8 + 44, RPD_DEVCD_NT_INFO);
	memcpy(n8 + 48, "RPROC", 6);
	memcpy(n8 + 56, desc, sizeof(desc));
	d = make_dump(2, three_segs, 3, n8, sizeof(n8));
	put_le64(d.buf + d.phoff + 48, 8); /* the PT_NOTE's p_align */
	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_string_equal(rpd_devcd_info(dump, "name"), "m4");
	rpd_devcd_free(dump);
	free(d.buf);
}

static void test_bad_notes(void **state)
{
	uint8_t *notes = NULL;
	size_t len = 0;
	struct dump d;

	/* Only a foreign note: not a remoteproc dump. */
	add_note(&notes, &len, "CORE", 1, "x", 1);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(&d, d.len, -EINVAL,
			  "devcd1: the note segment has no RPROC notes");
	free(d.buf);
	free(notes);

	/* An info string that is not key=value. */
	notes = NULL;
	len = 0;
	add_note(&notes, &len, "RPROC", RPD_DEVCD_NT_INFO, "name=m4\0oops", 13);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(&d, d.len, -EINVAL, "\"oops\" is not key=value");
	free(d.buf);

	/* Not NUL-terminated. */
	put_le32(notes + 4, 12);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(&d, d.len, -EINVAL, "not NUL-terminated");
	free(d.buf);

	/* A description running past the note segment. */
	put_le32(notes + 4, 0x1000);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(
		&d, d.len, -EINVAL,
		"devcd1: note at offset 0x0: descriptor of 4096 bytes runs past the end of the note segment");
	free(d.buf);

	/* A description size that would wrap a 32-bit offset. */
	put_le32(notes + 4, 0xfffffffc);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(&d, d.len, -EINVAL, "exceeds the limit of 0xffffff");
	free(d.buf);
	free(notes);

	/* Two info notes. */
	notes = NULL;
	len = 0;
	add_note(&notes, &len, "RPROC", RPD_DEVCD_NT_INFO, "a=1", 4);
	add_note(&notes, &len, "RPROC", RPD_DEVCD_NT_INFO, "b=2", 4);
	d = make_dump(1, three_segs, 3, notes, len);
	expect_open_error(&d, d.len, -EINVAL, "more than one RPROC info note");
	free(d.buf);
	free(notes);
}

/* The layout of the dump file the collector saved, cut at len bytes. */
static int write_dump(const char *dir, const struct dump *d, size_t len)
{
	char *path = test_write_file(dir, "devcd.raw", d->buf, len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	free(path);
	assert_true(fd >= 0);
	return fd;
}

static void test_truncated_file(void **state)
{
	struct dump d = make_dump(1, three_segs, 3, NULL, 0);
	const struct seg_spec *s1 = &three_segs[1];
	char *dir = test_tmpdir("test_devcd");
	struct rpd_devcd *dump = NULL;
	uint64_t seg1_offset;
	uint8_t buf[64];
	int fd;

	/* Cut 0x100 bytes into the second segment. */
	seg1_offset = 52 + 3 * 32 + three_segs[0].size;
	fd = write_dump(dir, &d, seg1_offset + 0x100);
	assert_int_equal(rpd_devcd_open(fd, "devcd1", &dump), 0);
	assert_true(rpd_devcd_truncated(dump));
	assert_int_equal(rpd_devcd_segment(dump, 0)->filesz, 0x1000);
	assert_int_equal(rpd_devcd_segment(dump, 1)->filesz, 0x100);
	assert_int_equal(rpd_devcd_segment(dump, 1)->memsz, s1->size);
	assert_int_equal(rpd_devcd_segment(dump, 2)->filesz, 0);

	/* What exists reads back, through pread. */
	check_segment_bytes(dump, 0, &three_segs[0]);
	assert_int_equal(rpd_devcd_read(dump, s1->da + 0xc0, buf, 64), 0);
	for (size_t j = 0; j < 64; j++)
		assert_int_equal(buf[j], pattern(1, 0xc0 + j));
	/* What was cut is -ENODATA, not -ENOENT. */
	assert_int_equal(rpd_devcd_read(dump, s1->da + 0xe0, buf, 64),
			 -ENODATA);
	assert_string_equal(
		rpd_error(),
		"devcd1: device address 0x1100 was cut off (dump truncated)");
	assert_int_equal(rpd_devcd_read(dump, three_segs[2].da, buf, 1),
			 -ENODATA);
	rpd_devcd_free(dump);
	close(fd);

	/* Cut inside the program headers: nothing to work with. */
	fd = write_dump(dir, &d, 60);
	assert_int_equal(rpd_devcd_open(fd, "devcd1", &dump), -ENODATA);
	assert_non_null(strstr(rpd_error(), "(truncated?)"));
	close(fd);

	/* Cut inside the ELF header. */
	fd = write_dump(dir, &d, 30);
	assert_int_equal(rpd_devcd_open(fd, "devcd1", &dump), -ENODATA);
	assert_string_equal(rpd_error(),
			    "devcd1: dump truncated inside its ELF header");
	close(fd);

	/* The whole file is not truncated. */
	fd = write_dump(dir, &d, d.len);
	assert_int_equal(rpd_devcd_open(fd, "devcd1", &dump), 0);
	assert_false(rpd_devcd_truncated(dump));
	check_segment_bytes(dump, 2, &three_segs[2]);
	rpd_devcd_free(dump);
	close(fd);

	test_rmtree(dir);
	free(dir);
	free(d.buf);
}

/* Big enough to span several gzip members. */
static const struct seg_spec big_segs[] = {
	{ 0x00000000, 0x30000 },
	{ 0x20000000, 0x20000 },
};

/* A dump spooled compressed (a full store) reads like the raw one. */
static void test_compressed_spool(void **state)
{
	struct dump d = make_dump(1, big_segs, 2, NULL, 0);
	char *dir = test_tmpdir("test_devcd");
	char *path = test_write_file(dir, "spool.gz", "", 0);
	struct rpd_gz_writer *gz;
	struct rpd_gz_reader *r;
	struct rpd_reader src;
	struct rpd_devcd *dump;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(rpd_gz_writer_new(fd, 1, 1, &gz), 0);
	assert_int_equal(rpd_gz_writer_write(gz, d.buf, d.len), 0);
	assert_int_equal(rpd_gz_writer_finish(gz), 0);
	rpd_gz_writer_free(gz);

	assert_int_equal(rpd_gz_reader_open(fd, path, &r), 0);
	assert_int_equal(rpd_gz_reader_as_reader(r, &src), 0);
	assert_int_equal(src.size, d.len);
	assert_int_equal(rpd_devcd_open_reader(&src, "devcd1", &dump), 0);
	assert_false(rpd_devcd_truncated(dump));
	check_segment_bytes(dump, 0, &big_segs[0]);
	check_segment_bytes(dump, 1, &big_segs[1]);
	rpd_devcd_free(dump);
	rpd_gz_reader_free(r);

	/* A collector killed while spooling: complete members still count. */
	assert_int_equal(ftruncate(fd, lseek(fd, 0, SEEK_END) / 2), 0);
	assert_int_equal(rpd_gz_reader_open(fd, path, &r), 0);
	assert_int_equal(rpd_gz_reader_as_reader(r, &src), 0);
	assert_true(src.size > 0 && src.size < d.len);
	assert_int_equal(rpd_devcd_open_reader(&src, "devcd1", &dump), 0);
	assert_true(rpd_devcd_truncated(dump));
	assert_true(rpd_devcd_segment(dump, 0)->filesz > 0);
	assert_int_equal(rpd_devcd_read(dump, big_segs[1].da, &(uint8_t){ 0 },
					1),
			 -ENODATA);
	rpd_devcd_free(dump);
	rpd_gz_reader_free(r);

	close(fd);
	test_rmtree(dir);
	free(dir);
	free(path);
	free(d.buf);
}

static void test_truncated_notes(void **state)
{
	size_t notes_len;
	uint8_t *notes = patched_notes(&notes_len);
	struct dump d = make_dump(1, three_segs, 3, notes, notes_len);

	expect_open_error(&d, 52 + 4 * 32 + 10, -ENODATA,
			  "devcd1: dump truncated inside its notes");
	free(d.buf);
	free(notes);
}

static void test_not_regular(void **state)
{
	struct rpd_devcd *dump = NULL;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(rpd_devcd_open(fd, "/dev/null", &dump), -EINVAL);
	assert_string_equal(
		rpd_error(),
		"/dev/null: not a regular file; save the devcoredump to a file first");
	close(fd);
}

static void test_minidump(void **state)
{
	struct dump d = make_dump(1, three_segs, 1, NULL, 0);

	/* rproc_coredump_using_sections(): section headers, no phdrs. */
	put_le32(d.buf + 28, 0);  /* e_phoff */
	put_le32(d.buf + 32, 52); /* e_shoff */
	put_le16(d.buf + 42, 0);  /* e_phentsize */
	put_le16(d.buf + 44, 0);  /* e_phnum */
	put_le16(d.buf + 46, 40); /* e_shentsize */
	put_le16(d.buf + 48, 3);  /* e_shnum */
	put_le16(d.buf + 50, 1);  /* e_shstrndx */
	expect_open_error(
		&d, d.len, -EOPNOTSUPP,
		"devcd1: remoteproc minidump (section headers only) is not supported");
	free(d.buf);
}

static void test_overlaps(void **state)
{
	struct dump d = make_dump(2, three_segs, 3, NULL, 0);

	/* Segment 2 at a device address inside segment 1. */
	set_field(&d, phdr_field(&d, 2, 12, 24), 0x17ff);
	expect_open_error(
		&d, d.len, -EINVAL,
		"devcd1: segments at device addresses 0x1000+0x800 and 0x17ff+0x400 overlap");
	free(d.buf);

	/* Segment 2's data inside segment 1's. */
	d = make_dump(2, three_segs, 3, NULL, 0);
	set_field(&d, phdr_field(&d, 2, 4, 8), 64 + 3 * 56 + 0x1000 + 0x10);
	expect_open_error(&d, d.len, -EINVAL, "devcd1: segment data at 0x");
	free(d.buf);

	/* Segment data inside the headers. */
	d = make_dump(2, three_segs, 3, NULL, 0);
	set_field(&d, phdr_field(&d, 0, 4, 8), 0x40);
	expect_open_error(
		&d, d.len, -EINVAL,
		"devcd1: program header 0: data at 0x40 overlaps the headers and notes (which end at 0xe8)");
	free(d.buf);

	/* A file range that overflows. */
	d = make_dump(2, three_segs, 3, NULL, 0);
	set_field(&d, phdr_field(&d, 2, 4, 8), UINT64_MAX - 0x100);
	expect_open_error(
		&d, d.len, -EINVAL,
		"devcd1: program header 2: file range 0xfffffffffffffeff+0x400 overflows");
	free(d.buf);

	/* A device address range that wraps. */
	d = make_dump(1, three_segs, 3, NULL, 0);
	set_field(&d, phdr_field(&d, 2, 12, 24), 0xfffffe00);
	expect_open_error(&d, d.len, -EINVAL, "wraps around");
	free(d.buf);
}

static void test_sizes(void **state)
{
	struct dump d = make_dump(1, three_segs, 3, NULL, 0);
	struct rpd_devcd *dump = NULL;
	uint8_t buf[4];

	/* More in the file than in memory. */
	set_field(&d, phdr_field(&d, 1, 20, 40), 0x7ff);
	expect_open_error(
		&d, d.len, -EINVAL,
		"devcd1: program header 1: file size 0x800 exceeds memory size 0x7ff");

	/* Less: memory that was not dumped, without truncation. */
	set_field(&d, phdr_field(&d, 1, 20, 40), 0x1000);
	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_false(rpd_devcd_truncated(dump));
	assert_int_equal(rpd_devcd_read(dump, 0x17fc, buf, 4), 0);
	assert_int_equal(rpd_devcd_read(dump, 0x17fe, buf, 4), -ENOENT);
	rpd_devcd_free(dump);

	/* An empty segment at the address of another holds nothing and
	 * hides nothing. */
	set_field(&d, phdr_field(&d, 2, 12, 24), 0x1000);
	set_field(&d, phdr_field(&d, 2, 16, 32), 0);
	set_field(&d, phdr_field(&d, 2, 20, 40), 0);
	assert_int_equal(rpd_devcd_open_mem(d.buf, d.len, "devcd1", &dump), 0);
	assert_int_equal(rpd_devcd_nsegments(dump), 3);
	assert_int_equal(rpd_devcd_read(dump, 0x1000, buf, 4), 0);
	assert_int_equal(buf[1], pattern(1, 1));
	rpd_devcd_free(dump);
	free(d.buf);
}

/* The size a dump declares, from its headers alone: the end of its last
 * segment or note, whatever follows; -EINVAL without all the headers. */
static void test_declared_size(void **state)
{
	size_t notes_len, headers;
	uint8_t *notes = patched_notes(&notes_len);
	uint64_t size;

	for (int c = 1; c <= 2; c++) {
		struct dump d = make_dump(c, three_segs, 3, notes, notes_len);

		headers = d.phoff + 4 * d.phentsize;
		assert_int_equal(rpd_devcd_declared_size(d.buf, d.len, &size),
				 0);
		assert_int_equal(size, d.len);
		/* The headers are enough. */
		assert_int_equal(rpd_devcd_declared_size(d.buf, headers, &size),
				 0);
		assert_int_equal(size, d.len);
		/* A segment's end beyond the file is what counts. */
		set_field(&d, phdr_field(&d, 3, 16, 32), 0x10000);
		set_field(&d, phdr_field(&d, 3, 20, 40), 0x10000);
		assert_int_equal(rpd_devcd_declared_size(d.buf, headers, &size),
				 0);
		assert_int_equal(size, d.len - 0x400 + 0x10000);
		/* Not all of them, or not an ELF. */
		assert_int_equal(rpd_devcd_declared_size(d.buf, headers - 1,
							 &size),
				 -EINVAL);
		assert_int_equal(rpd_devcd_declared_size(d.buf, 10, &size),
				 -EINVAL);
		d.buf[0] = 'X';
		assert_int_equal(rpd_devcd_declared_size(d.buf, d.len, &size),
				 -EINVAL);
		free(d.buf);
	}
	free(notes);
}

static void test_malformed_headers(void **state)
{
	struct dump d = make_dump(1, three_segs, 3, NULL, 0);
	uint8_t *notes = NULL;
	size_t len = 0;

	expect_open_error(&d, 3, -EINVAL, "devcd1: not an ELF file");
	d.buf[5] = 2;
	expect_open_error(&d, d.len, -EINVAL, "is not little-endian");
	d.buf[5] = 1;
	d.buf[4] = 0;
	expect_open_error(&d, d.len, -EINVAL, "ELF class 0 is not supported");
	d.buf[4] = 1;
	put_le16(d.buf + 16, 2); /* ET_EXEC: a firmware, not a dump */
	expect_open_error(&d, d.len, -EINVAL,
			  "devcd1: not a core dump (ELF type 2)");
	put_le16(d.buf + 16, 4);
	put_le16(d.buf + 42, 33);
	expect_open_error(&d, d.len, -EINVAL, "program header size 33");
	put_le16(d.buf + 42, 32);
	put_le16(d.buf + 44, 0);
	expect_open_error(&d, d.len, -EINVAL, "devcd1: has no program headers");
	put_le16(d.buf + 44, 0xffff);
	expect_open_error(&d, d.len, -EINVAL, "too many program headers");
	put_le16(d.buf + 44, 3);
	put_le32(d.buf + 28, 16);
	expect_open_error(&d, d.len, -EINVAL, "overlap the ELF header");
	put_le32(d.buf + 28, 52);
	put_le32(phdr_field(&d, 1, 0, 0), 6); /* PT_PHDR */
	expect_open_error(&d, d.len, -EINVAL,
			  "program header 1: type 0x6 does not belong");
	free(d.buf);

	/* A note segment after the first program header. */
	add_note(&notes, &len, "RPROC", RPD_DEVCD_NT_INFO, "a=1", 4);
	d = make_dump(1, three_segs, 3, notes, len);
	memcpy(phdr_field(&d, 1, 0, 0), phdr_field(&d, 0, 0, 0), 32);
	put_le32(phdr_field(&d, 0, 0, 0), 1);
	expect_open_error(&d, d.len, -EINVAL,
			  "program header 1: the note segment must come first");
	free(d.buf);
	free(notes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mainline_elf32),
		cmocka_unit_test(test_mainline_elf64),
		cmocka_unit_test(test_patched),
		cmocka_unit_test(test_bad_notes),
		cmocka_unit_test(test_notes_tolerated),
		cmocka_unit_test(test_truncated_file),
		cmocka_unit_test(test_truncated_notes),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_minidump),
		cmocka_unit_test(test_compressed_spool),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_declared_size),
		cmocka_unit_test(test_malformed_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
