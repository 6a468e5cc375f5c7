// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_firmware.c - rpd_firmware_* on real Cortex-M images.
 *
 * The images are built at test time with arm-none-eabi-gcc from the sources
 * below: a resource table with trace, carveout, unknown-vendor and crash
 * record entries, .data loaded from flash (LMA != VMA), a global that
 * shadows a static of the same name; and one ELF64 image for the host.
 * Expected values come from binutils' readelf, not from the code under
 * test. Malformed images are made by patching bytes of the good one.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

static const char fw_main_c[] =
	"#include <stdint.h>\n"
	"#define RSC_CARVEOUT 0\n"
	"#define RSC_TRACE 2\n"
	"#define RSC_UNKNOWN_VENDOR 200\n"
	"#define RPROC_RSC_CRASH_RECORD 210\n"
	"struct rsc_trace { uint32_t type, da, len, reserved; char name[32]; };\n"
	"struct rsc_carveout { uint32_t type, da, pa, len, flags, reserved;\n"
	"		      char name[32]; };\n"
	"struct rsc_vendor { uint32_t type, word[2]; };\n"
	"struct table {\n"
	"	uint32_t ver, num, reserved[2], offset[NUM];\n"
	"	struct rsc_carveout carveout;\n"
	"	struct rsc_trace trace0;\n"
	"	struct rsc_vendor vendor;\n"
	"	struct rsc_trace trace1;\n"
	"#ifdef CRASH_RSC\n"
	"	struct rsc_trace crash;\n"
	"#endif\n"
	"};\n"
	"#define OFF(m) __builtin_offsetof(struct table, m)\n"
	"char trace_buf0[1024];\n"
	"char trace_buf1[256];\n"
	"uint8_t crash_slot[256];\n"
	"uint8_t rproc_crash_record[188] __attribute__((aligned(4)));\n"
	"uint32_t counter = 0x12345678;\n"
	"uint32_t data_words[4] = { 0x11111111, 0x22222222, 0x33333333,\n"
	"			   0x44444444 };\n"
	"const char banner[] = \"rprocdump test firmware\";\n"
	"__attribute__((section(\".resource_table\"), used))\n"
	"const struct table resource_table = {\n"
	"	.ver = 1, .num = NUM,\n"
	"	.offset = { OFF(carveout), OFF(trace0), OFF(vendor), OFF(trace1),\n"
	"#ifdef CRASH_RSC\n"
	"		    OFF(crash),\n"
	"#endif\n"
	"	},\n"
	"	.carveout = { RSC_CARVEOUT, 0x20000000, 0, 0x10000, 0, 0, \"ram\" },\n"
	"	.trace0 = { RSC_TRACE, (uint32_t)trace_buf0, sizeof(trace_buf0),\n"
	"		    0, \"trace0\" },\n"
	"	.vendor = { RSC_UNKNOWN_VENDOR, { 1, 2 } },\n"
	"	/* 32 characters: no room for a NUL in the entry */\n"
	"	.trace1 = { RSC_TRACE, (uint32_t)trace_buf1, sizeof(trace_buf1),\n"
	"		    0, \"abcdefghijklmnopqrstuvwxyz012345\" },\n"
	"#ifdef CRASH_RSC\n"
	"	.crash = { RPROC_RSC_CRASH_RECORD, (uint32_t)crash_slot,\n"
	"		   sizeof(crash_slot), 0, \"crash\" },\n"
	"#endif\n"
	"};\n"
	"extern void tick(void);\n"
	"void reset(void)\n"
	"{\n"
	"	for (;;) {\n"
	"		counter += data_words[counter & 3] + banner[counter & 7];\n"
	"		tick();\n"
	"	}\n"
	"}\n";

/* A static with the same name as the global in fw_main.c. */
static const char fw_other_c[] =
	"#include <stdint.h>\n"
	"static uint32_t counter __attribute__((used)) = 0xdeadbeef;\n"
	"void tick(void) { counter++; }\n";

