// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zephyr_coredump.c - read Zephyr's coredump stream, its in-memory
 * backend's buffer and the Cortex-M arch block, from a remote's memory.
 *
 * The layouts are those of Zephyr's include/zephyr/debug/coredump.h,
 * subsys/debug/coredump/coredump_core.c and coredump_backend_in_memory.c
 * and arch/arm/core/cortex_m/coredump.c (3.4: arch/arm/core/aarch32/
 * cortex_m/): packed, little-endian, read byte by byte at the offsets
 * below, never through a struct.
 */
#include <stdarg.h>
#include <stdio.h>
#include <zlib.h>

#include "util.h"
#include "zephyr_coredump.h"

/* struct coredump_hdr_t */
enum {
	HDR_ID = 0,
	HDR_VERSION = 2,
	HDR_TARGET = 4,
	HDR_PTR_BITS = 6,
	HDR_FLAG = 7,
	HDR_REASON = 8,
};

/* ptr_size_bits: log2 of the pointer's bits; 0 when Zephyr did not know */
#define PTR_BITS_UNKNOWN 0
#define PTR_BITS_32 5
#define PTR_BITS_64 6

#define ARCH_ID 'A'
#define THREADS_ID 'T'
#define MEM_ID 'M'
#define CPU_SNAPSHOT_ID 'F'
#define CRC_ID 'C'

/* 'A' and 'T' (and the start of 'F'): char id, u16 version, u16 num_bytes */
#define SIZED_HDR_SIZE 5
#define SIZED_VERSION 1
#define SIZED_NUM_BYTES 3
/* 'M': char id, u16 version, then uintptr_t start and end */
#define MEM_HDR_FIXED 3
#define MEM_VERSION 1
/* 'F': the sized header, u32 cpu_id, then uintptr_t thread */
#define CPU_SNAPSHOT_FIXED 9
#define CPU_SNAPSHOT_VERSION 1
/* 'C': char id, u16 version, u32 crc */
#define CRC_BLOCK_SIZE 7
#define CRC_VERSION 1
#define CRC_VALUE 3

/* Words of struct arm_arch_block */
enum {
	ARM_R0 = 0, /* r0-r3 follow */
	ARM_R12 = 4,
	ARM_LR = 5,
	ARM_PC = 6,
	ARM_XPSR = 7,
	ARM_SP = 8,
	ARM_R4 = 9, /* r4-r11 follow, version 2 on */
	ARM_CALLEE_VALID = 17,
	ARM_CALLEE_OFFSET = 18,
};
#define ARM_WORD 4
#define ARM_NCALLER 4 /* r0-r3 */
#define ARM_NCALLEE 8 /* r4-r11 */

/* The stacked frame: r0 r1 r2 r3 r12 lr pc xpsr */
#define FRAME_WORDS 8
enum { FRAME_LR = 5, FRAME_PC = 6, FRAME_XPSR = 7 };
/* xPSR's exception number, which z_arm_fault() rewrites in its copy */
#define XPSR_IPSR_MASK 0x1ffu
/* EXC_RETURN bit 4 (FType): clear when the frame has the FP extension */
#define EXC_RETURN_FTYPE (1u << 4)

static const uint8_t in_memory_canary[RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE] = {
	0xde, 0xb0, 0xde, 0xb0
};

/* ---- Cortex-M arch block ----------------------------------------------- */

static size_t arm_payload_size(unsigned version)
{
	switch (version) {
	case 1:
		return RPD_ZEPHYR_ARM_ARCH_V1_SIZE;
	case 2:
		return RPD_ZEPHYR_ARM_ARCH_V2_SIZE;
	case 3:
		return RPD_ZEPHYR_ARM_ARCH_V3_SIZE;
	default:
		return 0;
	}
}

int rpd_zephyr_arm_arch_version(uint64_t size)
{
	for (unsigned v = 1; v <= RPD_ZEPHYR_ARM_ARCH_VERSION_MAX; v++)
		if (size == arm_payload_size(v))
			return (int)v;
	return rpd_fail(
		-EPROTONOSUPPORT,
		"zephyr arch block: %llu bytes is no Cortex-M arch block version (36, 68 or 76 bytes)",
		(unsigned long long)size);
}

static uint32_t arm_word(const uint8_t *p, unsigned index)
{
	return get_le32(p + ARM_WORD * index);
}

/* r4-r11 and what the block says of them. */
static void decode_arm_callee(unsigned version, const uint8_t *p,
			      struct rpd_zephyr_arm_arch *out)
{
	uint32_t any = 0;

