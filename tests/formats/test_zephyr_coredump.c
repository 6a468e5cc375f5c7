// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_zephyr_coredump.c - the Zephyr coredump reader on bytes made by an
 * independent writer of the format (tests/fixtures/python/rpdtest/
 * zephyr_coredump.py, run at test time from a spec given here): arch
 * blocks of versions 1 to 3, threads metadata, memory blocks, CPU
 * snapshots and the CRC trailer; the stack pointer of Zephyr 3.4
 * corrected against the frame in RAM, and left alone where the frame
 * does not match; the in-memory backend's buffer found in a RAM image;
 * reason names; and malformed input, each case with its errno and
 * message.
 */
#include <errno.h>
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
#include "zephyr_coredump.h"

static char *tmpdir;

/* ---- bytes from the writer ---- */

/* Runs the writer on spec (a Python literal, see build() there) and
 * returns what it wrote; caller frees. */
static uint8_t *make(const char *spec, size_t *len)
{
	static unsigned int count;
	char name[32], *spec_path, *out_path;
	uint8_t *data;

	snprintf(name, sizeof(name), "spec%u", count++);
	spec_path = test_write_file(tmpdir, name, spec, strlen(spec));
	if (asprintf(&out_path, "%s.bin", spec_path) < 0)
		abort();
	free(test_run("PYTHONPATH='%s/tests/fixtures/python' '%s' -m "
		      "rpdtest.zephyr_coredump '%s' '%s'",
		      RPD_SOURCE_DIR, RPD_PYTHON, spec_path, out_path));
	data = test_read_file(out_path, len);
	assert_non_null(data);
	free(spec_path);
	free(out_path);
	return data;
}

/* The writer's pattern for {'len': n, 'seed': seed}. */
static uint8_t pattern(size_t i, unsigned int seed)
{
	return (uint8_t)(i * 13 + seed);
}

static void assert_pattern(const uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p[i], pattern(i, seed));
}

/* A RAM image as the remote's memory. */
struct ram {
	const uint8_t *p;
	size_t len;
	uint64_t base;
	unsigned int reads;
};

static int ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct ram *ram = ctx;

	ram->reads++;
	if (addr < ram->base || !range_within(addr - ram->base, len, ram->len))
		return -ENOENT;
	memcpy(buf, ram->p + (addr - ram->base), len);
	return 0;
}

static int no_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return -ENOENT;
}

/* ---- registers given to the writer ---- */

#define R0 0x10u
#define R12 0x1cu
#define LR 0x08001235u
#define PC 0x08001000u
#define XPSR 0x61000000u
#define SP 0x20000ff0u
#define REGS                                                                 \
	"{'r0': 0x10, 'r1': 0x11, 'r2': 0x12, 'r3': 0x13, 'r12': 0x1c, "     \
	"'lr': 0x08001235, 'pc': 0x08001000, 'xpsr': 0x61000000, "           \
	"'sp': 0x20000ff0, 'r4': 0x44, 'r5': 0x55, 'r6': 0x66, 'r7': 0x77, " \
	"'r8': 0x88, 'r9': 0x99, 'r10': 0xaa, 'r11': 0xbb}"
#define NO_CALLEE                                                        \
	"{'r0': 0x10, 'r1': 0x11, 'r2': 0x12, 'r3': 0x13, 'r12': 0x1c, " \
	"'lr': 0x08001235, 'pc': 0x08001000, 'xpsr': 0x61000000, "       \
	"'sp': 0x20000ff0}"

/* Zephyr 3.4's recorded crash (research note): the interrupted code's
 * sp, and where the CPU stacked the frame below it. */
#define CRASH_REGS(sp)                                    \
	"{'r0': 0, 'r1': 0, 'r2': 0x20000b08, 'r3': 0, "  \
	"'r12': 0x10000000, 'lr': 0x37ab, 'pc': 0x3782, " \
	"'xpsr': 0x61000000, 'sp': " sp ", 'r4': 0x20000b08}"
#define CRASH_3_4 CRASH_REGS("0x20000ae8")
#define CRASH_SP 0x20000ae8u
#define CRASH_FRAME 0x20000ac8u
#define RAM_BASE 0x20000000u
#define RAM_SPEC "{'base': 0x20000000, 'size': 0x1000"
#define ARCH_BLK 0x20000f00u
#define FAULT_SP 0x20000f80u

static void assert_frame_regs(const struct rpd_zephyr_arm_arch *arm)
{
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(arm->regs.r[i], R0 + i);
	assert_int_equal(arm->regs.r[12], R12);
	assert_int_equal(arm->regs.r[13], SP);
	assert_int_equal(arm->regs.r[14], LR);
	assert_int_equal(arm->regs.r[15], PC);
	assert_int_equal(arm->regs.xpsr, XPSR);
}

static void assert_callee(const struct rpd_zephyr_arm_arch *arm, bool known)
{
	for (unsigned int i = 4; i < 12; i++)
		assert_int_equal(arm->regs.r[i], known ? 0x11 * i : 0);
	assert_int_equal(arm->known & RPD_ZEPHYR_REGS_CALLEE,
			 known ? RPD_ZEPHYR_REGS_CALLEE : 0);
}

/* Parses spec's stream, which must parse. */
static uint8_t *parse_ok(const char *spec, struct rpd_zephyr_coredump *cd,
			 size_t *len)
{
	uint8_t *data = make(spec, len);

	assert_int_equal(rpd_zephyr_parse(data, *len, cd), 0);
	assert_int_equal(cd->parsed, *len);
	return data;
}

/* ---- the stream ---- */

static void test_arch_v1(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL;
	size_t len;

	data = parse_ok("{'header': {'reason': 30, 'version': 1},"
			" 'blocks': [('arch', {'version': 1, 'regs': " REGS
			"}), ('memory', {'start': 0x20000a00, 'len': 64,"
			" 'seed': 5})]}",
			&cd, &len);
	assert_int_equal(cd.hdr_version, 1);
	assert_int_equal(cd.target, RPD_ZEPHYR_TGT_ARM_CORTEX_M);
	assert_int_equal(cd.ptr_size, 4);
	assert_int_equal(cd.reason, 30);
	assert_true(cd.have_arch);
	assert_int_equal(cd.arch_version, 1);
	assert_int_equal(cd.arch.offset, RPD_ZEPHYR_HDR_SIZE + 5);
	assert_int_equal(cd.arch.len, RPD_ZEPHYR_ARM_ARCH_V1_SIZE);
	assert_int_equal(cd.arm_status, 0);
	assert_int_equal(cd.arm.version, 1);
	assert_frame_regs(&cd.arm);
	assert_int_equal(cd.arm.known, RPD_ZEPHYR_REGS_FRAME);
	assert_int_equal(cd.arm.callee, RPD_ZEPHYR_CALLEE_ABSENT);
	assert_callee(&cd.arm, false);
	assert_false(cd.have_threads);
	assert_false(cd.have_crc);
	assert_int_equal(cd.nmem, 1);
}

