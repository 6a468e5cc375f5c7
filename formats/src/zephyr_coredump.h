/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * zephyr_coredump.h - Zephyr's own coredump, read from a remote's memory.
 *
 * Zephyr (subsys/debug/coredump) writes a fatal error as a stream of
 * packed little-endian blocks: a 12-byte header ('Z' 'E'), the faulting
 * context's registers (arch block 'A'), in newer releases a copy of the
 * kernel's struct z_kernel (threads metadata 'T'), memory ('M'), CPU
 * snapshots ('F') and a CRC trailer ('C'). The stream goes to a backend;
 * two things of it stay in the remote's RAM, which a remoteproc dump holds:
 *
 *  - with the in-memory backend (newer releases), the whole stream, in the
 *    static in_memory_coredump[]: canary DE B0 DE B0, a size_t length, the
 *    stream, canary DE B0 DE B0;
 *  - with every backend, the arch code's static arch_blk (the arch block's
 *    payload) and the global z_arm_coredump_fault_sp (its sp).
 *
 * How a register source uses this file:
 *
 *   1. The in-memory buffer: the local symbol in_memory_coredump of
 *      coredump_backend_in_memory.c (rpd_firmware_symbol_in_file()) gives
 *      its address and size. Read those bytes from the dump and call
 *      rpd_zephyr_in_memory_check(buf, size, addr, 0, size, &im); without
 *      the symbol, rpd_zephyr_in_memory_find() over each RAM segment.
 *      Then rpd_zephyr_parse() on the stream it locates: registers in
 *      .arm, the reason, the threads metadata and memory blocks.
 *   2. Without it, the symbol arch_blk: its size gives the version
 *      (rpd_zephyr_arm_arch_version()), rpd_zephyr_arm_arch_decode() the
 *      registers. -ENODATA says it is all zero: coredump() never ran.
 *      z_arm_coredump_fault_sp holds the same sp as the latest arch_blk;
 *      a difference means arch_blk is older than the last fault.
 *   3. Either way rpd_zephyr_arm_fix_sp() over the dump's memory: Zephyr
 *      3.4 recorded the address of the exception frame as sp, newer
 *      releases the interrupted code's sp, with nothing in the block to
 *      tell which. Its result says how far sp can be trusted; the
 *      registers are "recorded by Zephyr", sp "corrected" when it moved.
 *   4. rpd_zephyr_reason_name() for the K_ERR_* reason.
 *
 * Every byte is treated as hostile: lengths are checked before use, the
 * parser keeps no pointer into the input (offsets only), and every walk is
 * bounded by the input's size. Functions that fail return a negative errno
 * and leave a message for rpd_error().
 */
#ifndef RPD_ZEPHYR_COREDUMP_H
#define RPD_ZEPHYR_COREDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"
#include "target_memory.h"

/* ---- the stream ------------------------------------------------------- */

#define RPD_ZEPHYR_HDR_SIZE 12
/* Header versions: 1 in Zephyr 3.4, 2 since the threads metadata block
 * (zephyr PR #74906, 2024). */
#define RPD_ZEPHYR_HDR_VERSION_MAX 2
/* Header flag: the stream ends with a CRC trailer. */
#define RPD_ZEPHYR_HDR_FLAG_CRC 0x01
/* More memory blocks than this are refused as absurd (-E2BIG). */
#define RPD_ZEPHYR_MAX_MEM_BLOCKS 4096

/* tgt_code of the header (enum coredump_tgt_code). */
enum rpd_zephyr_target {
	RPD_ZEPHYR_TGT_UNKNOWN = 0,
	RPD_ZEPHYR_TGT_X86 = 1,
	RPD_ZEPHYR_TGT_X86_64 = 2,
	RPD_ZEPHYR_TGT_ARM_CORTEX_M = 3,
	RPD_ZEPHYR_TGT_RISC_V = 4,
	RPD_ZEPHYR_TGT_XTENSA = 5,
	RPD_ZEPHYR_TGT_ARM64 = 6,
};

