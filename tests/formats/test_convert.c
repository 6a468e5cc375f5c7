// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_convert.c - devcoredump + firmware -> stored core.
 *
 * A small firmware is compiled with arm-none-eabi-gcc: code at 0x0, .data
 * running at 0x20000000 but loaded behind the code (p_vaddr != p_paddr), .bss
 * and the crash record in RAM. Dumps are then made the way Linux 6.12 makes
 * them (two carveouts, bare PT_LOADs, EM_NONE), from memory that looks like
 * the remote ran: the image loaded at p_paddr, .data copied to p_vaddr and
 * changed, a crash record written.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core_format.h"
#include "rproc/crash_record.h"
#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

#define CODE_DA 0x00000000u
#define CODE_LEN 0x4000u
#define RAM_DA 0x20000000u
#define RAM_LEN 0x2000u

static const char firmware_c[] =
	"#include \"rproc/crash_record.h\"\n"
	"int counter = 5;\n"
	"int zeroed[16];\n"
	"struct rproc_crash_record rproc_crash_record;\n"
	"void spin(void) { for (;;) counter++; }\n"
	"void _start(void) { zeroed[3] = counter; spin(); }\n";

static const char firmware_ld[] =
	"MEMORY { CODE (rx) : ORIGIN = 0x0, LENGTH = 16K\n"
	"         RAM (rw) : ORIGIN = 0x20000000, LENGTH = 8K }\n"
	"PHDRS { text PT_LOAD; data PT_LOAD; bss PT_LOAD; }\n"
	"SECTIONS {\n"
	"  .text : { *(.text*) *(.rodata*) } > CODE :text\n"
	"  .data : { *(.data*) } > RAM AT> CODE :data\n"
	"  .bss : { *(.bss*) *(COMMON) } > RAM AT> RAM :bss\n"
	"  /DISCARD/ : { *(.ARM.exidx*) }\n"
	"}\n";

struct fixture {
	char *dir;
	char *fw_path;
	struct rpd_firmware *fw;
	uint64_t record_da;
	uint8_t code[CODE_LEN];
	uint8_t ram[RAM_LEN];
};

static void build_firmware(struct fixture *f)
{
	char *src = test_write_file(f->dir, "fw.c", firmware_c,
				    sizeof(firmware_c) - 1);
	char *ld = test_write_file(f->dir, "fw.ld", firmware_ld,
				   sizeof(firmware_ld) - 1);

	f->fw_path = test_build_firmware(f->dir,
					 "-I%s/formats/include -T %s %s",
					 RPD_SOURCE_DIR, ld, src);
	free(src);
	free(ld);
}