static void test_arch_v2(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL, *zero = NULL;
	size_t len;

	data = parse_ok("{'blocks': [('arch', {'version': 2, 'regs': " REGS
			"})]}",
			&cd, &len);
	assert_int_equal(cd.arch.len, RPD_ZEPHYR_ARM_ARCH_V2_SIZE);
	assert_int_equal(cd.arm_status, 0);
	assert_frame_regs(&cd.arm);
	assert_int_equal(cd.arm.callee, RPD_ZEPHYR_CALLEE_PRESENT);
	assert_callee(&cd.arm, true);
	rpd_zephyr_coredump_release(&cd);

	/* Without CONFIG_EXTRA_EXCEPTION_INFO, r4-r11 stay zero: unknown,
	 * not zero. */
	zero = parse_ok("{'blocks': [('arch', {'version': 2, 'regs': " NO_CALLEE
			"})]}",
			&cd, &len);
	assert_int_equal(cd.arm.callee, RPD_ZEPHYR_CALLEE_ZERO);
	assert_frame_regs(&cd.arm);
	assert_callee(&cd.arm, false);
}

static void test_arch_v3(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL, *invalid = NULL;
	size_t len;

	data = parse_ok("{'header': {'version': 2}, 'blocks': [('arch', "
			"{'version': 3, 'callee_offset': 0x28, 'regs': " REGS
			"})]}",
			&cd, &len);
	assert_int_equal(cd.arch.len, RPD_ZEPHYR_ARM_ARCH_V3_SIZE);
	assert_int_equal(cd.arm.version, 3);
	assert_frame_regs(&cd.arm);
	assert_int_equal(cd.arm.callee, RPD_ZEPHYR_CALLEE_VALID);
	assert_int_equal(cd.arm.callee_saved_offset, 0x28);
	assert_callee(&cd.arm, true);
	rpd_zephyr_coredump_release(&cd);

	invalid = parse_ok("{'header': {'version': 2}, 'blocks': [('arch', "
			   "{'version': 3, 'regs': " NO_CALLEE "})]}",
			   &cd, &len);
	assert_int_equal(cd.arm.callee, RPD_ZEPHYR_CALLEE_INVALID);
	assert_int_equal(cd.arm.callee_saved_offset, 0);
	assert_callee(&cd.arm, false);
}

/* An arch version from the future, or another target's block: skipped by
 * its length, the stream still parses. */
static void test_arch_not_decoded(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *v4 = NULL, *riscv = NULL;
	size_t len;

	v4 = parse_ok(
		"{'blocks': [('arch', {'version': 4, 'payload': "
		"{'len': 80}}), ('memory', {'start': 0x1000, 'len': 8})]}",
		&cd, &len);
	assert_true(cd.have_arch);
	assert_int_equal(cd.arch_version, 4);
	assert_int_equal(cd.arch.len, 80);
	assert_int_equal(cd.arm_status, -EPROTONOSUPPORT);
	assert_int_equal(cd.arm.known, 0);
	assert_int_equal(cd.nmem, 1);
	rpd_zephyr_coredump_release(&cd);

	riscv = parse_ok("{'header': {'target': 4}, 'blocks': [('arch', "
			 "{'version': 1, 'payload': {'len': 132}})]}",
			 &cd, &len);
	assert_int_equal(cd.target, RPD_ZEPHYR_TGT_RISC_V);
	assert_int_equal(cd.arch.len, 132);
	assert_int_equal(cd.arm_status, -EPROTONOSUPPORT);
}

static void test_no_arch_block(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL;
	size_t len;

	data = parse_ok("{'header': {'reason': 4}}", &cd, &len);
	assert_int_equal(len, RPD_ZEPHYR_HDR_SIZE);
	assert_false(cd.have_arch);
	assert_int_equal(cd.arm_status, -ENOENT);
	assert_int_equal(cd.reason, 4);
	assert_int_equal(cd.nmem, 0);
}

static void test_threads_metadata(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL;
	size_t len, arch_end = RPD_ZEPHYR_HDR_SIZE + 5 +
			       RPD_ZEPHYR_ARM_ARCH_V3_SIZE;

	data = parse_ok("{'header': {'version': 2}, 'blocks': [('arch', "
			"{'version': 3, 'regs': " REGS "}), ('threads', "
			"{'len': 200, 'seed': 9}), ('memory', {'start': "
			"0x20000000, 'len': 16})]}",
			&cd, &len);
	assert_true(cd.have_threads);
	assert_int_equal(cd.threads_version, 1);
	assert_int_equal(cd.threads.offset, arch_end + 5);
	assert_int_equal(cd.threads.len, 200);
	assert_pattern(data + cd.threads.offset, cd.threads.len, 9);
	assert_int_equal(cd.nmem, 1);
	assert_int_equal(cd.mem[0].offset, arch_end + 5 + 200 + 11);
}

static void test_memory_blocks(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL, *wide = NULL;
	size_t len;

	data = parse_ok("{'blocks': [('memory', {'start': 0x20000000, "
			"'len': 300, 'seed': 1}), ('memory', {'start': "
			"0x20001000, 'len': 1, 'seed': 2}), ('memory', "
			"{'start': 0xffffffe0, 'len': 16, 'seed': 3})]}",
			&cd, &len);
	assert_int_equal(cd.nmem, 3);
	assert_int_equal(cd.mem[0].start, 0x20000000);
	assert_int_equal(cd.mem[0].len, 300);
	assert_int_equal(cd.mem[0].offset, RPD_ZEPHYR_HDR_SIZE + 11);
	assert_pattern(data + cd.mem[0].offset, 300, 1);
	assert_int_equal(cd.mem[1].start, 0x20001000);
	assert_int_equal(cd.mem[1].len, 1);
	assert_int_equal(cd.mem[1].offset, RPD_ZEPHYR_HDR_SIZE + 311 + 11);
	assert_pattern(data + cd.mem[1].offset, 1, 2);
	assert_int_equal(cd.mem[2].start, 0xffffffe0);
	assert_int_equal(cd.mem[2].len, 16);
	assert_pattern(data + cd.mem[2].offset, 16, 3);
	rpd_zephyr_coredump_release(&cd);

	/* A 64-bit target: 8-byte addresses, above 4 GiB. */
	wide = parse_ok("{'header': {'target': 6, 'ptr_bits': 6}, 'blocks': "
			"[('memory', {'start': 0x4000001000, 'len': 40, "
			"'seed': 4})]}",
			&cd, &len);
	assert_int_equal(cd.ptr_size, 8);
	assert_int_equal(cd.nmem, 1);
	assert_int_equal(cd.mem[0].start, 0x4000001000);
	assert_int_equal(cd.mem[0].offset, RPD_ZEPHYR_HDR_SIZE + 19);
	assert_pattern(wide + cd.mem[0].offset, 40, 4);
}