	for (unsigned i = 0; i < ARM_NCALLEE; i++) {
		out->regs.r[4 + i] = arm_word(p, ARM_R4 + i);
		any |= out->regs.r[4 + i];
	}
	if (version == 2) {
		out->callee = any ? RPD_ZEPHYR_CALLEE_PRESENT :
				    RPD_ZEPHYR_CALLEE_ZERO;
	} else if (arm_word(p, ARM_CALLEE_VALID)) {
		out->callee = RPD_ZEPHYR_CALLEE_VALID;
		out->callee_saved_offset = arm_word(p, ARM_CALLEE_OFFSET);
	} else {
		out->callee = RPD_ZEPHYR_CALLEE_INVALID;
	}
	if (out->callee == RPD_ZEPHYR_CALLEE_PRESENT ||
	    out->callee == RPD_ZEPHYR_CALLEE_VALID)
		out->known |= RPD_ZEPHYR_REGS_CALLEE;
	else
		memset(&out->regs.r[4], 0, ARM_NCALLEE * sizeof(uint32_t));
}

/* The decode without a message, for the stream parser, which records the
 * outcome in arm_status instead of failing. */
static int decode_arm(uint16_t version, const uint8_t *p, size_t len,
		      struct rpd_zephyr_arm_arch *out)
{
	size_t size = arm_payload_size(version);

	memset(out, 0, sizeof(*out));
	if (!size)
		return -EPROTONOSUPPORT;
	if (len < size)
		return -EMSGSIZE;
	if (is_all_zero(p, size))
		return -ENODATA;

	out->version = version;
	for (unsigned i = 0; i < ARM_NCALLER; i++)
		out->regs.r[i] = arm_word(p, ARM_R0 + i);
	out->regs.r[12] = arm_word(p, ARM_R12);
	out->regs.r[13] = arm_word(p, ARM_SP);
	out->regs.r[14] = arm_word(p, ARM_LR);
	out->regs.r[15] = arm_word(p, ARM_PC);
	out->regs.xpsr = arm_word(p, ARM_XPSR);
	out->known = RPD_ZEPHYR_REGS_FRAME;
	if (version == 1)
		out->callee = RPD_ZEPHYR_CALLEE_ABSENT;
	else
		decode_arm_callee(version, p, out);
	return 0;
}

int rpd_zephyr_arm_arch_decode(uint16_t version, const void *payload,
			       size_t len, struct rpd_zephyr_arm_arch *out)
{
	int r = decode_arm(version, payload, len, out);

	switch (r) {
	case 0:
		return 0;
	case -EPROTONOSUPPORT:
		return rpd_fail(
			r,
			"zephyr arch block: version %u is not supported (1 to %d)",
			version, RPD_ZEPHYR_ARM_ARCH_VERSION_MAX);
	case -EMSGSIZE:
		return rpd_fail(
			r,
			"zephyr arch block: version %u needs %zu bytes, %zu present",
			version, arm_payload_size(version), len);
	default:
		return rpd_fail(
			r,
			"zephyr arch block: all zero: coredump() never filled it");
	}
}

/* ---- the stack pointer ------------------------------------------------- */

/*
 * Whether the words at addr are the frame the block was taken from. Only
 * lr, pc and xPSR are compared, which are what the block and the frame
 * share in every release.
 */
static bool frame_at(const struct rpd_memory *mem, uint64_t addr,
		     const struct rpd_arm_regs *regs, bool *readable)
{
	uint8_t frame[FRAME_WORDS * ARM_WORD];

	if (mem->read(mem->ctx, addr, frame, sizeof(frame)) < 0)
		return false;
	*readable = true;
	return get_le32(frame + ARM_WORD * FRAME_LR) == regs->r[14] &&
	       get_le32(frame + ARM_WORD * FRAME_PC) == regs->r[15] &&
	       (get_le32(frame + ARM_WORD * FRAME_XPSR) & ~XPSR_IPSR_MASK) ==
		       (regs->xpsr & ~XPSR_IPSR_MASK);
}

/* Looks for the frame just below sp, where the CPU stacked it for code
 * running at sp: one size when EXC_RETURN tells it, else both. */
static bool frame_below(const struct rpd_memory *mem, uint32_t sp, uint32_t pad,
			uint32_t exc_return, const struct rpd_arm_regs *regs,
			bool *readable, struct rpd_zephyr_sp_check *check)
{
	static const uint32_t sizes[] = { RPD_ARM_BASIC_FRAME_SIZE,
					  RPD_ARM_FP_FRAME_SIZE };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		bool fp = sizes[i] == RPD_ARM_FP_FRAME_SIZE;

		if (exc_return && fp != !(exc_return & EXC_RETURN_FTYPE))
			continue;
		if (sp < sizes[i] + pad)
			continue;
		if (frame_at(mem, sp - pad - sizes[i], regs, readable)) {
			check->frame = sp - pad - sizes[i];
			check->fp_frame = fp;
			return true;
		}
	}
	return false;
}