/* Bytes [offset, offset + len) of the buffer given to the parser. */
struct rpd_zephyr_span {
	size_t offset;
	size_t len;
};

/* A memory block: len bytes of the remote's memory at address start, at
 * offset in the parser's buffer (not copied). */
struct rpd_zephyr_mem_block {
	uint64_t start;
	size_t len;
	size_t offset;
};

/* ---- ARM Cortex-M registers ------------------------------------------- */

/* struct arm_arch_block, the arch block's payload, by version. */
#define RPD_ZEPHYR_ARM_ARCH_V1_SIZE 36 /* r0-r3 r12 lr pc xpsr sp */
#define RPD_ZEPHYR_ARM_ARCH_V2_SIZE 68 /* + r4-r11 */
#define RPD_ZEPHYR_ARM_ARCH_V3_SIZE 76 /* + callee_saved_valid, _offset */
#define RPD_ZEPHYR_ARM_ARCH_VERSION_MAX 3

/* Bits of rpd_zephyr_arm_arch.known: r0-r15 (r13 sp, r14 lr, r15 pc) and
 * xPSR. */
#define RPD_ZEPHYR_REG(n) (1u << (n))
#define RPD_ZEPHYR_REG_XPSR (1u << 16)
/* What every version holds: the stacked frame and sp. */
#define RPD_ZEPHYR_REGS_FRAME                                          \
	(RPD_ZEPHYR_REG(0) | RPD_ZEPHYR_REG(1) | RPD_ZEPHYR_REG(2) |   \
	 RPD_ZEPHYR_REG(3) | RPD_ZEPHYR_REG(12) | RPD_ZEPHYR_REG(13) | \
	 RPD_ZEPHYR_REG(14) | RPD_ZEPHYR_REG(15) | RPD_ZEPHYR_REG_XPSR)
/* r4-r11, which only CONFIG_EXTRA_EXCEPTION_INFO collects. */
#define RPD_ZEPHYR_REGS_CALLEE 0x0ff0u

/* What the block says of r4-r11. */
enum rpd_zephyr_callee {
	RPD_ZEPHYR_CALLEE_ABSENT,  /* version 1 has no room for them */
	RPD_ZEPHYR_CALLEE_ZERO,	   /* version 2, all zero: what Zephyr leaves
				    * when it did not collect them */
	RPD_ZEPHYR_CALLEE_PRESENT, /* version 2, not all zero: collected */
	RPD_ZEPHYR_CALLEE_VALID,   /* version 3, callee_saved_valid set */
	RPD_ZEPHYR_CALLEE_INVALID, /* version 3, callee_saved_valid clear */
};

/* A decoded Cortex-M arch block. Registers the block does not hold are 0
 * and their bit in known is clear. */
struct rpd_zephyr_arm_arch {
	uint16_t version;
	struct rpd_arm_regs regs;
	uint32_t known; /* RPD_ZEPHYR_REG() bits */
	enum rpd_zephyr_callee callee;
	/* CALLEE_VALID: offsetof(struct k_thread, callee_saved) in the
	 * firmware, which locates r4-r11 and psp in every thread */
	uint32_t callee_saved_offset;
};

/* A parsed stream. Zero-initialised by rpd_zephyr_parse(); release with
 * rpd_zephyr_coredump_release() whatever the parse returned. */
struct rpd_zephyr_coredump {
	uint16_t hdr_version;
	uint16_t target; /* enum rpd_zephyr_target, or a newer code */
	uint8_t ptr_size_bits;
	uint8_t flags;	 /* RPD_ZEPHYR_HDR_FLAG_* */
	uint32_t reason; /* K_ERR_*: rpd_zephyr_reason_name() */
	size_t ptr_size; /* bytes of an address: 4, 8, or 0 if unknown */