/* 'F' blocks are skipped by their length; the 'C' trailer is checked. */
static void test_snapshot_and_crc(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *data = NULL;
	size_t len;

	data = parse_ok("{'header': {'version': 2, 'flag': 1}, 'blocks': "
			"[('arch', {'version': 3, 'regs': " REGS "}), "
			"('cpu', {'len': 76}), ('cpu', {'len': 76, "
			"'cpu_id': 2}), ('memory', {'start': 0x20000000, "
			"'len': 32}), ('crc', {})]}",
			&cd, &len);
	assert_int_equal(cd.ncpu_snapshots, 2);
	assert_true(cd.have_crc);
	assert_int_equal(cd.nmem, 1);
	assert_frame_regs(&cd.arm);
}

/* Every size the writer gives arch_blk names its version. */
static void test_arch_blk_alone(void **state)
{
	_cleanup_free_ uint8_t *ram = NULL;
	struct rpd_zephyr_arm_arch arm;
	uint8_t zero[RPD_ZEPHYR_ARM_ARCH_V3_SIZE] = { 0 };
	size_t len;

	assert_int_equal(rpd_zephyr_arm_arch_version(36), 1);
	assert_int_equal(rpd_zephyr_arm_arch_version(68), 2);
	assert_int_equal(rpd_zephyr_arm_arch_version(76), 3);
	test_assert_error(rpd_zephyr_arm_arch_version(72), -EPROTONOSUPPORT,
			  "72 bytes is no Cortex-M arch block version");

	/* Zephyr 3.4's arch_blk in RAM, as every backend leaves it. */
	ram = make("{'ram': " RAM_SPEC "}, 'fault': {'regs': " CRASH_3_4
		   ", 'arch_blk_at': 0x20000f00}}",
		   &len);
	assert_int_equal(
		rpd_zephyr_arm_arch_decode(2, ram + (ARCH_BLK - RAM_BASE),
					   RPD_ZEPHYR_ARM_ARCH_V2_SIZE, &arm),
		0);
	assert_int_equal(arm.regs.r[2], 0x20000b08);
	assert_int_equal(arm.regs.r[4], 0x20000b08);
	assert_int_equal(arm.regs.r[12], 0x10000000);
	assert_int_equal(arm.regs.r[13], CRASH_FRAME);
	assert_int_equal(arm.regs.r[14], 0x37ab);
	assert_int_equal(arm.regs.r[15], 0x3782);
	assert_int_equal(arm.regs.xpsr, 0x61000000);
	assert_int_equal(arm.callee, RPD_ZEPHYR_CALLEE_PRESENT);

	test_assert_error(rpd_zephyr_arm_arch_decode(2, zero, sizeof(zero),
						     &arm),
			  -ENODATA, "coredump() never filled it");
	test_assert_error(rpd_zephyr_arm_arch_decode(3, ram, 68, &arm),
			  -EMSGSIZE, "version 3 needs 76 bytes, 68 present");
	test_assert_error(rpd_zephyr_arm_arch_decode(0, ram, 76, &arm),
			  -EPROTONOSUPPORT, "version 0 is not supported");
	test_assert_error(rpd_zephyr_arm_arch_decode(4, ram, 76, &arm),
			  -EPROTONOSUPPORT, "version 4 is not supported");
	assert_int_equal(arm.known, 0);
}

/* ---- the stack pointer ---- */

/* arch_blk and the frame of a fault in RAM; decoded and checked. */
static void fix_sp(const char *fault, const char *patch, uint32_t exc_return,
		   struct rpd_zephyr_arm_arch *arm,
		   struct rpd_zephyr_sp_check *check)
{
	char spec[1024];
	_cleanup_free_ uint8_t *image = NULL;
	struct ram ram = { .base = RAM_BASE };
	struct rpd_memory mem = { ram_read, &ram };
	size_t len;

	snprintf(spec, sizeof(spec),
		 "{'ram': " RAM_SPEC "}, 'fault': %s, 'patch': [%s]}", fault,
		 patch);
	image = make(spec, &len);
	ram.p = image;
	ram.len = len;
	assert_int_equal(
		rpd_zephyr_arm_arch_decode(2, image + (ARCH_BLK - RAM_BASE),
					   RPD_ZEPHYR_ARM_ARCH_V2_SIZE, arm),
		0);
	assert_int_equal(rpd_zephyr_arm_fix_sp(arm, &mem, exc_return, check),
			 0);
	assert_true(ram.reads > 0);
}

#define FAULT_3_4                                             \
	"{'regs': " CRASH_3_4 ", 'arch_blk_at': 0x20000f00, " \
	"'fault_sp_at': 0x20000f80"

/* Zephyr 3.4 stored the frame's address: corrected to the live sp the
 * recorded crash had. */
static void test_sp_quirk_corrected(void **state)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;

	fix_sp(FAULT_3_4 "}", "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_int_equal(check.recorded, CRASH_FRAME);
	assert_int_equal(check.frame, CRASH_FRAME);
	assert_int_equal(arm.regs.r[13], CRASH_SP);
	assert_false(check.fp_frame);
	assert_true(check.frame_type_assumed);
	assert_int_equal(arm.regs.r[15], 0x3782); /* nothing else moves */
}

/* The CPU realigned the stack (sp was 4 mod 8): xPSR bit 9, 4 bytes. */
static void test_sp_quirk_realigned(void **state)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;

	fix_sp("{'regs': " CRASH_REGS(
		       "0x20000aec") ", "
				     "'arch_blk_at': 0x20000f00}",
	       "", 0, &arm, &check);
	assert_int_equal(arm.regs.xpsr, 0x61000000 | RPD_ARM_XPSR_STKALIGN);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_int_equal(check.frame, CRASH_FRAME);
	assert_int_equal(arm.regs.r[13], 0x20000aec);
}

/* Newer releases on ARMv8-M record the frame's end, without the 4 bytes
 * the CPU realigned by: corrected by them. */