static const char fw_ld[] =
	"ENTRY(reset)\n"
	"MEMORY {\n"
	"	FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 256K\n"
	"	RAM (rwx)  : ORIGIN = 0x20000000, LENGTH = 64K\n"
	"}\n"
	"SECTIONS {\n"
	"	.text : { *(.text*) *(.rodata*) } > FLASH\n"
	"	.resource_table : { KEEP(*(.resource_table)) } > FLASH\n"
	"	.note.gnu.build-id : { KEEP(*(.note.gnu.build-id)) } > FLASH\n"
	"	.data : { *(.data*) } > RAM AT > FLASH\n"
	"	.bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM\n"
	"}\n"
	"stack_size = 0x400; /* an absolute symbol */\n";

/* ELF64 firmware: built for the host, the only 64-bit compiler at hand. */
static const char fw64_c[] =
	"#include <stdint.h>\n"
	"struct rsc_trace { uint32_t type, da, len, reserved; char name[32]; };\n"
	"struct table { uint32_t ver, num, reserved[2], offset[1];\n"
	"		struct rsc_trace trace; };\n"
	"__attribute__((section(\".resource_table\"), used))\n"
	"const struct table resource_table = {\n"
	"	1, 1, { 0, 0 }, { __builtin_offsetof(struct table, trace) },\n"
	"	{ 2, 0x1000, 64, 0, \"trace64\" } };\n"
	"uint64_t value64 = 0x1122334455667788;\n"
	"void reset(void) { for (;;) value64++; }\n";

static struct {
	char *dir;
	char *fw;	  /* with the crash record resource entry */
	char *fw_nocrash; /* without: found through the symbol */
	uint8_t *image;	  /* contents of fw */
	size_t size;
} t;

/* ---- binutils as the reference ---------------------------------------- */

static int build(const char *out, const char *defines)
{
	char *log = test_capture(
		"cd %s && arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -O1 -g "
		"-nostdlib -ffreestanding -Wl,--build-id=sha1 -T fw.ld %s "
		"-o %s fw_main.c fw_other.c 2>&1",
		t.dir, defines, out);

	if (!log)
		return -1;
	free(log);
	return 0;
}

static int setup(void **state)
{
	char *version = test_capture("arm-none-eabi-gcc --version 2>&1");

	if (!version) {
		fprintf(stderr,
			"arm-none-eabi-gcc is missing: install gcc-arm-none-eabi; the firmware tests need real images\n");
		return -1;
	}
	free(version);

	t.dir = test_tmpdir("test_firmware");
	free(test_write_file(t.dir, "fw_main.c", fw_main_c, strlen(fw_main_c)));
	free(test_write_file(t.dir, "fw_other.c", fw_other_c,
			     strlen(fw_other_c)));
	free(test_write_file(t.dir, "fw.ld", fw_ld, strlen(fw_ld)));
	if (build("fw.elf", "-DNUM=5 -DCRASH_RSC") < 0 ||
	    build("fw-nocrash.elf", "-DNUM=4") < 0) {
		fprintf(stderr, "cannot build the test firmware in %s\n",
			t.dir);
		return -1;
	}
	if (asprintf(&t.fw, "%s/fw.elf", t.dir) < 0 ||
	    asprintf(&t.fw_nocrash, "%s/fw-nocrash.elf", t.dir) < 0)
		return -1;
	t.image = test_read_file(t.fw, &t.size);
	return t.image ? 0 : -1;
}

static int teardown(void **state)
{
	if (t.dir)
		test_rmtree(t.dir);
	free(t.dir);
	free(t.fw);
	free(t.fw_nocrash);
	free(t.image);
	return 0;
}