	bool have_arch;
	uint16_t arch_version;
	struct rpd_zephyr_span arch; /* the arch block's payload */
	/* Registers, for a Cortex-M target: arm_status is 0 when arm holds
	 * them, else why not: -EPROTONOSUPPORT (another target, or an arch
	 * version newer than this reader), -ENODATA (all zero), -ENOENT (no
	 * arch block). Not an error of the stream: the parse still
	 * succeeds. */
	int arm_status;
	struct rpd_zephyr_arm_arch arm;

	bool have_threads;
	uint16_t threads_version;
	struct rpd_zephyr_span threads; /* a copy of struct z_kernel */

	struct rpd_zephyr_mem_block *mem;
	size_t nmem;

	size_t ncpu_snapshots; /* 'F' blocks, skipped */
	bool have_crc;	       /* a CRC trailer, checked */
	/* Bytes of the header and of the complete blocks read: where the
	 * parse stopped if it failed. */
	size_t parsed;
};

/**
 * rpd_zephyr_parse() - parse a Zephyr coredump stream
 * @buf: the stream, starting with its header
 * @len: bytes in @buf: the stream's length when known (the in-memory
 *	 backend's), else everything that may belong to it
 * @out: the result, holding offsets into @buf
 *
 * Reads blocks until @len is used up. Blocks of a kind this reader does not
 * know have no length it could skip them by, so the parse stops there with
 * an error. On failure, @out keeps the header and every block before the
 * bad one (@out->parsed says how far): a dump cut short still gives its
 * registers.
 *
 * Return: 0; -EMSGSIZE: cut short (a header or block extends past @len, or
 * a CRC trailer the header promises is missing); -EBADMSG: not a coredump
 * or a malformed one (magic, pointer size, a memory block ending before it
 * starts, a second arch or threads block, an unknown block, a CRC that
 * does not match, bytes after the trailer); -EPROTONOSUPPORT: a header,
 * memory, snapshot or trailer version this reader does not know; -E2BIG:
 * more than RPD_ZEPHYR_MAX_MEM_BLOCKS memory blocks; -ENOMEM.
 */
int rpd_zephyr_parse(const void *buf, size_t len,
		     struct rpd_zephyr_coredump *out);
/**
 * rpd_zephyr_coredump_release() - free what rpd_zephyr_parse() allocated
 * @cd: a parsed (or zero-initialised) stream; usable as a cleanup
 *	function: _cleanup_(rpd_zephyr_coredump_release)
 */
void rpd_zephyr_coredump_release(struct rpd_zephyr_coredump *cd);

/**
 * rpd_zephyr_arm_arch_version() - the arch block version of a payload size
 * @size: bytes of the payload, or st_size of the firmware's arch_blk
 *
 * Return: 1, 2 or 3; -EPROTONOSUPPORT for any other size.
 */
int rpd_zephyr_arm_arch_version(uint64_t size);

/**
 * rpd_zephyr_arm_arch_decode() - decode a Cortex-M arch block's payload
 * @version: the block's version (the arch block header's, or
 *	     rpd_zephyr_arm_arch_version() of arch_blk's size)
 * @payload: the payload: a stream's arch block, or arch_blk's bytes
 * @len: bytes at @payload; more than the version's size are ignored
 * @out: the registers
 *
 * Return: 0; -EPROTONOSUPPORT: unknown version; -EMSGSIZE: @len too short
 * for @version; -ENODATA: all zero, as arch_blk is until coredump() runs.
 */
int rpd_zephyr_arm_arch_decode(uint16_t version, const void *payload,
			       size_t len, struct rpd_zephyr_arm_arch *out);

/* ---- the stack pointer of Zephyr 3.4 -------------------------------- */