static void test_sp_realignment_left_out(void **state)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;

	fix_sp("{'regs': " CRASH_REGS(
		       "0x20000aec") ", 'arch_blk_at': "
				     "0x20000f00, 'recorded_sp': 0x20000ae8}",
	       "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_int_equal(check.recorded, 0x20000ae8);
	assert_int_equal(check.frame, CRASH_FRAME);
	assert_int_equal(arm.regs.r[13], 0x20000aec);

	/* A stale sp, far from the frame: nothing to go by. */
	fix_sp(FAULT_3_4 ", 'recorded_sp': 0x20000400}", "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_UNVERIFIED);
	assert_int_equal(arm.regs.r[13], 0x20000400);
}

/* An FP frame: with EXC_RETURN the correction is 0x68; without it, 0x20
 * and the result says a basic frame was assumed. */
static void test_sp_quirk_fp_frame(void **state)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;
	const uint32_t fp_frame = CRASH_SP - RPD_ARM_FP_FRAME_SIZE;

	fix_sp(FAULT_3_4 ", 'fp': True}", "", 0xffffffed, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_int_equal(check.frame, fp_frame);
	assert_true(check.fp_frame);
	assert_false(check.frame_type_assumed);
	assert_int_equal(arm.regs.r[13], CRASH_SP);

	fix_sp(FAULT_3_4 ", 'fp': True}", "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_true(check.frame_type_assumed);
	assert_int_equal(arm.regs.r[13], fp_frame + RPD_ARM_BASIC_FRAME_SIZE);
}

/* Newer releases store the interrupted code's sp: the frame is below
 * it, nothing is corrected. */
static void test_sp_newer_confirmed(void **state)
{
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;

	fix_sp(FAULT_3_4 ", 'quirk': False}", "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CONFIRMED);
	assert_int_equal(check.recorded, CRASH_SP);
	assert_int_equal(check.frame, CRASH_FRAME);
	assert_int_equal(arm.regs.r[13], CRASH_SP);

	fix_sp(FAULT_3_4 ", 'quirk': False, 'fp': True}", "", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CONFIRMED);
	assert_true(check.fp_frame);
	assert_int_equal(check.frame, CRASH_SP - RPD_ARM_FP_FRAME_SIZE);
	assert_int_equal(arm.regs.r[13], CRASH_SP);
}

/* The words at sp are not the block's frame (one word differs): sp is
 * left as recorded, and said to be unverified. */
static void test_sp_words_differ(void **state)
{
	static const char *const patches[] = {
		"(0x20000adc, '00000000')", /* lr */
		"(0x20000ae0, '01100000')", /* pc */
		"(0x20000ae4, '00000071')", /* xpsr: the flags */
	};
	struct rpd_zephyr_arm_arch arm;
	struct rpd_zephyr_sp_check check;

	for (size_t i = 0; i < ARRAY_SIZE(patches); i++) {
		fix_sp(FAULT_3_4 "}", patches[i], 0, &arm, &check);
		assert_int_equal(check.result, RPD_ZEPHYR_SP_UNVERIFIED);
		assert_int_equal(arm.regs.r[13], CRASH_FRAME);
		assert_int_equal(check.recorded, CRASH_FRAME);
	}

	/* The exception number is not compared: z_arm_fault() rewrites it
	 * in the copy the block is made from. */
	fix_sp(FAULT_3_4 "}", "(0x20000ae4, '03000061')", 0, &arm, &check);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_CORRECTED);
	assert_int_equal(arm.regs.r[13], CRASH_SP);
}

static void test_sp_unreadable(void **state)
{
	struct rpd_memory mem = { no_memory, NULL };
	struct rpd_zephyr_arm_arch arm = { 0 };
	struct rpd_zephyr_sp_check check;

	arm.known = RPD_ZEPHYR_REGS_FRAME;
	arm.regs.r[13] = SP;
	assert_int_equal(rpd_zephyr_arm_fix_sp(&arm, &mem, 0, &check), 0);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_UNREADABLE);
	assert_int_equal(arm.regs.r[13], SP);

	/* A sp so low that no frame fits below it, and one so high that
	 * the correction would wrap. */
	arm.regs.r[13] = 8;
	assert_int_equal(rpd_zephyr_arm_fix_sp(&arm, &mem, 0, &check), 0);
	assert_int_equal(check.result, RPD_ZEPHYR_SP_UNREADABLE);
	arm.regs.r[13] = 0xfffffff0;
	assert_int_equal(rpd_zephyr_arm_fix_sp(&arm, &mem, 0, &check), 0);
	assert_int_equal(arm.regs.r[13], 0xfffffff0);

	arm.known = RPD_ZEPHYR_REGS_FRAME & ~RPD_ZEPHYR_REG_XPSR;
	test_assert_error(rpd_zephyr_arm_fix_sp(&arm, &mem, 0, &check), -EINVAL,
			  "sp, lr, pc and xPSR are needed");
}

/* ---- the in-memory backend ---- */

#define STREAM_3_4                                                 \
	"'header': {'reason': 30}, 'blocks': [('arch', {'fault': " \
	"True}), ('memory', {'start': 0x20000a00, 'len': 128, "    \
	"'seed': 7})], 'fault': {'regs': " CRASH_3_4 "}"

/* 12 + (5 + 68) + (11 + 128) */
#define STREAM_3_4_LEN 224u

static void assert_stream_3_4(const uint8_t *stream, size_t len)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};

	assert_int_equal(rpd_zephyr_parse(stream, len, &cd), 0);
	assert_int_equal(cd.reason, 30);
	assert_int_equal(cd.arm_status, 0);
	assert_int_equal(cd.arm.regs.r[15], 0x3782);
	assert_int_equal(cd.arm.regs.r[13], CRASH_FRAME);
	assert_int_equal(cd.nmem, 1);
	assert_int_equal(cd.mem[0].start, 0x20000a00);
	assert_pattern(stream + cd.mem[0].offset, 128, 7);
}

/* A buffer of 256 bytes of space at at, in a 4 KiB RAM image, found by
 * its canary and by its symbol. */
static void in_memory_at(uint32_t at)
{
	char spec[1024];
	_cleanup_free_ uint8_t *image = NULL;
	struct rpd_zephyr_in_memory im[4];
	size_t len, offset = at - RAM_BASE, size = 256 + 12;
	bool more;

	snprintf(spec, sizeof(spec),
		 "{" STREAM_3_4 ", 'in_memory': {'size': 256}, 'ram': " RAM_SPEC
		 ", 'at': %#x}}",
		 at);
	image = make(spec, &len);
	assert_int_equal(rpd_zephyr_in_memory_find(image, len, RAM_BASE, 0, im,
						   ARRAY_SIZE(im), &more),
			 1);
	assert_false(more);
	assert_int_equal(im[0].addr, at);
	assert_int_equal(im[0].offset, offset);
	assert_int_equal(im[0].size_field, 4);
	assert_int_equal(im[0].stream_offset, offset + 8);
	assert_int_equal(im[0].recorded_len, STREAM_3_4_LEN);
	assert_int_equal(im[0].stream_len, STREAM_3_4_LEN);
	assert_false(im[0].interrupted);
	assert_false(im[0].full);
	assert_false(im[0].end_checked); /* the size is not known */
	assert_stream_3_4(image + im[0].stream_offset, im[0].stream_len);

	/* Its symbol gives the size: the end canary is checked. */
	assert_int_equal(rpd_zephyr_in_memory_check(image, len, RAM_BASE,
						    offset, size, &im[1]),
			 0);
	assert_true(im[1].end_checked);
	assert_true(im[1].end_canary);
	assert_false(im[1].full);
	assert_int_equal(im[1].stream_len, STREAM_3_4_LEN);
	/* and the symbol's own bytes alone are enough */
	assert_int_equal(rpd_zephyr_in_memory_check(image + offset, size, at, 0,
						    size, &im[2]),
			 0);
	assert_true(im[2].end_canary);
	assert_int_equal(im[2].addr, at);
}

static void test_in_memory_aligned(void **state)
{
	in_memory_at(0x20000100);
}

static void test_in_memory_unaligned(void **state)
{
	in_memory_at(0x20000103);
}

/* A stream larger than the buffer: cut at its size, the registers are
 * still there, the cut is reported. */