/* The value of a symbol as readelf prints it (nm clears the Thumb bit). */
static uint64_t elf_symbol(const char *path, const char *name, bool global,
			   uint64_t *size)
{
	char *out = test_capture("arm-none-eabi-readelf -sW %s", path);
	unsigned long long value = 0, sz = 0;
	bool found = false;

	assert_non_null(out);
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char type[16], bind[16], n[256];

		if (sscanf(line, " %*u: %llx %llu %15s %15s %*s %*s %255s",
			   &value, &sz, type, bind, n) == 5 &&
		    !strcmp(n, name) &&
		    !strcmp(bind, global ? "GLOBAL" : "LOCAL")) {
			found = true;
			break;
		}
	}
	free(out);
	assert_true(found);
	if (size)
		*size = sz;
	return value;
}

/* The file offset and size of a section, as readelf prints them. */
static void readelf_section(const char *name, uint64_t *off, uint64_t *size)
{
	char *out = test_capture("arm-none-eabi-readelf -SW %s", t.fw);
	bool found = false;

	assert_non_null(out);
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strchr(line, ']'), n[64], type[32];
		unsigned long long addr, o, s;

		if (p &&
		    sscanf(p + 1, "%63s %31s %llx %llx %llx", n, type, &addr,
			   &o, &s) == 5 &&
		    !strcmp(n, name)) {
			*off = o;
			*size = s;
			found = true;
			break;
		}
	}
	free(out);
	assert_true(found);
}

/* ---- a good image -------------------------------------------------------- */

static void test_ident_and_segments(void **state)
{
	struct rpd_firmware *fw = NULL;
	char *out;
	size_t n = 0;

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);
	assert_string_equal(rpd_firmware_path(fw), t.fw);
	assert_int_equal(rpd_firmware_ident(fw)->elf_class, 1 /* ELF32 */);
	assert_int_equal(rpd_firmware_ident(fw)->machine, 40 /* EM_ARM */);
	assert_int_equal(rpd_firmware_ident(fw)->entry,
			 elf_symbol(t.fw, "reset", true, NULL));

	/* Every LOAD readelf shows, in order, field by field. */
	out = test_capture("arm-none-eabi-readelf -lW %s", t.fw);
	assert_non_null(out);
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long off, va, pa, fsz, msz;
		const struct rpd_segment *seg;

		if (sscanf(line, " LOAD %llx %llx %llx %llx %llx", &off, &va,
			   &pa, &fsz, &msz) != 5)
			continue;
		seg = rpd_firmware_segment(fw, n++);
		assert_non_null(seg);
		assert_int_equal(seg->offset, off);
		assert_int_equal(seg->vaddr, va);
		assert_int_equal(seg->paddr, pa);
		assert_int_equal(seg->filesz, fsz);
		assert_int_equal(seg->memsz, msz);
	}
	free(out);
	assert_int_equal(n, 2);
	assert_int_equal(rpd_firmware_nsegments(fw), n);
	assert_null(rpd_firmware_segment(fw, n));

	/* .data runs in RAM but is loaded from flash. */
	assert_int_equal(rpd_firmware_segment(fw, 1)->vaddr, 0x20000000);
	assert_int_not_equal(rpd_firmware_segment(fw, 1)->paddr, 0x20000000);
	rpd_firmware_free(fw);
}