/* Memory as the remote left it: loaded, started, crashed. */
static void fill_memory(struct fixture *f)
{
	uint8_t record[RPROC_CRASH_RECORD_SIZE] = { 0 };
	uint64_t size;

	memset(f->code, 0xa5, sizeof(f->code));
	memset(f->ram, 0x5a, sizeof(f->ram));
	for (size_t i = 0; i < rpd_firmware_nsegments(f->fw); i++) {
		const struct rpd_segment *s = rpd_firmware_segment(f->fw, i);
		uint8_t *region = s->paddr >= RAM_DA ?
					  f->ram + (s->paddr - RAM_DA) :
					  f->code + s->paddr;
		uint8_t *run = s->vaddr >= RAM_DA ?
				       f->ram + (s->vaddr - RAM_DA) :
				       f->code + s->vaddr;

		/* The kernel loads at p_paddr, the startup code copies. */
		memset(region, 0, s->memsz);
		if (s->filesz)
			assert_int_equal(rpd_firmware_read(f->fw, s->vaddr,
							   region, s->filesz),
					 0);
		memmove(run, region, s->memsz);
	}

	assert_int_equal(rpd_firmware_crash_record(f->fw, &f->record_da, &size),
			 0);
	put_le32(record + 0x04, RPROC_CRASH_RECORD_VERSION);
	put_le16(record + 0x06, RPROC_CRASH_RECORD_SIZE);
	put_le16(record + 0x08, RPROC_CRASH_ARCH_ARMV7M);
	put_le16(record + 0x0a, RPROC_CRASH_REASON_USAGEFAULT);
	put_le32(record + 0x0c, 1);
	put_le32(record + 0x14, 6); /* UsageFault */
	for (int i = 0; i < 13; i++)
		put_le32(record + 0x18 + 4 * i, 0x1000 + (uint32_t)i);
	put_le32(record + 0x18 + 0x34, RAM_DA + 0x1f00); /* sp */
	put_le32(record + 0x18 + 0x38, 0x101);		 /* lr */
	put_le32(record + 0x18 + 0x3c, 0x120);		 /* pc */
	put_le32(record + 0x18 + 0x40, 0x01000000);	 /* xpsr */
	put_le32(record + 0x18 + 0x44, RAM_DA + 0x1ee0); /* msp */
	put_le32(record + 0x18 + 0x4c, 0xfffffff9);	 /* exc_return */
	put_le32(record + 0x18 + 0x50, 0x200);		 /* handler_pc */
	put_le32(record + 0x18 + 0x54, 1u << 25);	 /* DIVBYZERO */
	strcpy((char *)record + 0x7c, "divide by zero");
	put_le32(record, RPROC_CRASH_RECORD_MAGIC);
	memcpy(f->ram + (f->record_da - RAM_DA), record, sizeof(record));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = test_tmpdir("convert");
	build_firmware(f);
	assert_int_equal(rpd_firmware_open(f->fw_path, &f->fw), 0);
	fill_memory(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rpd_firmware_free(f->fw);
	test_rmtree(f->dir);
	free(f->dir);
	free(f->fw_path);
	free(f);
	return 0;
}

/* The dump exactly as rproc_coredump() lays it out (ELF32, EM_NONE). */
static uint8_t *make_dump(const struct fixture *f, size_t *len)
{
	const struct test_dump_region regions[] = {
		{ CODE_DA, f->code, CODE_LEN, PF_R | PF_W | PF_X },
		{ RAM_DA, f->ram, RAM_LEN, PF_R | PF_W | PF_X },
	};

	return test_mainline_dump(regions, ARRAY_SIZE(regions), len);
}

struct converted {
	struct test_mem_sink out;
	struct rpd_core *core;
	struct rpd_convert_result result;
};

static void convert(const uint8_t *dump_buf, size_t len,
		    const struct rpd_firmware *fw, struct converted *c)
{
	static const struct rpd_convert_info info = {
		.rproc_name = "m3",
		.firmware_name = "fw.elf",
		.crash_type = "fatal error",
		.crash_time = 1700000000,
	};
	struct rpd_devcd *dump;
	struct rpd_sink sink = test_mem_sink(&c->out);

	memset(c, 0, sizeof(*c));
	assert_int_equal(rpd_devcd_open_mem(dump_buf, len, "dump", &dump), 0);
	if (rpd_convert(dump, fw, &info, &sink, &c->result) < 0)
		fail_msg("rpd_convert: %s", rpd_error());
	rpd_devcd_free(dump);
	assert_int_equal(c->result.core_size, c->out.len);
	if (rpd_core_open_mem(c->out.buf, c->out.len, &c->core) < 0)
		fail_msg("reading the converted core: %s", rpd_error());
}

static void converted_free(struct converted *c)
{
	rpd_core_free(c->core);
	free(c->out.buf);
}

/* The core segment starting at vaddr, or NULL. */
static const struct rpd_segment *segment_at(const struct rpd_core *core,
					    uint64_t vaddr)
{
	for (size_t i = 0; i < rpd_core_nsegments(core); i++)
		if (rpd_core_segment(core, i)->vaddr == vaddr)
			return rpd_core_segment(core, i);
	return NULL;
}

struct differences {
	size_t n;
	size_t check;
	uint64_t addr;
	uint8_t expected, found;
};

static void note_difference(void *ctx, size_t check, uint64_t addr,
			    uint8_t expected, uint8_t found)
{
	struct differences *d = ctx;

	if (!d->n++) {
		d->check = check;
		d->addr = addr;
		d->expected = expected;
		d->found = found;
	}
}

/*
 * rpd_core_compare_firmware() compares every read-only byte of the
 * firmware the core holds: all of its read-only sections, each once where
 * load and run addresses agree. With bad_addr set, that byte alone differs
 * and holds found.
 */
static void check_compare(const struct fixture *f, const struct rpd_core *core,
			  uint64_t bad_addr, uint8_t found)
{
	size_t nro = rpd_firmware_nreadonly(f->fw);
	struct rpd_readonly_check checks[16];
	struct differences d = { 0 };
	uint64_t compared = 0, differing = 0, sizes = 0;
	int n;

	assert_true(nro > 0 && 2 * nro <= 16);
	n = rpd_core_compare_firmware(core, f->fw, checks, 16, note_difference,
				      &d);
	assert_true(n >= (int)nro);
	for (int i = 0; i < n; i++) {
		compared += checks[i].compared;
		differing += checks[i].differing;
		assert_int_equal(checks[i].compared, checks[i].section->size);
	}
	for (size_t i = 0; i < nro; i++)
		sizes +=
			rpd_firmware_readonly(f->fw, i)->size *
			(rpd_firmware_readonly(f->fw, i)->paddr ==
					 rpd_firmware_readonly(f->fw, i)->vaddr ?
				 1 :
				 2);
	assert_int_equal(compared, sizes);
	assert_int_equal(differing, d.n);
	if (!bad_addr) {
		assert_int_equal(d.n, 0);
		return;
	}
	assert_int_equal(d.n, 1);
	assert_int_equal(d.addr, bad_addr);
	assert_int_equal(d.found, found);
	assert_int_equal(d.expected, found ^ 0x40);
	assert_int_equal(checks[d.check].differing, 1);
	/* Too little room for the checks is an error, not a silent cut. */
	assert_int_equal(rpd_core_compare_firmware(core, f->fw, checks, 0, NULL,
						   NULL),
			 -ENOBUFS);
}

static void test_mirrors_firmware_segments(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len;
	uint8_t *dump = make_dump(f, &len);
	uint64_t counter, size;
	uint32_t value;

	convert(dump, len, f->fw, &c);
	assert_int_equal(c.result.firmware_match, RPD_FW_MATCH);
	assert_true(c.result.have_registers);
	assert_int_equal(rpd_core_ident(c.core)->machine, EM_ARM);

	/* Every firmware segment is there with its own addresses and flags. */
	for (size_t i = 0; i < rpd_firmware_nsegments(f->fw); i++) {
		const struct rpd_segment *fs = rpd_firmware_segment(f->fw, i);
		const struct rpd_segment *cs = segment_at(c.core, fs->vaddr);

		assert_non_null(cs);
		assert_int_equal(cs->paddr, fs->paddr);
		assert_int_equal(cs->memsz, fs->memsz);
		assert_int_equal(cs->filesz, fs->memsz);
		assert_int_equal(cs->flags, fs->flags);
	}

	/* .data reads as the running program left it, not as loaded. */
	assert_int_equal(rpd_firmware_symbol(f->fw, "counter", &counter, &size),
			 0);
	put_le32(f->ram + (counter - RAM_DA), 42);
	free(dump);
	converted_free(&c);
	dump = make_dump(f, &len);
	convert(dump, len, f->fw, &c);
	assert_int_equal(rpd_core_read(c.core, counter, &value, 4), 0);
	assert_int_equal(value, 42);

	/* The code is the firmware's, byte for byte. */
	check_compare(f, c.core, 0, 0);

	/* Every dumped byte is kept: the whole of both carveouts reads back. */
	for (uint32_t a = 0; a < CODE_LEN; a += 0x100) {
		uint8_t b;

		assert_int_equal(rpd_core_read(c.core, CODE_DA + a, &b, 1), 0);
		assert_int_equal(b, f->code[a]);
	}
	for (uint32_t a = 0; a < RAM_LEN; a += 0x10) {
		uint8_t b;

		assert_int_equal(rpd_core_read(c.core, RAM_DA + a, &b, 1), 0);
		assert_int_equal(b, f->ram[a]);
	}
	free(dump);
	converted_free(&c);
}

static void test_registers_and_notes(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len;
	uint8_t *dump = make_dump(f, &len);
	const struct rpd_note *n;

	convert(dump, len, f->fw, &c);

	/* One context, the crashed code's own: the record's interrupted
	 * registers, not the handler's. */
	n = rpd_core_find_note(c.core, "CORE", NT_PRSTATUS, 0);
	assert_non_null(n);
	assert_int_equal(n->descsz, 148);
	assert_int_equal(get_le32((const uint8_t *)n->desc + 24), 1);
	assert_int_equal(get_le32((const uint8_t *)n->desc + 72 + 15 * 4),
			 0x120);
	assert_int_equal(get_le32((const uint8_t *)n->desc + 72 + 14 * 4),
			 0x101);
	assert_int_equal(get_le32((const uint8_t *)n->desc + 72 + 13 * 4),
			 RAM_DA + 0x1f00);
	assert_int_equal(get_le32((const uint8_t *)n->desc + 72 + 4 * 4),
			 0x1004);
	assert_int_equal(get_le16((const uint8_t *)n->desc + 12),
			 8 /* SIGFPE */);
	assert_null(rpd_core_find_note(c.core, "CORE", NT_PRSTATUS, 1));
	assert_int_equal(rpd_core_nthreads(c.core), 1);
	{
		struct rpd_thread t;

		assert_int_equal(rpd_core_thread(c.core, 0, &t), 0);
		assert_int_equal(t.tid, 1);
		assert_int_equal(t.flags & RPD_THREAD_CRASHED,
				 RPD_THREAD_CRASHED);
		assert_int_equal(t.regs_known, 0x1ffff);
	}
	assert_string_equal(rpd_core_info(c.core, "registers"), "crash record");
	assert_string_equal(rpd_core_info(c.core, "format"), "2");
	assert_non_null(rpd_core_find_note(c.core, "CORE", NT_PRPSINFO, 0));
	assert_non_null(rpd_core_find_note(c.core, "GDB", NT_GDB_TDESC, 0));
	assert_non_null(rpd_core_find_note(c.core, RPD_NOTE_OWNER,
					   RPD_NT_CRASH_RECORD, 0));

	assert_string_equal(rpd_core_info(c.core, "name"), "m3");
	assert_string_equal(rpd_core_info(c.core, "firmware"), "fw.elf");
	assert_string_equal(rpd_core_info(c.core, "crash_type"), "fatal error");
	assert_string_equal(rpd_core_info(c.core, "crash_time"), "1700000000");
	assert_string_equal(rpd_core_info(c.core, "firmware_match"), "match");
	assert_string_equal(rpd_core_info(c.core, "layout"), "mainline");
	assert_string_equal(rpd_core_info(c.core, "crash_reason"),
			    "usagefault");
	assert_string_equal(rpd_core_info(c.core, "crash_message"),
			    "divide by zero");
	assert_string_equal(rpd_core_info(c.core, "truncated"), "0");

	/* Read back through the library, the contexts are what the notes'
	 * bytes hold (struct elf_prstatus: pid at 24, cursig at 12, r0-r15
	 * and cpsr from 72). */
	assert_int_equal(rpd_core_ncontexts(c.core), 1);
	for (size_t i = 0; i < 1; i++) {
		const uint8_t *d;
		struct rpd_context ctx;

		n = rpd_core_find_note(c.core, "CORE", NT_PRSTATUS, i);
		d = n->desc;
		assert_int_equal(rpd_core_context(c.core, i, &ctx), 0);
		assert_int_equal(ctx.tid, (int32_t)get_le32(d + 24));
		assert_int_equal(ctx.tid, (int32_t)i + 1);
		assert_int_equal(ctx.signal, (int16_t)get_le16(d + 12));
		for (int r = 0; r < 16; r++)
			assert_int_equal(ctx.regs.r[r],
					 get_le32(d + 72 + 4 * r));
		assert_int_equal(ctx.regs.xpsr, get_le32(d + 72 + 64));
	}
	{
		struct rpd_context ctx;

		assert_int_equal(rpd_core_context(c.core, 2, &ctx), -ENOENT);
	}
	free(dump);
	converted_free(&c);
}

/* The segment map says where each core segment came from. */
static void test_segment_map(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len, mirrored = 0, undescribed = 0;
	uint8_t *dump = make_dump(f, &len);
	const struct rpd_note *n;

	convert(dump, len, f->fw, &c);
	n = rpd_core_find_note(c.core, RPD_NOTE_OWNER, RPD_NT_SEGMAP, 0);
	assert_non_null(n);
	assert_int_equal(n->descsz % 40, 0);
	for (size_t i = 0; i < n->descsz / 40; i++) {
		const uint8_t *e = (const uint8_t *)n->desc + 40 * i;
		int32_t fwi = (int32_t)get_le32(e + 4);
		uint32_t flags = get_le32(e + 32);

		if (fwi >= 0) {
			const struct rpd_segment *fs =
				rpd_firmware_segment(f->fw, (size_t)fwi);

			assert_int_equal(get_le64(e + 8), fs->vaddr);
			assert_int_equal(get_le64(e + 16), fs->vaddr);
			assert_int_equal(flags, 1u /* from firmware */);
			mirrored++;
		} else {
			assert_int_equal(flags, 8u /* undescribed */);
			undescribed++;
		}
	}
	assert_int_equal(mirrored, rpd_firmware_nsegments(f->fw));
	/* Code after the image, RAM around .data/.bss: at least two. */
	assert_true(undescribed >= 2);
	assert_int_equal(rpd_core_nsegments(c.core), mirrored + undescribed);

	/* The library's reading of the note is the bytes' (rproc-core(5)). */
	assert_int_equal(rpd_core_nsegmap(c.core), n->descsz / 40);
	for (size_t i = 0; i < n->descsz / 40; i++) {
		const uint8_t *e = (const uint8_t *)n->desc + 40 * i;
		struct rpd_segmap_entry m;

		assert_int_equal(rpd_core_segmap(c.core, i, &m), 0);
		assert_int_equal(m.load_index, get_le32(e));
		assert_int_equal(m.firmware_index, (int32_t)get_le32(e + 4));
		assert_int_equal(m.vaddr, get_le64(e + 8));
		assert_int_equal(m.source_da, get_le64(e + 16));
		assert_int_equal(m.size, get_le64(e + 24));
		assert_int_equal(m.flags, get_le32(e + 32));
	}
	{
		struct rpd_segmap_entry m;

		assert_int_equal(rpd_core_segmap(c.core, n->descsz / 40, &m),
				 -ENOENT);
	}
	free(dump);
	converted_free(&c);
}

static void test_corrupted_code(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len;
	uint8_t *dump = make_dump(f, &len);
	const size_t hdr = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr);

	dump[hdr + 0x10] ^= 0x40; /* one flipped bit in the code */
	convert(dump, len, f->fw, &c);
	assert_int_equal(c.result.firmware_match, RPD_FW_CORRUPTED);
	assert_string_equal(rpd_core_info(c.core, "firmware_match"),
			    "corrupted");
	assert_string_equal(rpd_core_info(c.core, "firmware_differing_bytes"),
			    "1");
	assert_true(c.result.have_registers);

	/* The core against its firmware: that byte, and no other. */
	check_compare(f, c.core, CODE_DA + 0x10, f->code[0x10] ^ 0x40);
	free(dump);
	converted_free(&c);
}