static void test_in_memory_full(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *image = NULL;
	struct rpd_zephyr_in_memory im;
	size_t len;
	bool more;

	image = make("{" STREAM_3_4
		     ", 'in_memory': {'size': 128}, 'ram': " RAM_SPEC
		     ", 'at': 0x20000200}}",
		     &len);
	assert_int_equal(rpd_zephyr_in_memory_find(image, len, RAM_BASE, 0, &im,
						   1, &more),
			 1);
	assert_int_equal(im.recorded_len, 128);
	assert_true(im.full);
	assert_true(im.end_checked);
	assert_true(im.end_canary);
	test_assert_error(rpd_zephyr_parse(image + im.stream_offset,
					   im.stream_len, &cd),
			  -EMSGSIZE, "needs 128 bytes, 32 remain");
	assert_int_equal(cd.arm_status, 0);
	assert_int_equal(cd.arm.regs.r[15], 0x3782);
	assert_int_equal(cd.parsed, 12 + 5 + 68);
	assert_int_equal(cd.nmem, 0);

	assert_int_equal(rpd_zephyr_in_memory_check(image, len, RAM_BASE, 0x200,
						    128 + 12, &im),
			 0);
	assert_true(im.full);
	assert_true(im.end_canary);
}

/* coredump() stopped before the backend's end(): no length, no end
 * canary; the stream up to the buffer's end is what there is. */
static void test_in_memory_interrupted(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *image = NULL;
	struct rpd_zephyr_in_memory im;
	size_t len;

	image = make("{" STREAM_3_4 ", 'in_memory': {'size': 256, 'finished': "
		     "False}, 'ram': " RAM_SPEC ", 'at': 0x20000100}}",
		     &len);
	assert_int_equal(rpd_zephyr_in_memory_check(image, len, RAM_BASE, 0x100,
						    256 + 12, &im),
			 0);
	assert_true(im.interrupted);
	assert_int_equal(im.recorded_len, 0);
	assert_int_equal(im.stream_len, 256);
	assert_true(im.end_checked);
	assert_false(im.end_canary);
	/* The stream's blocks, then the buffer's zeroed space. */
	test_assert_error(rpd_zephyr_parse(image + im.stream_offset,
					   im.stream_len, &cd),
			  -EBADMSG, "unknown block 0x00 at offset 224");
	assert_int_equal(cd.parsed, STREAM_3_4_LEN);
	assert_int_equal(cd.nmem, 1);
	assert_int_equal(cd.arm.regs.r[15], 0x3782);
}

/* With LINKER_RAM, Zephyr dumps the RAM holding the buffer while it
 * writes it: the stream holds a copy of the buffer's start, canary and
 * header but no length yet. The search reports the buffer once. */
static void test_in_memory_copy_inside(void **state)
{
	_cleanup_free_ uint8_t *image = NULL;
	struct rpd_zephyr_in_memory im[4];
	size_t len;
	bool more;

	image = make("{'header': {'reason': 30}, 'blocks': [('memory', "
		     "{'start': 0x20000100, 'data': 'deb0deb000000000"
		     "5a450100030005001e000000'})], 'in_memory': {'size': 64},"
		     " 'ram': " RAM_SPEC ", 'at': 0x20000100}}",
		     &len);
	assert_int_equal(rpd_zephyr_in_memory_find(image, len, RAM_BASE, 0, im,
						   ARRAY_SIZE(im), &more),
			 1);
	assert_false(more);
	assert_int_equal(im[0].addr, 0x20000100);
	assert_false(im[0].interrupted);
	assert_int_equal(im[0].stream_len, 12 + 11 + 20);

	/* The copy alone is an interrupted dump. */
	assert_int_equal(rpd_zephyr_in_memory_check(image, len, RAM_BASE,
						    0x108 + 12 + 11, 0, &im[1]),
			 0);
	assert_true(im[1].interrupted);
	assert_false(im[1].end_checked);
}

/* A 64-bit size_t goes with a 64-bit header. */
static void test_in_memory_size_t_64(void **state)
{
	_cleanup_free_ uint8_t *image = NULL;
	struct rpd_zephyr_in_memory im;
	size_t len;
	bool more;

	image = make("{'header': {'target': 6, 'ptr_bits': 6}, 'blocks': "
		     "[('memory', {'start': 0x4000000000, 'len': 16})], "
		     "'in_memory': {'size': 64, 'size_field': 8}, 'ram': "
		     "{'base': 0x80000000, 'size': 0x400, 'at': 0x80000010}}",
		     &len);
	assert_int_equal(rpd_zephyr_in_memory_find(image, len, 0x80000000, 0,
						   &im, 1, &more),
			 1);
	assert_int_equal(im.size_field, 8);
	assert_int_equal(im.stream_offset, 0x10 + 12);
	assert_int_equal(im.recorded_len, 12 + 19 + 16);
}