int rpd_zephyr_arm_fix_sp(struct rpd_zephyr_arm_arch *arch,
			  const struct rpd_memory *mem, uint32_t exc_return,
			  struct rpd_zephyr_sp_check *check)
{
	const uint32_t need = RPD_ZEPHYR_REG(13) | RPD_ZEPHYR_REG(14) |
			      RPD_ZEPHYR_REG(15) | RPD_ZEPHYR_REG_XPSR;
	struct rpd_arm_regs *regs = &arch->regs;
	uint32_t sp = regs->r[13], pad, size;
	bool readable = false;

	if ((arch->known & need) != need)
		return rpd_fail(
			-EINVAL,
			"zephyr arch block: sp, lr, pc and xPSR are needed to check sp");

	memset(check, 0, sizeof(*check));
	check->recorded = sp;
	pad = regs->xpsr & RPD_ARM_XPSR_STKALIGN ? RPD_ARM_STKALIGN_PAD : 0;
	check->fp_frame = exc_return && !(exc_return & EXC_RETURN_FTYPE);
	check->frame_type_assumed = !exc_return;
	size = check->fp_frame ? RPD_ARM_FP_FRAME_SIZE :
				 RPD_ARM_BASIC_FRAME_SIZE;

	/* Zephyr 3.4: the frame itself is at sp. */
	if ((uint64_t)sp + size + pad <= UINT32_MAX &&
	    frame_at(mem, sp, regs, &readable)) {
		check->result = RPD_ZEPHYR_SP_CORRECTED;
		check->frame = sp;
		regs->r[13] = sp + size + pad;
		return 0;
	}
	check->frame_type_assumed = false;
	check->fp_frame = false;
	/* Newer releases: the frame lies just below sp. */
	if (frame_below(mem, sp, pad, exc_return, regs, &readable, check)) {
		check->result = RPD_ZEPHYR_SP_CONFIRMED;
		return 0;
	}
	/* Newer releases built for ARMv8-M leave the realignment out: the
	 * frame ends at sp, 4 bytes short of the interrupted code's sp. */
	if (pad && sp <= UINT32_MAX - pad &&
	    frame_below(mem, sp, 0, exc_return, regs, &readable, check)) {
		check->result = RPD_ZEPHYR_SP_CORRECTED;
		regs->r[13] = sp + pad;
		return 0;
	}
	check->result = readable ? RPD_ZEPHYR_SP_UNVERIFIED :
				   RPD_ZEPHYR_SP_UNREADABLE;
	return 0;
}

/* ---- the stream -------------------------------------------------------- */

struct stream {
	const uint8_t *p;
	size_t len;
	size_t off; /* of the block being read */
	struct rpd_zephyr_coredump *cd;
	size_t mem_cap;
};

static size_t remaining(const struct stream *s)
{
	return s->len - s->off;
}

static uint64_t get_ptr(const uint8_t *p, size_t ptr_size)
{
	return ptr_size == sizeof(uint64_t) ? get_le64(p) : get_le32(p);
}

static int check_ptr_size(struct rpd_zephyr_coredump *cd)
{
	switch (cd->ptr_size_bits) {
	case PTR_BITS_UNKNOWN:
		cd->ptr_size = 0;
		break;
	case PTR_BITS_32:
		cd->ptr_size = sizeof(uint32_t);
		break;
	case PTR_BITS_64:
		cd->ptr_size = sizeof(uint64_t);
		break;
	default:
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: pointer size 2^%u bits is neither 32 nor 64 bits",
			cd->ptr_size_bits);
	}
	if (cd->target == RPD_ZEPHYR_TGT_ARM_CORTEX_M &&
	    cd->ptr_size == sizeof(uint64_t))
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: a Cortex-M target with 64-bit pointers");
	return 0;
}

static int parse_header(struct stream *s)
{
	struct rpd_zephyr_coredump *cd = s->cd;
	const uint8_t *p = s->p;

	if (s->len < RPD_ZEPHYR_HDR_SIZE)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: %zu bytes are too few for its %d-byte header",
			s->len, RPD_ZEPHYR_HDR_SIZE);
	if (p[HDR_ID] != 'Z' || p[HDR_ID + 1] != 'E')
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: no header: 'Z' 'E' expected, found 0x%02x 0x%02x",
			p[HDR_ID], p[HDR_ID + 1]);

	cd->hdr_version = get_le16(p + HDR_VERSION);
	cd->target = get_le16(p + HDR_TARGET);
	cd->ptr_size_bits = p[HDR_PTR_BITS];
	cd->flags = p[HDR_FLAG];
	cd->reason = get_le32(p + HDR_REASON);
	if (cd->hdr_version < 1 || cd->hdr_version > RPD_ZEPHYR_HDR_VERSION_MAX)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"zephyr coredump: header version %u is not supported (1 to %d)",
			cd->hdr_version, RPD_ZEPHYR_HDR_VERSION_MAX);
	s->off = RPD_ZEPHYR_HDR_SIZE;
	return check_ptr_size(cd);
}