static void test_build_id(void **state)
{
	struct rpd_firmware *fw = NULL;
	char *out, *hex, expected[128] = "", got[128] = "";
	const uint8_t *id;
	size_t len;

	out = test_capture("arm-none-eabi-readelf -n %s", t.fw);
	assert_non_null(out);
	hex = strstr(out, "Build ID: ");
	assert_non_null(hex);
	sscanf(hex + strlen("Build ID: "), "%127s", expected);
	free(out);

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);
	assert_int_equal(rpd_firmware_build_id(fw, &id, &len), 0);
	assert_int_equal(len, 20);
	for (size_t i = 0; i < len; i++)
		sprintf(got + 2 * i, "%02x", id[i]);
	assert_string_equal(got, expected);

	/* As hex, and the one check against a recorded one, in any case. */
	assert_string_equal(rpd_firmware_build_id_hex(fw), expected);
	assert_int_equal(rpd_firmware_check_build_id(fw, expected),
			 RPD_BUILD_ID_MATCH);
	for (char *p = expected; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	assert_int_equal(rpd_firmware_check_build_id(fw, expected),
			 RPD_BUILD_ID_MATCH);
	expected[0] = expected[0] == '0' ? '1' : '0';
	assert_int_equal(rpd_firmware_check_build_id(fw, expected),
			 RPD_BUILD_ID_MISMATCH);
	expected[strlen(expected) - 1] = '\0';
	assert_int_equal(rpd_firmware_check_build_id(fw, expected),
			 RPD_BUILD_ID_MISMATCH);
	assert_int_equal(rpd_firmware_check_build_id(fw, NULL),
			 RPD_BUILD_ID_UNRECORDED);
	assert_int_equal(rpd_firmware_check_build_id(fw, ""),
			 RPD_BUILD_ID_UNRECORDED);
	rpd_firmware_free(fw);
}

/* By address: the function or object that holds it, Thumb bit cleared;
 * labels only where nothing sized does; never an absolute symbol. By
 * source file: the static of that file, matched by whole components. */
static void test_symbols_by_address_and_file(void **state)
{
	const struct rpd_symbol *sym;
	struct rpd_firmware *fw = NULL;
	uint64_t tick, words, words_size, local, value, size;

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);
	tick = elf_symbol(t.fw, "tick", true, NULL);
	assert_int_equal(rpd_firmware_symbol_at(fw, (tick & ~1ull) + 2, &sym),
			 0);
	assert_string_equal(sym->name, "tick");
	assert_int_equal(sym->value, tick);
	assert_int_equal(sym->addr, tick & ~1ull);
	assert_int_equal(sym->type, 2 /* STT_FUNC */);
	assert_true(sym->global);
	assert_null(sym->file);

	words = elf_symbol(t.fw, "data_words", true, &words_size);
	assert_int_equal(rpd_firmware_symbol_at(fw, words + 4, &sym), 0);
	assert_string_equal(sym->name, "data_words");
	assert_int_equal(sym->size, words_size);
	assert_int_equal(sym->addr, words);

	/* An absolute symbol is found by name, never by address. */
	assert_int_equal(rpd_firmware_symbol(fw, "stack_size", &value, &size),
			 0);
	assert_int_equal(value, 0x400);
	if (rpd_firmware_symbol_at(fw, 0x400, &sym) == 0)
		assert_string_not_equal(sym->name, "stack_size");

	/* Nothing below the first symbol. */
	assert_int_equal(rpd_firmware_symbol_at(fw, 0x10000000, &sym), -ENOENT);

	local = elf_symbol(t.fw, "counter", false, NULL);
	assert_int_equal(rpd_firmware_symbol_in_file(fw, "counter",
						     "fw_other.c", &sym),
			 0);
	assert_int_equal(sym->value, local);
	assert_false(sym->global);
	assert_true(path_endswith(sym->file, "fw_other.c"));
	/* The global "counter" belongs to no file; "other.c" is not a
	 * whole component of "fw_other.c". */
	assert_int_equal(rpd_firmware_symbol_in_file(fw, "counter", "fw_main.c",
						     &sym),
			 -ENOENT);
	assert_int_equal(rpd_firmware_symbol_in_file(fw, "counter", "other.c",
						     &sym),
			 -ENOENT);
	assert_non_null(strstr(rpd_error(), "no symbol counter in other.c"));
	rpd_firmware_free(fw);
}