/* Lengths that cannot be right, each with its reason. */
static void test_in_memory_bogus_length(void **state)
{
	static const struct {
		const char *length;
		uint64_t size;
		int err;
		const char *msg;
	} cases[] = {
		{ "0xfffffff0", 0, -EMSGSIZE, "runs past the dumped memory" },
		{ "0xfffffff0", 268, -EBADMSG,
		  "exceeds the buffer's 256 bytes" },
		{ "300", 268, -EBADMSG, "length 300 exceeds" },
		{ "5", 0, -EBADMSG, "length 5 is shorter than a header" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char spec[1024];
		_cleanup_free_ uint8_t *image = NULL;
		struct rpd_zephyr_in_memory im;
		size_t len;
		bool more;

		snprintf(spec, sizeof(spec),
			 "{" STREAM_3_4 ", 'in_memory': {'size': 256, "
			 "'length': %s}, 'ram': " RAM_SPEC ", 'at': "
			 "0x20000100}}",
			 cases[i].length);
		image = make(spec, &len);
		test_assert_error(
			rpd_zephyr_in_memory_check(image, len, RAM_BASE, 0x100,
						   cases[i].size, &im),
			cases[i].err, cases[i].msg);
		/* The search reports the same reason for its only canary. */
		test_assert_error(
			rpd_zephyr_in_memory_find(image, len, RAM_BASE,
						  cases[i].size, &im, 1, &more),
			cases[i].err, cases[i].msg);
	}
}

static void test_in_memory_not_there(void **state)
{
	uint8_t region[64], bad_version[64];
	struct rpd_zephyr_in_memory im;
	bool more;

	memset(region, 0x5a, sizeof(region));
	test_assert_error(rpd_zephyr_in_memory_find(region, sizeof(region),
						    RAM_BASE, 0, &im, 1, &more),
			  -ENOENT, "no zephyr in-memory coredump");
	test_assert_error(rpd_zephyr_in_memory_check(region, sizeof(region),
						     RAM_BASE, 8, 0, &im),
			  -ENOENT, "at 0x20000008: no canary");
	test_assert_error(rpd_zephyr_in_memory_check(region, sizeof(region),
						     RAM_BASE, 62, 0, &im),
			  -ENOENT, "no canary");
	test_assert_error(rpd_zephyr_in_memory_check(region, sizeof(region),
						     RAM_BASE, 65, 0, &im),
			  -ENOENT, "no canary");

	/* A canary, and no header after it. */
	memcpy(region + 10, "\xde\xb0\xde\xb0", 4);
	test_assert_error(rpd_zephyr_in_memory_check(region, sizeof(region),
						     RAM_BASE, 10, 0, &im),
			  -EBADMSG, "no coredump header follows");
	test_assert_error(rpd_zephyr_in_memory_find(region, sizeof(region),
						    RAM_BASE, 0, &im, 1, &more),
			  -ENOENT, "no zephyr in-memory coredump");

	/* A header of a version from the future. */
	memcpy(bad_version, region, sizeof(region));
	memcpy(bad_version + 18, "ZE\x03\x00\x03\x00\x05\x00", 8);
	test_assert_error(rpd_zephyr_in_memory_check(bad_version,
						     sizeof(bad_version),
						     RAM_BASE, 10, 0, &im),
			  -EPROTONOSUPPORT, "header version 3");
	/* A 64-bit header after a 4-byte length: size_t and pointers are
	 * one size, so this is no buffer. */
	bad_version[20] = 1;
	bad_version[24] = 6;
	test_assert_error(rpd_zephyr_in_memory_check(bad_version,
						     sizeof(bad_version),
						     RAM_BASE, 10, 0, &im),
			  -EBADMSG, "no coredump header follows");
	bad_version[24] = 5;
	memset(bad_version + 14, 0, 4); /* no length: interrupted */
	assert_int_equal(rpd_zephyr_in_memory_check(bad_version,
						    sizeof(bad_version),
						    RAM_BASE, 10, 0, &im),
			 0);
	assert_true(im.interrupted);
	/* A symbol too small for any buffer. */
	test_assert_error(rpd_zephyr_in_memory_check(bad_version,
						     sizeof(bad_version),
						     RAM_BASE, 10, 16, &im),
			  -EINVAL, "16 bytes are too few for a buffer");
}

/* A region made of canaries, and one made of buffers: linear, bounded by
 * the room given, and honest about what it could not store. */
static void test_in_memory_many_canaries(void **state)
{
	const size_t len = 8u << 20;
	/* canary, length 12, a header: a valid empty dump every 20 bytes */
	static const uint8_t unit[20] = { 0xde, 0xb0, 0xde, 0xb0, 12, 0, 0,
					  0,	'Z',  'E',  1,	  0,  3, 0,
					  5,	0,    30,   0,	  0,  0 };
	_cleanup_free_ uint8_t *region = malloc(len);
	struct rpd_zephyr_in_memory found[8];
	bool more;

	assert_non_null(region);
	for (size_t i = 0; i + 4 <= len; i += 4)
		memcpy(region + i, unit, 4);
	test_assert_error(rpd_zephyr_in_memory_find(region, len, 0, 0, found,
						    ARRAY_SIZE(found), &more),
			  -ENOENT, "no zephyr in-memory coredump");

	for (size_t i = 0; i + sizeof(unit) <= len; i += sizeof(unit))
		memcpy(region + i, unit, sizeof(unit));
	assert_int_equal(rpd_zephyr_in_memory_find(region, len, 0, 0, found,
						   ARRAY_SIZE(found), &more),
			 ARRAY_SIZE(found));
	assert_true(more);
	for (size_t i = 0; i < ARRAY_SIZE(found); i++) {
		assert_int_equal(found[i].offset, i * sizeof(unit));
		assert_int_equal(found[i].stream_len, RPD_ZEPHYR_HDR_SIZE);
		assert_true(found[i].full); /* the next canary follows */
	}

	/* All of them, each with a bogus length: the first reason. */
	for (size_t i = 4; i + sizeof(unit) <= len; i += sizeof(unit))
		region[i + 3] = 0x7f;
	test_assert_error(rpd_zephyr_in_memory_find(region, len, 0, 0, found,
						    ARRAY_SIZE(found), &more),
			  -EMSGSIZE, "at 0x0: length 2130706444 runs past");
}

/* ---- malformed streams ---- */

struct malformed {
	const char *what;
	const char *spec;
	int err;
	const char *msg;
	size_t parsed; /* where the parse stopped */
};

#define ARCH_V2 "('arch', {'version': 2, 'regs': " REGS "})"
#define ARCH_V2_END (RPD_ZEPHYR_HDR_SIZE + 5 + RPD_ZEPHYR_ARM_ARCH_V2_SIZE)

static const struct malformed malformed[] = {
	{ "bad magic", "{'header': {'id': b'EZ'}}", -EBADMSG,
	  "'Z' 'E' expected, found 0x45 0x5a", 0 },
	{ "unknown header version", "{'header': {'version': 3}}",
	  -EPROTONOSUPPORT, "header version 3 is not supported", 0 },
	{ "header version 0", "{'header': {'version': 0}}", -EPROTONOSUPPORT,
	  "header version 0", 0 },
	{ "truncated header", "{'truncate': 11}", -EMSGSIZE,
	  "11 bytes are too few for its 12-byte header", 0 },
	{ "pointer size", "{'header': {'ptr_bits': 7}}", -EBADMSG,
	  "2^7 bits is neither 32 nor 64", 0 },
	{ "64-bit Cortex-M", "{'header': {'ptr_bits': 6}}", -EBADMSG,
	  "a Cortex-M target with 64-bit pointers", 0 },
	{ "truncated arch header", "{'blocks': [" ARCH_V2 "], 'truncate': 15}",
	  -EMSGSIZE, "arch block at offset 12: its 5-byte header is cut short",
	  12 },
	{ "arch num_bytes past the end",
	  "{'blocks': [('arch', {'version': 2, 'num_bytes': 200, 'regs': " REGS
	  "})]}",
	  -EMSGSIZE, "arch block at offset 12 declares 200 bytes, 68 remain",
	  12 },
	{ "arch block too short for its version",
	  "{'blocks': [('arch', {'version': 2, 'payload': {'len': 36}})]}",
	  -EBADMSG,
	  "version 2 at offset 12 holds 36 bytes, fewer than its registers (68)",
	  12 },
	{ "truncated arch payload", "{'blocks': [" ARCH_V2 "], 'truncate': 80}",
	  -EMSGSIZE, "declares 68 bytes, 63 remain", 12 },
	{ "two arch blocks", "{'blocks': [" ARCH_V2 ", " ARCH_V2 "]}", -EBADMSG,
	  "a second arch block at offset 85", ARCH_V2_END },
	{ "two threads blocks",
	  "{'blocks': [('threads', {'len': 4}), ('threads', {'len': 4})]}",
	  -EBADMSG, "a second threads metadata block at offset 21", 21 },
	{ "threads num_bytes past the end",
	  "{'blocks': [('threads', {'len': 4, 'num_bytes': 0xffff})]}",
	  -EMSGSIZE, "declares 65535 bytes, 4 remain", 12 },
	{ "memory end before start",
	  "{'blocks': [" ARCH_V2 ", ('memory', {'start': 0x20001000, "
	  "'end': 0x20000000, 'len': 16})]}",
	  -EBADMSG, "ends at 0x20000000, not after its start 0x20001000",
	  ARCH_V2_END },
	{ "empty memory block",
	  "{'blocks': [('memory', {'start': 0x20001000, 'len': 0})]}", -EBADMSG,
	  "not after its start", 12 },
	{ "memory past the end",
	  "{'blocks': [" ARCH_V2 ", ('memory', {'start': 0x20000000, "
	  "'end': 0x20001000, 'len': 16})]}",
	  -EMSGSIZE, "(0x20000000-0x20001000) needs 4096 bytes, 16 remain",
	  ARCH_V2_END },
	{ "memory length overflowing",
	  "{'header': {'target': 6, 'ptr_bits': 6}, 'blocks': [('memory', "
	  "{'start': 0x10, 'end': 0xffffffffffffffff, 'len': 16})]}",
	  -EMSGSIZE, "needs 18446744073709551599 bytes, 16 remain", 12 },
	{ "truncated memory header",
	  "{'blocks': [('memory', {'start': 0x1000, 'len': 4})], "
	  "'truncate': 20}",
	  -EMSGSIZE, "its 11-byte header is cut short (8 bytes remain)", 12 },
	{ "memory block version",
	  "{'blocks': [('memory', {'start': 0x1000, 'len': 4, 'version': 2})]}",
	  -EPROTONOSUPPORT, "memory block at offset 12: version 2", 12 },
	{ "memory without pointer size",
	  "{'header': {'ptr_bits': 0}, 'blocks': [('memory', {'start': 0x1000, "
	  "'len': 4})]}",
	  -EPROTONOSUPPORT, "gives no pointer size to read it by", 12 },
	{ "unknown block",
	  "{'blocks': [" ARCH_V2 ", ('raw', {'data': b'Q\\x01\\x00\\x04\\x00"
	  "abcd'})]}",
	  -EBADMSG, "unknown block 0x51 at offset 85", ARCH_V2_END },
	{ "snapshot version", "{'blocks': [('cpu', {'len': 8, 'version': 2})]}",
	  -EPROTONOSUPPORT, "CPU snapshot at offset 12: version 2", 12 },
	{ "snapshot past the end",
	  "{'blocks': [('cpu', {'len': 8})], 'truncate': 30}", -EMSGSIZE,
	  "CPU snapshot block at offset 12 declares 8 bytes, 5 remain", 12 },
	{ "CRC mismatch",
	  "{'header': {'flag': 1}, 'blocks': [" ARCH_V2
	  ", ('crc', {'crc': 0x12345678})]}",
	  -EBADMSG, "CRC trailer at offset 85 says 0x12345678", ARCH_V2_END },
	{ "CRC trailer missing",
	  "{'header': {'flag': 1}, 'blocks': [" ARCH_V2 "]}", -EMSGSIZE,
	  "the header promises a CRC trailer", ARCH_V2_END },
	{ "bytes after the CRC",
	  "{'blocks': [" ARCH_V2 ", ('crc', {}), ('raw', {'len': 3})]}",
	  -EBADMSG, "3 bytes follow the CRC trailer at offset 85",
	  ARCH_V2_END },
	{ "truncated CRC",
	  "{'blocks': [" ARCH_V2 ", ('crc', {})], 'truncate': 90}", -EMSGSIZE,
	  "CRC trailer at offset 85 is cut short (5 of 7 bytes)", ARCH_V2_END },
	{ "CRC version", "{'blocks': [('crc', {'version': 9})]}",
	  -EPROTONOSUPPORT, "CRC trailer at offset 12: version 9", 12 },
};

static void test_malformed(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++) {
		const struct malformed *m = &malformed[i];
		_cleanup_(
			rpd_zephyr_coredump_release) struct rpd_zephyr_coredump
			cd = { 0 };
		_cleanup_free_ uint8_t *data = NULL;
		size_t len;

		print_message("%s\n", m->what);
		data = make(m->spec, &len);
		test_assert_error(rpd_zephyr_parse(data, len, &cd), m->err,
				  m->msg);
		assert_int_equal(cd.parsed, m->parsed);
		/* What came before the bad block is kept: every case that
		 * stops after the first block starts with ARCH_V2. */
		if (m->parsed >= ARCH_V2_END) {
			assert_int_equal(cd.arm_status, 0);
			assert_frame_regs(&cd.arm);
		}
	}
}