enum rpd_zephyr_sp {
	/* sp held the address of the stacked frame (Zephyr 3.4), or the
	 * frame's end without the 4 bytes the CPU realigned by (newer
	 * releases built for ARMv8-M): moved to the interrupted code's sp,
	 * above the frame */
	RPD_ZEPHYR_SP_CORRECTED,
	/* the frame lies just below sp: it is the interrupted code's sp
	 * already (newer releases) */
	RPD_ZEPHYR_SP_CONFIRMED,
	/* no frame matching the block at sp or below it: sp is as
	 * recorded, and may be wrong (a fatal error raised by software in
	 * 3.4 records no sp at all) */
	RPD_ZEPHYR_SP_UNVERIFIED,
	/* the memory at sp is not in the dump */
	RPD_ZEPHYR_SP_UNREADABLE,
};

struct rpd_zephyr_sp_check {
	enum rpd_zephyr_sp result;
	uint32_t recorded; /* sp as the block held it */
	uint32_t frame;	   /* CORRECTED, CONFIRMED: the frame's address */
	bool fp_frame;	   /* that frame has the FP extension */
	/* CORRECTED without EXC_RETURN: a frame without the FP extension
	 * was assumed (a Cortex-M4F/M7 thread that used the FPU stacked
	 * 0x48 bytes more, and sp is then that much too low) */
	bool frame_type_assumed;
};

/* Bytes the CPU stacks on exception entry, and the xPSR bit saying it
 * realigned sp by 4 bytes first. */
#define RPD_ARM_BASIC_FRAME_SIZE 0x20 /* r0-r3 r12 lr pc xpsr */
#define RPD_ARM_FP_FRAME_SIZE 0x68    /* + s0-s15 fpscr reserved */
#define RPD_ARM_XPSR_STKALIGN (1u << 9)
#define RPD_ARM_STKALIGN_PAD 4

/**
 * rpd_zephyr_arm_fix_sp() - make sp the interrupted code's, as GDB needs
 * @arch: decoded registers; regs.r[13] is corrected in place
 * @mem: the remote's memory, as dumped
 * @exc_return: the EXC_RETURN of the fault if known (a thread's
 *		mode_exc_return, or a crash record's), else 0
 * @check: what was found
 *
 * Reads the 8 words at sp: when words 5, 6 and 7 equal the block's lr, pc
 * and xPSR (the IPSR field of xPSR aside: z_arm_fault() rewrites it in its
 * copy of the frame), sp is the frame's address, and becomes the address
 * above the frame: + 0x20, or 0x68 with an FP frame (EXC_RETURN bit 4
 * clear), + 4 when xPSR bit 9 says the CPU realigned the stack. Otherwise
 * looks for the same frame just below sp, which confirms it; with bit 9
 * set, a frame ending right at sp means the 4 bytes were left out (newer
 * releases skip them on ARMv8-M), and sp is corrected by them.
 *
 * Return: 0 with @check filled; -EINVAL (with a message) unless @arch
 * holds sp, lr, pc and xPSR.
 */
int rpd_zephyr_arm_fix_sp(struct rpd_zephyr_arm_arch *arch,
			  const struct rpd_memory *mem, uint32_t exc_return,
			  struct rpd_zephyr_sp_check *check);

/* ---- the in-memory backend's buffer --------------------------------- */

#define RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE 4
/* Bytes of in_memory_coredump[] besides the stream space: two canaries
 * and the size_t length. */
#define RPD_ZEPHYR_IN_MEMORY_OVERHEAD(size_field) \
	(2 * RPD_ZEPHYR_IN_MEMORY_CANARY_SIZE + (size_field))

/* A buffer found in a region of memory; offsets are the region's. */
struct rpd_zephyr_in_memory {
	uint64_t addr;	      /* of the start canary */
	size_t offset;	      /* of the start canary */
	size_t size_field;    /* bytes of the length (sizeof(size_t)) */
	size_t stream_offset; /* of the stream's header */
	/* Bytes to parse at stream_offset: the recorded length, or when the
	 * dump was interrupted as much as the buffer (or region) holds */
	size_t stream_len;
	/* The length the backend's end() wrote; 0 if it never ran (the dump
	 * was interrupted, stream_len is then an upper bound) */
	uint64_t recorded_len;
	bool interrupted;
	/* end_checked: the buffer's size is known (or it is full) and the
	 * region holds its end; end_canary: the end canary is there */
	bool end_checked;
	bool end_canary;
	/* The stream filled the buffer: what Zephyr wrote past it was
	 * dropped, the stream is cut short */
	bool full;
};