static void test_symbols(void **state)
{
	struct rpd_firmware *fw = NULL;
	uint64_t addr, size, ref_size;

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);

	assert_int_equal(rpd_firmware_symbol(fw, "data_words", &addr, &size),
			 0);
	assert_int_equal(addr, elf_symbol(t.fw, "data_words", true, &ref_size));
	assert_int_equal(size, ref_size);
	assert_int_equal(size, 16);

	/* Thumb functions keep bit 0. */
	assert_int_equal(rpd_firmware_symbol(fw, "tick", &addr, &size), 0);
	assert_int_equal(addr, elf_symbol(t.fw, "tick", true, NULL));
	assert_true(addr & 1);

	/* The global wins over fw_other.c's static "counter". */
	assert_int_equal(rpd_firmware_symbol(fw, "counter", &addr, &size), 0);
	assert_int_equal(addr, elf_symbol(t.fw, "counter", true, NULL));
	assert_int_not_equal(addr, elf_symbol(t.fw, "counter", false, NULL));

	assert_int_equal(rpd_firmware_symbol(fw, "no_such_symbol", &addr,
					     &size),
			 -ENOENT);
	assert_non_null(strstr(rpd_error(), "no symbol no_such_symbol"));
	assert_int_equal(rpd_firmware_symbol(fw, "", &addr, &size), -ENOENT);
	rpd_firmware_free(fw);
}

static void test_read(void **state)
{
	struct rpd_firmware *fw = NULL;
	uint64_t addr, size;
	uint8_t buf[32];

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);

	/* .data: the initial values, at their RAM address. */
	assert_int_equal(rpd_firmware_symbol(fw, "counter", &addr, &size), 0);
	assert_int_equal(rpd_firmware_read(fw, addr, buf, 4), 0);
	assert_int_equal(get_le32(buf), 0x12345678);
	assert_int_equal(rpd_firmware_symbol(fw, "data_words", &addr, &size),
			 0);
	assert_int_equal(rpd_firmware_read(fw, addr + 8, buf, 8), 0);
	assert_int_equal(get_le32(buf), 0x33333333);
	assert_int_equal(get_le32(buf + 4), 0x44444444);

	/* .rodata in flash. */
	assert_int_equal(rpd_firmware_symbol(fw, "banner", &addr, &size), 0);
	assert_int_equal(size, sizeof("rprocdump test firmware"));
	assert_int_equal(rpd_firmware_read(fw, addr, buf, size), 0);
	assert_string_equal((char *)buf, "rprocdump test firmware");

	/* .bss has no bytes in the file. */
	assert_int_equal(rpd_firmware_symbol(fw, "trace_buf0", &addr, &size),
			 0);
	assert_int_equal(rpd_firmware_read(fw, addr, buf, 4), -ENOENT);
	assert_non_null(strstr(rpd_error(), "no file contents at address"));
	/* Nor has unmapped memory, nor a range running past a segment. */
	assert_int_equal(rpd_firmware_read(fw, 0x10000000, buf, 1), -ENOENT);
	assert_int_equal(rpd_firmware_read(fw, UINT64_MAX - 2, buf, 8),
			 -ENOENT);
	rpd_firmware_free(fw);
}

static void test_resource_table(void **state)
{
	struct rpd_firmware *fw = NULL;
	const struct rpd_trace_desc *tr;
	uint64_t da, len;

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);
	/* The carveout and the unknown vendor entry are skipped. */
	assert_int_equal(rpd_firmware_ntraces(fw), 2);

	tr = rpd_firmware_trace(fw, 0);
	assert_non_null(tr);
	assert_string_equal(tr->name, "trace0");
	assert_int_equal(tr->da, elf_symbol(t.fw, "trace_buf0", true, NULL));
	assert_int_equal(tr->len, 1024);

	tr = rpd_firmware_trace(fw, 1);
	assert_non_null(tr);
	assert_string_equal(tr->name, "abcdefghijklmnopqrstuvwxyz012345");
	assert_int_equal(tr->da, elf_symbol(t.fw, "trace_buf1", true, NULL));
	assert_int_equal(tr->len, 256);
	assert_null(rpd_firmware_trace(fw, 2));

	/* The resource entry wins over the symbol. */
	assert_int_equal(rpd_firmware_crash_record(fw, &da, &len), 0);
	assert_int_equal(da, elf_symbol(t.fw, "crash_slot", true, NULL));
	assert_int_equal(len, 256);
	rpd_firmware_free(fw);
}