/* The header of an 'A', 'T' or 'F' block, and its payload's size, which
 * must fit after fixed (the bytes of that block's own header). */
static int sized_block(const struct stream *s, const char *what, size_t fixed,
		       uint16_t *version, size_t *payload)
{
	const uint8_t *p = s->p + s->off;
	uint16_t num_bytes;

	if (remaining(s) < fixed)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: %s block at offset %zu: its %zu-byte header is cut short (%zu bytes remain)",
			what, s->off, fixed, remaining(s));
	*version = get_le16(p + SIZED_VERSION);
	num_bytes = get_le16(p + SIZED_NUM_BYTES);
	if (num_bytes > remaining(s) - fixed)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: %s block at offset %zu declares %u bytes, %zu remain",
			what, s->off, num_bytes, remaining(s) - fixed);
	*payload = num_bytes;
	return 0;
}

static int parse_arch(struct stream *s)
{
	struct rpd_zephyr_coredump *cd = s->cd;
	size_t len;
	int r;

	if (cd->have_arch)
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: a second arch block at offset %zu",
			s->off);
	r = sized_block(s, "arch", SIZED_HDR_SIZE, &cd->arch_version, &len);
	if (r < 0)
		return r;
	cd->have_arch = true;
	cd->arch = (struct rpd_zephyr_span){ s->off + SIZED_HDR_SIZE, len };

	if (cd->target != RPD_ZEPHYR_TGT_ARM_CORTEX_M) {
		cd->arm_status = -EPROTONOSUPPORT;
	} else {
		r = decode_arm(cd->arch_version, s->p + cd->arch.offset, len,
			       &cd->arm);
		if (r == -EMSGSIZE)
			return rpd_fail(
				-EBADMSG,
				"zephyr coredump: arch block version %u at offset %zu holds %zu bytes, fewer than its registers (%zu)",
				cd->arch_version, s->off, len,
				arm_payload_size(cd->arch_version));
		cd->arm_status = r;
	}
	s->off += SIZED_HDR_SIZE + len;
	return 0;
}

static int parse_threads(struct stream *s)
{
	struct rpd_zephyr_coredump *cd = s->cd;
	size_t len;
	int r;

	if (cd->have_threads)
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: a second threads metadata block at offset %zu",
			s->off);
	r = sized_block(s, "threads metadata", SIZED_HDR_SIZE,
			&cd->threads_version, &len);
	if (r < 0)
		return r;
	cd->have_threads = true;
	cd->threads = (struct rpd_zephyr_span){ s->off + SIZED_HDR_SIZE, len };
	s->off += SIZED_HDR_SIZE + len;
	return 0;
}

/* Blocks whose addresses take the header's pointer size. */
static int need_ptr_size(const struct stream *s, const char *what)
{
	if (s->cd->ptr_size)
		return 0;
	return rpd_fail(
		-EPROTONOSUPPORT,
		"zephyr coredump: %s block at offset %zu: the header gives no pointer size to read it by",
		what, s->off);
}

static int add_mem_block(struct stream *s, uint64_t start, size_t len,
			 size_t offset)
{
	struct rpd_zephyr_coredump *cd = s->cd;

	if (cd->nmem >= RPD_ZEPHYR_MAX_MEM_BLOCKS)
		return rpd_fail(
			-E2BIG,
			"zephyr coredump: more than %d memory blocks (at offset %zu)",
			RPD_ZEPHYR_MAX_MEM_BLOCKS, s->off);
	if (cd->nmem == s->mem_cap) {
		size_t cap = s->mem_cap ? 2 * s->mem_cap : 16;
		struct rpd_zephyr_mem_block *mem;

		mem = reallocarray(cd->mem, cap, sizeof(*mem));
		if (!mem)
			return rpd_fail(-ENOMEM, "zephyr coredump: %m");
		cd->mem = mem;
		s->mem_cap = cap;
	}
	cd->mem[cd->nmem++] =
		(struct rpd_zephyr_mem_block){ start, len, offset };
	return 0;
}