/**
 * rpd_zephyr_in_memory_check() - validate a buffer at a known offset
 * @region: memory as dumped
 * @len: bytes in @region
 * @base: address of @region's first byte
 * @offset: where the buffer starts in @region
 * @size: sizeof(in_memory_coredump), its symbol's st_size; 0 if unknown
 * @out: the buffer
 *
 * Checks the start canary, the stream header after the length field (a
 * 4- or 8-byte size_t, which the header's pointer size must agree with),
 * the recorded length against the buffer and the region, and, when the
 * buffer's end is known and dumped, the end canary. O(1).
 *
 * Return: 0; -ENOENT: no start canary; -EBADMSG: no coredump header after
 * it, or a length smaller than a header or larger than the buffer;
 * -EMSGSIZE: a length past the end of @region; -EPROTONOSUPPORT: a header
 * version this reader does not know; -EINVAL: @size too small for a
 * buffer.
 */
int rpd_zephyr_in_memory_check(const void *region, size_t len, uint64_t base,
			       size_t offset, uint64_t size,
			       struct rpd_zephyr_in_memory *out);

/**
 * rpd_zephyr_in_memory_find() - find in-memory buffers by their canary
 * @region: memory as dumped (a RAM segment)
 * @len: bytes in @region
 * @base: address of @region's first byte
 * @size: sizeof(in_memory_coredump) if known, else 0
 * @found: filled with up to @max buffers, in address order
 * @max: room in @found
 * @more: set when more valid buffers follow the last one stored
 *
 * Every canary is checked with rpd_zephyr_in_memory_check(); the search
 * goes on after a valid buffer's stream, since Zephyr's own memory blocks
 * may hold a copy of the buffer as it was while they were written. The
 * work is linear in @len whatever the bytes: one memmem() pass and O(1)
 * per canary. A buffer is a candidate, not a proof: it may be left over
 * from an earlier boot (the buffer is __noinit); parse it and compare
 * its registers with arch_blk.
 *
 * Return: the number stored (> 0); -ENOENT if no canary is followed by a
 * coredump header; otherwise the error (and message) of the first canary
 * rejected for a bad length or version.
 */
int rpd_zephyr_in_memory_find(const void *region, size_t len, uint64_t base,
			      uint64_t size, struct rpd_zephyr_in_memory *found,
			      size_t max, bool *more);

/* ---- names ------------------------------------------------------------ */

/**
 * rpd_zephyr_target_name() - the name of a header's tgt_code
 * @target: enum rpd_zephyr_target
 *
 * Return: "ARM Cortex-M", "RISC-V", ...; NULL for a code this reader does
 * not know (newer Zephyr releases add targets after ARM64).
 */
const char *rpd_zephyr_target_name(uint16_t target);

/**
 * rpd_zephyr_reason_ident() - the K_ERR_* identifier of a fatal reason
 * @reason: the header's reason
 * @target: the header's tgt_code: codes from 16 (K_ERR_ARCH_START) are
 *	    the architecture's, known here for ARM Cortex-M only
 *
 * Return: "K_ERR_ARM_USAGE_DIV_0" and the like; NULL if unknown.
 */
const char *rpd_zephyr_reason_ident(uint32_t reason, uint16_t target);

/**
 * rpd_zephyr_reason_name() - a short name of a fatal reason, for people
 * @reason: the header's reason
 * @target: the header's tgt_code, as for rpd_zephyr_reason_ident()
 *
 * Return: "divide by zero", "kernel panic", ...; NULL if unknown.
 */
const char *rpd_zephyr_reason_name(uint32_t reason, uint16_t target);

#endif /* RPD_ZEPHYR_COREDUMP_H */