static void test_elf64(void **state)
{
	struct rpd_firmware *fw = NULL;
	uint64_t addr, size;
	const uint8_t *id;
	uint8_t buf[8];
	char *path, *log;

	free(test_write_file(t.dir, "fw64.c", fw64_c, strlen(fw64_c)));
	log = test_capture(
		"cd %s && cc -O1 -nostdlib -static -no-pie -Wl,-e,reset "
		"-Wl,--build-id=sha1 -o fw64.elf fw64.c 2>&1",
		t.dir);
	if (!log)
		fail_msg("cannot build an ELF64 firmware with the host cc");
	free(log);
	if (asprintf(&path, "%s/fw64.elf", t.dir) < 0)
		fail();

	assert_int_equal(rpd_firmware_open(path, &fw), 0);
	assert_int_equal(rpd_firmware_ident(fw)->elf_class, 2 /* ELF64 */);
	assert_true(rpd_firmware_nsegments(fw) >= 2);
	assert_int_equal(rpd_firmware_build_id(fw, &id, &size), 0);
	assert_int_equal(size, 20);
	assert_int_equal(rpd_firmware_ntraces(fw), 1);
	assert_string_equal(rpd_firmware_trace(fw, 0)->name, "trace64");
	assert_int_equal(rpd_firmware_trace(fw, 0)->da, 0x1000);
	assert_int_equal(rpd_firmware_symbol(fw, "value64", &addr, &size), 0);
	assert_int_equal(size, 8);
	assert_int_equal(rpd_firmware_read(fw, addr, buf, 8), 0);
	assert_int_equal(get_le64(buf), 0x1122334455667788);
	rpd_firmware_free(fw);
	free(path);
}

static void test_crash_record_symbol(void **state)
{
	struct rpd_firmware *fw = NULL;
	uint64_t da, len;

	assert_int_equal(rpd_firmware_open(t.fw_nocrash, &fw), 0);
	assert_int_equal(rpd_firmware_ntraces(fw), 2);
	assert_int_equal(rpd_firmware_crash_record(fw, &da, &len), 0);
	assert_int_equal(da, elf_symbol(t.fw_nocrash, "rproc_crash_record",
					true, NULL));
	assert_int_equal(len, 188);
	rpd_firmware_free(fw);
}

/* ---- degraded and malformed images ------------------------------------ */

/* A copy of the good image, to patch. */
static uint8_t *image_copy(void)
{
	uint8_t *copy = malloc(t.size);

	assert_non_null(copy);
	memcpy(copy, t.image, t.size);
	return copy;
}

/* Opens a patched image; expects failure with err and a message. */
static void expect_open_error(const uint8_t *image, size_t size, int err,
			      const char *message)
{
	struct rpd_firmware *fw = NULL;

	test_assert_error(rpd_firmware_open_mem(image, size, "fw.elf", &fw),
			  err, message);
	assert_null(fw);
}

/* Offset of program header i of the (ELF32) image. */
static size_t phdr(const uint8_t *image, size_t i)
{
	return get_le32(image + 28) + 32 * i;
}