/* More memory blocks than any dump has. */
static void test_too_many_blocks(void **state)
{
	_cleanup_(rpd_zephyr_coredump_release) struct rpd_zephyr_coredump cd = {
		0
	};
	_cleanup_free_ uint8_t *one = NULL, *many = NULL;
	const size_t block = 11 + 1, n = RPD_ZEPHYR_MAX_MEM_BLOCKS + 1;
	size_t len;

	one = make("{'blocks': [('memory', {'start': 0x1000, 'len': 1})]}",
		   &len);
	assert_int_equal(len, RPD_ZEPHYR_HDR_SIZE + block);
	many = malloc(RPD_ZEPHYR_HDR_SIZE + n * block);
	assert_non_null(many);
	memcpy(many, one, RPD_ZEPHYR_HDR_SIZE);
	for (size_t i = 0; i < n; i++)
		memcpy(many + RPD_ZEPHYR_HDR_SIZE + i * block,
		       one + RPD_ZEPHYR_HDR_SIZE, block);
	test_assert_error(
		rpd_zephyr_parse(many, RPD_ZEPHYR_HDR_SIZE + n * block, &cd),
		-E2BIG, "more than 4096 memory blocks");
	assert_int_equal(cd.nmem, RPD_ZEPHYR_MAX_MEM_BLOCKS);
	assert_int_equal(cd.parsed, RPD_ZEPHYR_HDR_SIZE +
					    RPD_ZEPHYR_MAX_MEM_BLOCKS * block);
}

/* Every prefix of a good stream fails cleanly or parses, never more. */
static void test_every_truncation(void **state)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len;

	data = make("{'header': {'version': 2, 'flag': 1}, 'blocks': [" ARCH_V2
		    ", ('threads', {'len': 40}), ('memory', {'start': 0x2000, "
		    "'len': 20}), ('cpu', {'len': 36}), ('crc', {})]}",
		    &len);
	for (size_t cut = 0; cut < len; cut++) {
		_cleanup_(
			rpd_zephyr_coredump_release) struct rpd_zephyr_coredump
			cd = { 0 };
		_cleanup_free_ uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, data, cut);
		assert_int_equal(rpd_zephyr_parse(copy, cut, &cd), -EMSGSIZE);
		assert_true(cd.parsed <= cut);
		assert_true(*rpd_error());
	}
	{
		_cleanup_(
			rpd_zephyr_coredump_release) struct rpd_zephyr_coredump
			cd = { 0 };

		assert_int_equal(rpd_zephyr_parse(data, len, &cd), 0);
		assert_true(cd.have_crc);
	}
}

/* ---- names ---- */