static int parse_memory(struct stream *s)
{
	size_t ptr = s->cd->ptr_size, fixed = MEM_HDR_FIXED + 2 * ptr;
	const uint8_t *p = s->p + s->off;
	uint64_t start, end;
	uint16_t version;
	int r;

	r = need_ptr_size(s, "memory");
	if (r < 0)
		return r;
	if (remaining(s) < fixed)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: memory block at offset %zu: its %zu-byte header is cut short (%zu bytes remain)",
			s->off, fixed, remaining(s));
	version = get_le16(p + SIZED_VERSION);
	if (version != MEM_VERSION)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"zephyr coredump: memory block at offset %zu: version %u is not supported (%d)",
			s->off, version, MEM_VERSION);
	start = get_ptr(p + MEM_HDR_FIXED, ptr);
	end = get_ptr(p + MEM_HDR_FIXED + ptr, ptr);
	/* coredump_memory_dump() writes no block with start >= end. */
	if (end <= start)
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: memory block at offset %zu ends at 0x%llx, not after its start 0x%llx",
			s->off, (unsigned long long)end,
			(unsigned long long)start);
	if (end - start > remaining(s) - fixed)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: memory block at offset %zu (0x%llx-0x%llx) needs %llu bytes, %zu remain",
			s->off, (unsigned long long)start,
			(unsigned long long)end,
			(unsigned long long)(end - start),
			remaining(s) - fixed);
	r = add_mem_block(s, start, (size_t)(end - start), s->off + fixed);
	if (r < 0)
		return r;
	s->off += fixed + (size_t)(end - start);
	return 0;
}

static int parse_cpu_snapshot(struct stream *s)
{
	size_t fixed = CPU_SNAPSHOT_FIXED + s->cd->ptr_size, len;
	uint16_t version;
	int r;

	r = need_ptr_size(s, "CPU snapshot");
	if (r < 0)
		return r;
	r = sized_block(s, "CPU snapshot", fixed, &version, &len);
	if (r < 0)
		return r;
	if (version != CPU_SNAPSHOT_VERSION)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"zephyr coredump: CPU snapshot at offset %zu: version %u is not supported (%d)",
			s->off, version, CPU_SNAPSHOT_VERSION);
	s->cd->ncpu_snapshots++;
	s->off += fixed + len;
	return 0;
}

/* The trailer: CRC-32 (IEEE, as zlib's) of every byte before it, last. */
static int parse_crc(struct stream *s)
{
	const uint8_t *p = s->p + s->off;
	uint32_t recorded, computed;
	uint16_t version;

	if (remaining(s) < CRC_BLOCK_SIZE)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: CRC trailer at offset %zu is cut short (%zu of %d bytes)",
			s->off, remaining(s), CRC_BLOCK_SIZE);
	version = get_le16(p + SIZED_VERSION);
	if (version != CRC_VERSION)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"zephyr coredump: CRC trailer at offset %zu: version %u is not supported (%d)",
			s->off, version, CRC_VERSION);
	recorded = get_le32(p + CRC_VALUE);
	computed = (uint32_t)crc32_z(0, s->p, s->off);
	if (recorded != computed)
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: CRC trailer at offset %zu says 0x%08x, the bytes before it give 0x%08x",
			s->off, recorded, computed);
	if (remaining(s) > CRC_BLOCK_SIZE)
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: %zu bytes follow the CRC trailer at offset %zu",
			remaining(s) - CRC_BLOCK_SIZE, s->off);
	s->cd->have_crc = true;
	s->off += CRC_BLOCK_SIZE;
	return 0;
}

static int parse_block(struct stream *s)
{
	uint8_t id = s->p[s->off];

	switch (id) {
	case ARCH_ID:
		return parse_arch(s);
	case THREADS_ID:
		return parse_threads(s);
	case MEM_ID:
		return parse_memory(s);
	case CPU_SNAPSHOT_ID:
		return parse_cpu_snapshot(s);
	case CRC_ID:
		return parse_crc(s);
	default:
		return rpd_fail(
			-EBADMSG,
			"zephyr coredump: unknown block 0x%02x at offset %zu: its length is not known, the rest cannot be read",
			id, s->off);
	}
}

int rpd_zephyr_parse(const void *buf, size_t len,
		     struct rpd_zephyr_coredump *out)
{
	struct stream s = { .p = buf, .len = len, .cd = out };
	int r;

	memset(out, 0, sizeof(*out));
	out->arm_status = -ENOENT;
	r = parse_header(&s);
	if (r < 0)
		return r;
	out->parsed = s.off;
	/* Every block moves s.off forward by at least its id byte. */
	while (s.off < s.len) {
		r = parse_block(&s);
		if (r < 0)
			return r;
		out->parsed = s.off;
	}
	if ((out->flags & RPD_ZEPHYR_HDR_FLAG_CRC) && !out->have_crc)
		return rpd_fail(
			-EMSGSIZE,
			"zephyr coredump: cut short: the header promises a CRC trailer, the stream ends after %zu bytes without one",
			s.off);
	return 0;
}

void rpd_zephyr_coredump_release(struct rpd_zephyr_coredump *cd)
{
	free(cd->mem);
	cd->mem = NULL;
	cd->nmem = 0;
}