static void test_no_section_headers(void **state)
{
	_cleanup_free_ uint8_t *image = image_copy();
	struct rpd_firmware *fw = NULL;
	const uint8_t *id;
	uint64_t da, len;
	size_t id_len;

	put_le32(image + 32, 0); /* e_shoff */
	put_le16(image + 48, 0); /* e_shnum */
	put_le16(image + 50, 0); /* e_shstrndx */
	assert_int_equal(rpd_firmware_open_mem(image, t.size, "fw.elf", &fw),
			 0);
	assert_int_equal(rpd_firmware_nsegments(fw), 2);
	/* The PT_NOTE still gives the build-id. */
	assert_int_equal(rpd_firmware_build_id(fw, &id, &id_len), 0);
	assert_int_equal(rpd_firmware_ntraces(fw), 0);
	assert_int_equal(rpd_firmware_crash_record(fw, &da, &len), -ENOENT);
	assert_non_null(strstr(rpd_error(), "fw.elf: has no crash record"));
	rpd_firmware_free(fw);
}

static void test_build_id_from_section(void **state)
{
	_cleanup_free_ uint8_t *image = image_copy();
	struct rpd_firmware *fw = NULL;
	const uint8_t *id, *expected;
	size_t len, i;

	assert_int_equal(rpd_firmware_open(t.fw, &fw), 0);
	assert_int_equal(rpd_firmware_build_id(fw, &expected, &len), 0);
	expected = memcpy(malloc(len), expected, len);
	rpd_firmware_free(fw);

	/* Hide the PT_NOTE: the SHT_NOTE section remains. */
	for (i = 0; get_le32(image + phdr(image, i)) != 4 /* PT_NOTE */; i++)
		assert_true(i < 8);
	put_le32(image + phdr(image, i), 0);
	assert_int_equal(rpd_firmware_open_mem(image, t.size, "fw.elf", &fw),
			 0);
	assert_int_equal(rpd_firmware_build_id(fw, &id, &len), 0);
	assert_memory_equal(id, expected, len);
	rpd_firmware_free(fw);
	free((void *)expected);

	/* And without either there is no build-id. */
	put_le32(image + 32, 0);
	put_le16(image + 48, 0);
	put_le16(image + 50, 0);
	assert_int_equal(rpd_firmware_open_mem(image, t.size, "fw.elf", &fw),
			 0);
	assert_int_equal(rpd_firmware_build_id(fw, &id, &len), -ENOENT);
	assert_null(rpd_firmware_build_id_hex(fw));
	assert_int_equal(rpd_firmware_check_build_id(fw, "0011"),
			 RPD_BUILD_ID_ABSENT);
	rpd_firmware_free(fw);
}

static void test_not_elf(void **state)
{
	struct rpd_firmware *fw = NULL;
	char *path;

	expect_open_error((const uint8_t *)"hello, world", 12, -EINVAL,
			  "fw.elf: not an ELF file");
	expect_open_error(t.image, 0, -EINVAL, "fw.elf: not an ELF file");

	path = test_write_file(t.dir, "text.elf", "#!/bin/sh\n", 10);
	assert_int_equal(rpd_firmware_open(path, &fw), -EINVAL);
	assert_non_null(strstr(rpd_error(), "text.elf: not an ELF file"));
	free(path);

	assert_int_equal(rpd_firmware_open("/nonexistent/fw.elf", &fw),
			 -ENOENT);
	assert_non_null(strstr(rpd_error(), "/nonexistent/fw.elf: "));
}

static void test_big_endian(void **state)
{
	_cleanup_free_ uint8_t *image = image_copy();

	image[5] = 2; /* EI_DATA = ELFDATA2MSB */
	expect_open_error(
		image, t.size, -EINVAL,
		"fw.elf: is big-endian; remoteproc firmware must be little-endian");
	image[5] = 1;
	image[4] = 3; /* EI_CLASS */
	expect_open_error(image, t.size, -EINVAL,
			  "fw.elf: ELF class 3 is not supported");
}

static void test_truncated(void **state)
{
	const uint8_t *seg1 = t.image + phdr(t.image, 1);

	/* Inside the program header table. */
	expect_open_error(
		t.image, 100, -EINVAL,
		"fw.elf: 3 program headers at 0x34 exceed file size 0x64");
	/* Inside the second segment's data. */
	expect_open_error(t.image, get_le32(seg1 + 4) + 2, -EINVAL,
			  "fw.elf: program header 1: file range 0x2000+0x");
	/* Inside the ELF header. */
	expect_open_error(t.image, 40, -EINVAL, "fw.elf: ");
}