/* Firmware of another build: its layout would lie, the dump stays as is. */
static void test_other_build(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len;
	uint8_t *dump = make_dump(f, &len);
	const size_t hdr = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr);
	const struct rpd_segment *text = rpd_firmware_segment(f->fw, 0);

	for (size_t i = 0; i < text->filesz; i++)
		dump[hdr + i] = (uint8_t)(i * 7 + 3);
	convert(dump, len, f->fw, &c);
	assert_int_equal(c.result.firmware_match, RPD_FW_MISMATCH);
	assert_false(c.result.have_registers);
	assert_int_equal(rpd_core_nsegments(c.core), 2);
	assert_int_equal(rpd_core_segment(c.core, 0)->vaddr, CODE_DA);
	assert_int_equal(rpd_core_segment(c.core, 1)->vaddr, RAM_DA);
	assert_null(rpd_core_find_note(c.core, "CORE", NT_PRSTATUS, 0));
	assert_non_null(strstr(rpd_core_info(c.core, "registers"), "none"));
	free(dump);
	converted_free(&c);
}

static void test_missing_firmware(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len;
	uint8_t *dump = make_dump(f, &len);

	convert(dump, len, NULL, &c);
	assert_int_equal(c.result.firmware_match, RPD_FW_MISSING);
	assert_int_equal(rpd_core_nsegments(c.core), 2);
	assert_int_equal(rpd_core_ident(c.core)->machine, EM_NONE);
	assert_string_equal(rpd_core_info(c.core, "firmware_match"), "missing");
	free(dump);
	converted_free(&c);
}