/* ---- the in-memory backend's buffer ------------------------------------ */

/*
 * The length field's size: the one after which a coredump header starts,
 * and which the header's pointer size agrees with (size_t and uintptr_t
 * are one size on Zephyr's targets). 0 if none.
 */
static size_t size_field_before_header(const uint8_t *p, size_t avail)
{
	static const size_t sizes[] = { sizeof(uint32_t), sizeof(uint64_t) };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t hdr = RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE + sizes[i];
		uint8_t bits;

		if (avail < hdr + RPD_ZEPHYR_HDR_SIZE)
			continue;
		if (p[hdr + HDR_ID] != 'Z' || p[hdr + HDR_ID + 1] != 'E')
			continue;
		bits = p[hdr + HDR_PTR_BITS];
		if (bits == PTR_BITS_UNKNOWN ||
		    (bits == PTR_BITS_32 && sizes[i] == sizeof(uint32_t)) ||
		    (bits == PTR_BITS_64 && sizes[i] == sizeof(uint64_t)))
			return sizes[i];
	}
	return 0;
}

/* A buffer rejected: the message is made only when asked for, since a
 * search may reject a candidate at every canary. */
static int reject(bool quiet, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reject(bool quiet, int err, const char *fmt, ...)
{
	char message[256];
	va_list ap;

	if (quiet)
		return err;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return rpd_fail(err, "%s", message);
}

/* The recorded length against the buffer and the region. */
static int check_recorded_len(const struct rpd_zephyr_in_memory *im,
			      uint64_t capacity, size_t avail, bool quiet)
{
	if (!im->recorded_len)
		return 0;
	if (im->recorded_len < RPD_ZEPHYR_HDR_SIZE)
		return reject(
			quiet, -EBADMSG,
			"zephyr in-memory coredump at 0x%llx: length %llu is shorter than a header",
			(unsigned long long)im->addr,
			(unsigned long long)im->recorded_len);
	if (capacity && im->recorded_len > capacity)
		return reject(
			quiet, -EBADMSG,
			"zephyr in-memory coredump at 0x%llx: length %llu exceeds the buffer's %llu bytes",
			(unsigned long long)im->addr,
			(unsigned long long)im->recorded_len,
			(unsigned long long)capacity);
	if (im->recorded_len > avail)
		return reject(
			quiet, -EMSGSIZE,
			"zephyr in-memory coredump at 0x%llx: length %llu runs past the dumped memory (%zu bytes)",
			(unsigned long long)im->addr,
			(unsigned long long)im->recorded_len, avail);
	return 0;
}

/* The end canary: at the buffer's end when its size is known, else only
 * where a full buffer's would be, right after the stream. */
static void check_end(const uint8_t *region, size_t len,
		      struct rpd_zephyr_in_memory *im, uint64_t size,
		      uint64_t capacity)
{
	uint64_t end;
	bool canary;

	if (size) {
		im->full = im->recorded_len == capacity;
		end = im->offset + size - RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE;
	} else if (im->recorded_len) {
		end = im->stream_offset + im->recorded_len;
	} else {
		return;
	}
	if (!range_within(end, RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE, len))
		return;
	canary = !memcmp(region + end, in_memory_canary,
			 RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE);
	if (!size) {
		if (!canary)
			return; /* not full: where its end is stays unknown */
		im->full = true;
	}
	im->end_checked = true;
	im->end_canary = canary;
}

static int check_in_memory(const uint8_t *region, size_t len, uint64_t base,
			   size_t offset, uint64_t size, bool quiet,
			   struct rpd_zephyr_in_memory *out)
{
	uint64_t capacity = 0;
	size_t avail, hdr;
	const uint8_t *p;
	uint16_t version;
	int r;

	memset(out, 0, sizeof(*out));
	out->addr = base + offset;
	out->offset = offset;
	if (offset > len || len - offset < RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE ||
	    memcmp(region + offset, in_memory_canary,
		   RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE))
		return reject(
			quiet, -ENOENT,
			"zephyr in-memory coredump at 0x%llx: no canary DE B0 DE B0",
			(unsigned long long)out->addr);
	p = region + offset;
	out->size_field = size_field_before_header(p, len - offset);
	if (!out->size_field)
		return reject(
			quiet, -EBADMSG,
			"zephyr in-memory coredump at 0x%llx: no coredump header follows the canary and length",
			(unsigned long long)out->addr);
	hdr = RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE + out->size_field;
	version = get_le16(p + hdr + HDR_VERSION);
	if (version < 1 || version > RPD_ZEPHYR_HDR_VERSION_MAX)
		return reject(
			quiet, -EPROTONOSUPPORT,
			"zephyr in-memory coredump at 0x%llx: header version %u is not supported (1 to %d)",
			(unsigned long long)out->addr, version,
			RPD_ZEPHYR_HDR_VERSION_MAX);
	if (size) {
		if (size < RPD_ZEPHYR_IN_MEMORY_OVERHEAD(out->size_field) +
				   RPD_ZEPHYR_HDR_SIZE)
			return reject(
				quiet, -EINVAL,
				"zephyr in-memory coredump at 0x%llx: %llu bytes are too few for a buffer",
				(unsigned long long)out->addr,
				(unsigned long long)size);
		capacity =
			size - RPD_ZEPHYR_IN_MEMORY_OVERHEAD(out->size_field);
	}

	out->stream_offset = offset + hdr;
	avail = len - out->stream_offset;
	out->recorded_len =
		out->size_field == sizeof(uint64_t) ?
			get_le64(p + RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE) :
			get_le32(p + RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE);
	r = check_recorded_len(out, capacity, avail, quiet);
	if (r < 0)
		return r;
	out->interrupted = !out->recorded_len;
	if (out->interrupted)
		out->stream_len = capacity ? (size_t)MIN(capacity, avail) :
					     avail;
	else
		out->stream_len = (size_t)out->recorded_len;
	check_end(region, len, out, size, capacity);
	return 0;
}

int rpd_zephyr_in_memory_check(const void *region, size_t len, uint64_t base,
			       size_t offset, uint64_t size,
			       struct rpd_zephyr_in_memory *out)
{
	return check_in_memory(region, len, base, offset, size, false, out);
}

/*
 * The next canary at or after off. memchr() for its first byte costs
 * nothing per call, where memmem() prepares its search anew each time: a
 * region made of canaries calls this at every other byte.
 */
static const uint8_t *next_canary(const uint8_t *p, size_t len, size_t off)
{
	while (len - off >= RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE) {
		const uint8_t *hit = memchr(
			p + off, in_memory_canary[0],
			len - off - RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE + 1);

		if (!hit)
			return NULL;
		if (!memcmp(hit, in_memory_canary,
			    RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE))
			return hit;
		off = (size_t)(hit - p) + 1;
	}
	return NULL;
}

int rpd_zephyr_in_memory_find(const void *region, size_t len, uint64_t base,
			      uint64_t size, struct rpd_zephyr_in_memory *found,
			      size_t max, bool *more)
{
	const uint8_t *p = region;
	size_t n = 0, off = 0;
	int first_err = 0; /* its message stays: later ones are quiet */

	*more = false;
	/* off only grows, and each step costs O(1) beyond the bytes it
	 * passes: linear in len. */
	while (off < len) {
		const uint8_t *hit = next_canary(p, len, off);
		struct rpd_zephyr_in_memory im;
		int r;

		if (!hit)
			break;
		off = (size_t)(hit - p);
		/* A canary alone is four bytes any memory may hold; only one
		 * with a header after it is worth a message. */
		if (!size_field_before_header(hit, len - off)) {
			off++;
			continue;
		}
		r = check_in_memory(p, len, base, off, size, first_err != 0,
				    &im);
		if (r < 0) {
			if (!first_err)
				first_err = r;
			off++;
			continue;
		}
		if (n == max) {
			*more = true;
			break;
		}
		found[n++] = im;
		/* An interrupted stream's end is not known: look on right
		 * after its header. */
		off = im.stream_offset +
		      (im.interrupted ? RPD_ZEPHYR_HDR_SIZE : im.stream_len);
	}
	if (n)
		return (int)n;
	if (first_err)
		return first_err;
	return rpd_fail(
		-ENOENT,
		"no zephyr in-memory coredump (canary DE B0 DE B0 and a header) in 0x%llx+0x%zx",
		(unsigned long long)base, len);
}

/* ---- names ------------------------------------------------------------- */

struct reason {
	const char *ident;
	const char *name;
};

/* enum k_fatal_error_reason, include/zephyr/fatal_types.h */
static const struct reason generic_reasons[] = {
	{ "K_ERR_CPU_EXCEPTION", "CPU exception" },
	{ "K_ERR_SPURIOUS_IRQ", "spurious interrupt" },
	{ "K_ERR_STACK_CHK_FAIL", "stack check failed" },
	{ "K_ERR_KERNEL_OOPS", "kernel oops" },
	{ "K_ERR_KERNEL_PANIC", "kernel panic" },
};

/* K_ERR_ARCH_START: the first architecture-specific reason */
#define K_ERR_ARCH_START 16

/* enum k_fatal_error_reason_arch, include/zephyr/arch/arm/arch.h, from
 * K_ERR_ARCH_START: the Cortex-M part (Cortex-A/R codes follow it) */
static const struct reason arm_m_reasons[] = {
	{ "K_ERR_ARM_MEM_GENERIC", "MemManage fault" },
	{ "K_ERR_ARM_MEM_STACKING", "MemManage fault on exception entry" },
	{ "K_ERR_ARM_MEM_UNSTACKING", "MemManage fault on exception return" },
	{ "K_ERR_ARM_MEM_DATA_ACCESS", "data access violation" },
	{ "K_ERR_ARM_MEM_INSTRUCTION_ACCESS", "instruction access violation" },
	{ "K_ERR_ARM_MEM_FP_LAZY_STATE_PRESERVATION",
	  "MemManage fault in lazy FP state preservation" },
	{ "K_ERR_ARM_BUS_GENERIC", "bus fault" },
	{ "K_ERR_ARM_BUS_STACKING", "bus fault on exception entry" },
	{ "K_ERR_ARM_BUS_UNSTACKING", "bus fault on exception return" },
	{ "K_ERR_ARM_BUS_PRECISE_DATA_BUS", "precise data bus error" },
	{ "K_ERR_ARM_BUS_IMPRECISE_DATA_BUS", "imprecise data bus error" },
	{ "K_ERR_ARM_BUS_INSTRUCTION_BUS", "instruction bus error" },
	{ "K_ERR_ARM_BUS_FP_LAZY_STATE_PRESERVATION",
	  "bus fault in lazy FP state preservation" },
	{ "K_ERR_ARM_USAGE_GENERIC", "usage fault" },
	{ "K_ERR_ARM_USAGE_DIV_0", "divide by zero" },
	{ "K_ERR_ARM_USAGE_UNALIGNED_ACCESS", "unaligned access" },
	{ "K_ERR_ARM_USAGE_STACK_OVERFLOW", "stack overflow" },
	{ "K_ERR_ARM_USAGE_NO_COPROCESSOR", "no coprocessor" },
	{ "K_ERR_ARM_USAGE_ILLEGAL_EXC_RETURN", "illegal EXC_RETURN" },
	{ "K_ERR_ARM_USAGE_ILLEGAL_EPSR", "illegal EPSR" },
	{ "K_ERR_ARM_USAGE_UNDEFINED_INSTRUCTION", "undefined instruction" },
	{ "K_ERR_ARM_SECURE_GENERIC", "secure fault" },
	{ "K_ERR_ARM_SECURE_ENTRY_POINT", "invalid secure entry point" },
	{ "K_ERR_ARM_SECURE_INTEGRITY_SIGNATURE",
	  "invalid secure integrity signature" },
	{ "K_ERR_ARM_SECURE_EXCEPTION_RETURN",
	  "invalid secure exception return" },
	{ "K_ERR_ARM_SECURE_ATTRIBUTION_UNIT",
	  "security attribution violation" },
	{ "K_ERR_ARM_SECURE_TRANSITION", "invalid security transition" },
	{ "K_ERR_ARM_SECURE_LAZY_STATE_PRESERVATION",
	  "secure fault in lazy state preservation" },
	{ "K_ERR_ARM_SECURE_LAZY_STATE_ERROR", "secure lazy state error" },
};

static const struct reason *find_reason(uint32_t reason, uint16_t target)
{
	if (reason < ARRAY_SIZE(generic_reasons))
		return &generic_reasons[reason];
	if (target != RPD_ZEPHYR_TGT_ARM_CORTEX_M || reason < K_ERR_ARCH_START)
		return NULL;
	if (reason - K_ERR_ARCH_START >= ARRAY_SIZE(arm_m_reasons))
		return NULL;
	return &arm_m_reasons[reason - K_ERR_ARCH_START];
}

const char *rpd_zephyr_reason_ident(uint32_t reason, uint16_t target)
{
	const struct reason *r = find_reason(reason, target);

	return r ? r->ident : NULL;
}

const char *rpd_zephyr_reason_name(uint32_t reason, uint16_t target)
{
	const struct reason *r = find_reason(reason, target);

	return r ? r->name : NULL;
}

const char *rpd_zephyr_target_name(uint16_t target)
{
	static const char *const names[] = {
		[RPD_ZEPHYR_TGT_UNKNOWN] = "unknown",
		[RPD_ZEPHYR_TGT_X86] = "x86",
		[RPD_ZEPHYR_TGT_X86_64] = "x86_64",
		[RPD_ZEPHYR_TGT_ARM_CORTEX_M] = "ARM Cortex-M",
		[RPD_ZEPHYR_TGT_RISC_V] = "RISC-V",
		[RPD_ZEPHYR_TGT_XTENSA] = "Xtensa",
		[RPD_ZEPHYR_TGT_ARM64] = "ARM64",
	};

	return target < ARRAY_SIZE(names) ? names[target] : NULL;
}