static void test_bad_phdrs(void **state)
{
	_cleanup_free_ uint8_t *image = image_copy();
	size_t ph0 = phdr(image, 0), ph1 = phdr(image, 1);
	char msg[128];

	put_le32(image + ph0 + 4, 0x7fffff00); /* p_offset */
	snprintf(
		msg, sizeof(msg),
		"fw.elf: program header 0: file range 0x7fffff00+0x%x exceeds file size 0x%zx",
		get_le32(image + ph0 + 16), t.size);
	expect_open_error(image, t.size, -EINVAL, msg);
	memcpy(image, t.image, t.size);

	put_le32(image + ph0 + 20, get_le32(image + ph0 + 16) - 1); /* memsz */
	expect_open_error(image, t.size, -EINVAL,
			  "fw.elf: program header 0: file size 0x");
	memcpy(image, t.image, t.size);

	put_le32(image + ph1 + 8, 0x10); /* .data's vaddr into flash */
	expect_open_error(image, t.size, -EINVAL, "overlap");
	memcpy(image, t.image, t.size);

	put_le32(image + ph1 + 8, 0xfffffff0); /* wraps at 4 GiB */
	expect_open_error(image, t.size, -EINVAL, "wraps around");
	memcpy(image, t.image, t.size);

	put_le16(image + 44, 0); /* e_phnum */
	expect_open_error(image, t.size, -EINVAL,
			  "fw.elf: has no program headers");
	put_le16(image + 44, 0xffff);
	expect_open_error(image, t.size, -EINVAL, "too many program headers");
}

static void test_bad_resource_table(void **state)
{
	_cleanup_free_ uint8_t *image = image_copy();
	uint64_t off = 0, size = 0;
	uint8_t *rt;

	readelf_section(".resource_table", &off, &size);
	rt = image + off;

	put_le32(rt, 2); /* ver */
	expect_open_error(
		image, t.size, -EINVAL,
		"fw.elf: .resource_table: version 2 is not supported");
	memcpy(image, t.image, t.size);

	put_le32(rt + 12, 1); /* reserved[1] */
	expect_open_error(image, t.size, -EINVAL, "non-zero reserved");
	memcpy(image, t.image, t.size);

	put_le32(rt + 4, 1000); /* num */
	expect_open_error(image, t.size, -EINVAL,
			  "1000 entry offsets do not fit");
	memcpy(image, t.image, t.size);

	put_le32(rt + 16 + 4 * 1, (uint32_t)size); /* offset[1] */
	expect_open_error(image, t.size, -EINVAL,
			  ".resource_table: entry 1: offset 0x");
	put_le32(rt + 16 + 4 * 1, 8); /* inside the header */
	expect_open_error(image, t.size, -EINVAL,
			  "entry 1: offset 0x8 is outside the table");
	put_le32(rt + 16 + 4 * 1, (uint32_t)size - 4); /* no body */
	expect_open_error(image, t.size, -EINVAL,
			  "is truncated (0 bytes left in the table)");
	memcpy(image, t.image, t.size);

	/* trace0.reserved */
	put_le32(rt + get_le32(rt + 16 + 4 * 1) + 12, 1);
	expect_open_error(
		image, t.size, -EINVAL,
		"entry 1: trace resource has non-zero reserved bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident_and_segments),
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_symbols_by_address_and_file),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_resource_table),
		cmocka_unit_test(test_crash_record_symbol),
		cmocka_unit_test(test_elf64),
		cmocka_unit_test(test_no_section_headers),
		cmocka_unit_test(test_build_id_from_section),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_phdrs),
		cmocka_unit_test(test_bad_resource_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