/* The kernel deleted the dump while it was read: keep what arrived. */
static void test_truncated_dump(void **state)
{
	struct fixture *f = *state;
	struct converted c;
	size_t len, cut, npartial = 0;
	uint8_t *dump = make_dump(f, &len);
	const size_t hdr = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr);
	const struct rpd_segment *bss = NULL;
	const struct rpd_note *n;

	for (size_t i = 0; i < rpd_firmware_nsegments(f->fw); i++)
		if (!rpd_firmware_segment(f->fw, i)->filesz)
			bss = rpd_firmware_segment(f->fw, i);
	assert_non_null(bss);
	/* Cut the file 8 bytes into .bss. */
	cut = hdr + CODE_LEN + (bss->vaddr - RAM_DA) + 8;
	convert(dump, cut, f->fw, &c);
	assert_true(c.result.truncated);
	assert_string_equal(rpd_core_info(c.core, "truncated"), "1");
	n = rpd_core_find_note(c.core, RPD_NOTE_OWNER, RPD_NT_SEGMAP, 0);
	assert_non_null(n);
	for (size_t i = 0; i < n->descsz / 40; i++) {
		const uint8_t *e = (const uint8_t *)n->desc + 40 * i;

		if (get_le32(e + 32) & 2u /* partial */) {
			assert_int_equal(get_le64(e + 8), bss->vaddr);
			assert_int_equal(get_le64(e + 24), 8);
			npartial++;
		}
	}
	assert_int_equal(npartial, 1);
	/* The bytes before the cut are all there. */
	assert_int_equal(rpd_core_read(c.core, bss->vaddr, &len, 8), 0);
	assert_int_equal(rpd_core_read(c.core, bss->vaddr + 8, &len, 1),
			 -ENOENT);
	free(dump);
	converted_free(&c);
}

static void test_sink_error(void **state)
{
	struct fixture *f = *state;
	struct test_mem_sink full = { .fail_with = -ENOSPC };
	struct rpd_sink sink = test_mem_sink(&full);
	struct rpd_devcd *dump;
	size_t len;
	uint8_t *buf = make_dump(f, &len);

	assert_int_equal(rpd_devcd_open_mem(buf, len, "dump", &dump), 0);
	assert_int_equal(rpd_convert(dump, f->fw, NULL, &sink, NULL), -ENOSPC);
	assert_true(strlen(rpd_error()) > 0);
	rpd_devcd_free(dump);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirrors_firmware_segments),
		cmocka_unit_test(test_registers_and_notes),
		cmocka_unit_test(test_segment_map),
		cmocka_unit_test(test_corrupted_code),
		cmocka_unit_test(test_other_build),
		cmocka_unit_test(test_missing_firmware),
		cmocka_unit_test(test_truncated_dump),
		cmocka_unit_test(test_sink_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