static void test_reason_names(void **state)
{
	static const struct {
		uint32_t reason;
		const char *ident, *name;
	} arm[] = {
		{ 0, "K_ERR_CPU_EXCEPTION", "CPU exception" },
		{ 1, "K_ERR_SPURIOUS_IRQ", "spurious interrupt" },
		{ 2, "K_ERR_STACK_CHK_FAIL", "stack check failed" },
		{ 3, "K_ERR_KERNEL_OOPS", "kernel oops" },
		{ 4, "K_ERR_KERNEL_PANIC", "kernel panic" },
		{ 16, "K_ERR_ARM_MEM_GENERIC", "MemManage fault" },
		{ 19, "K_ERR_ARM_MEM_DATA_ACCESS", "data access violation" },
		{ 21, "K_ERR_ARM_MEM_FP_LAZY_STATE_PRESERVATION",
		  "MemManage fault in lazy FP state preservation" },
		{ 22, "K_ERR_ARM_BUS_GENERIC", "bus fault" },
		{ 25, "K_ERR_ARM_BUS_PRECISE_DATA_BUS",
		  "precise data bus error" },
		{ 28, "K_ERR_ARM_BUS_FP_LAZY_STATE_PRESERVATION",
		  "bus fault in lazy FP state preservation" },
		{ 29, "K_ERR_ARM_USAGE_GENERIC", "usage fault" },
		{ 30, "K_ERR_ARM_USAGE_DIV_0", "divide by zero" },
		{ 36, "K_ERR_ARM_USAGE_UNDEFINED_INSTRUCTION",
		  "undefined instruction" },
		{ 37, "K_ERR_ARM_SECURE_GENERIC", "secure fault" },
		{ 44, "K_ERR_ARM_SECURE_LAZY_STATE_ERROR",
		  "secure lazy state error" },
	};
	static const uint32_t unknown[] = { 5, 15, 45, 0xffffffff };

	for (size_t i = 0; i < ARRAY_SIZE(arm); i++) {
		assert_string_equal(
			rpd_zephyr_reason_ident(arm[i].reason,
						RPD_ZEPHYR_TGT_ARM_CORTEX_M),
			arm[i].ident);
		assert_string_equal(
			rpd_zephyr_reason_name(arm[i].reason,
					       RPD_ZEPHYR_TGT_ARM_CORTEX_M),
			arm[i].name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_null(rpd_zephyr_reason_name(
			unknown[i], RPD_ZEPHYR_TGT_ARM_CORTEX_M));
		assert_null(rpd_zephyr_reason_ident(
			unknown[i], RPD_ZEPHYR_TGT_ARM_CORTEX_M));
	}
	/* Codes from 16 are the architecture's: not ARM's on RISC-V. */
	assert_null(rpd_zephyr_reason_name(30, RPD_ZEPHYR_TGT_RISC_V));
	assert_string_equal(rpd_zephyr_reason_name(4, RPD_ZEPHYR_TGT_RISC_V),
			    "kernel panic");

	assert_string_equal(rpd_zephyr_target_name(3), "ARM Cortex-M");
	assert_string_equal(rpd_zephyr_target_name(4), "RISC-V");
	assert_string_equal(rpd_zephyr_target_name(6), "ARM64");
	assert_string_equal(rpd_zephyr_target_name(0), "unknown");
	assert_null(rpd_zephyr_target_name(7));
}

/* ---- the fuzz seeds ---- */

/* The seeds fuzz_zephyr_coredump starts from are worth starting from:
 * each stream parses, each RAM image holds a buffer that does. */
static void test_fuzz_seeds(void **state)
{
	static const char *const streams[] = { "stream-v1", "stream-v2",
					       "stream-v3", "stream-crc",
					       "stream-64bit" };
	static const struct {
		const char *name;
		int parse;
	} images[] = { { "ram-in-memory", 0 },
		       { "ram-in-memory-full", -EMSGSIZE } };
	char *dir;

	if (asprintf(&dir, "%s/seeds", tmpdir) < 0)
		abort();
	free(test_run("PYTHONPATH='%s/tests/fixtures/python' '%s' -m "
		      "rpdtest.zephyr_coredump --seeds '%s'",
		      RPD_SOURCE_DIR, RPD_PYTHON, dir));
	for (size_t i = 0; i < ARRAY_SIZE(streams); i++) {
		_cleanup_(
			rpd_zephyr_coredump_release) struct rpd_zephyr_coredump
			cd = { 0 };
		_cleanup_free_ char *path = NULL;
		_cleanup_free_ uint8_t *data = NULL;
		size_t len;

		if (asprintf(&path, "%s/zephyr-%s", dir, streams[i]) < 0)
			abort();
		data = test_read_file(path, &len);
		assert_non_null(data);
		assert_int_equal(rpd_zephyr_parse(data, len, &cd), 0);
		assert_true(cd.have_arch);
		assert_true(cd.nmem > 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(images); i++) {
		_cleanup_(
			rpd_zephyr_coredump_release) struct rpd_zephyr_coredump
			cd = { 0 };
		_cleanup_free_ char *path = NULL;
		_cleanup_free_ uint8_t *data = NULL;
		struct rpd_zephyr_in_memory im;
		size_t len;
		bool more;

		if (asprintf(&path, "%s/zephyr-%s", dir, images[i].name) < 0)
			abort();
		data = test_read_file(path, &len);
		assert_non_null(data);
		assert_int_equal(rpd_zephyr_in_memory_find(data, len, RAM_BASE,
							   0, &im, 1, &more),
				 1);
		assert_int_equal(rpd_zephyr_parse(data + im.stream_offset,
						  im.stream_len, &cd),
				 images[i].parse);
		assert_int_equal(cd.arm_status, 0);
	}
	free(dir);
}

static int setup(void **state)
{
	tmpdir = test_tmpdir("zephyr");
	return 0;
}

static int teardown(void **state)
{
	test_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_v1),
		cmocka_unit_test(test_arch_v2),
		cmocka_unit_test(test_arch_v3),
		cmocka_unit_test(test_arch_not_decoded),
		cmocka_unit_test(test_no_arch_block),
		cmocka_unit_test(test_threads_metadata),
		cmocka_unit_test(test_memory_blocks),
		cmocka_unit_test(test_snapshot_and_crc),
		cmocka_unit_test(test_arch_blk_alone),
		cmocka_unit_test(test_sp_quirk_corrected),
		cmocka_unit_test(test_sp_quirk_realigned),
		cmocka_unit_test(test_sp_realignment_left_out),
		cmocka_unit_test(test_sp_quirk_fp_frame),
		cmocka_unit_test(test_sp_newer_confirmed),
		cmocka_unit_test(test_sp_words_differ),
		cmocka_unit_test(test_sp_unreadable),
		cmocka_unit_test(test_in_memory_aligned),
		cmocka_unit_test(test_in_memory_unaligned),
		cmocka_unit_test(test_in_memory_full),
		cmocka_unit_test(test_in_memory_interrupted),
		cmocka_unit_test(test_in_memory_copy_inside),
		cmocka_unit_test(test_in_memory_size_t_64),
		cmocka_unit_test(test_in_memory_bogus_length),
		cmocka_unit_test(test_in_memory_not_there),
		cmocka_unit_test(test_in_memory_many_canaries),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_blocks),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_reason_names),
		cmocka_unit_test(test_fuzz_seeds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
