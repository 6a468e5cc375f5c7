// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exception_frame.c - find the frame an M-profile CPU stacked on exception
 * entry, from memory and the firmware image alone (exception_frame.h).
 */
#include <elf.h>

#include "exception_frame.h"
#include "util.h"

#define XPSR_THUMB (1u << 24)
/* Bits 23:20 are reserved in every M-profile xPSR. */
#define XPSR_RESERVED 0x00f00000u
/* The exception number the interrupted code was running (0: thread). */
#define XPSR_IPSR 0x1ffu
/* Set in the stacked xPSR when the CPU added a word to align the frame. */
#define XPSR_STACK_ALIGNED (1u << 9)
/* What an RTOS writes for a task that has never run: Thumb, thread mode. */
#define XPSR_INITIAL 0x01000000u
/* EXC_RETURN values all start 0xff (v7-M 0xfffffffX; v8-M 0xffffffXX). */
#define EXC_RETURN_PREFIX 0xff000000u

/* VTOR needs at least this alignment, so a vector table starts on it. */
#define VECTOR_TABLE_ALIGN 128
#define FRAME_ALIGN 8
#define SCAN_CHUNK 4096

enum { W_R0, W_R1, W_R2, W_R3, W_R12, W_LR, W_PC, W_XPSR };

static bool in_code(const struct rpd_firmware *fw, uint32_t addr)
{
	for (size_t i = 0; i < rpd_firmware_nsegments(fw); i++) {
		const struct rpd_segment *s = rpd_firmware_segment(fw, i);

		if ((s->flags & PF_X) && addr >= s->vaddr &&
		    addr - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

/*
 * In a function, when the firmware's symbol table has functions: code at
 * address 0 makes every small even number look like a code address.
 */
static bool in_function(const struct rpd_firmware *fw, uint32_t addr)
{
	const struct rpd_symbol *sym;

	if (!in_code(fw, addr))
		return false;
	if (rpd_firmware_symbol_at(fw, addr, &sym) < 0)
		return true; /* stripped: the segment is all we know */
	return sym->type == STT_FUNC && addr >= sym->addr &&
	       addr - sym->addr < MAX(sym->size, 2);
}

static uint16_t halfword(const struct rpd_firmware *fw, uint32_t addr)
{
	uint8_t b[2];

	return rpd_firmware_read(fw, addr, b, sizeof(b)) == 0 ? get_le16(b) : 0;
}

/* Whether the instruction before ret is a BL or a BLX register: lr holds
 * the return address of the last call made, unless it was spilled. */
static bool follows_call(const struct rpd_firmware *fw, uint32_t ret)
{
	uint16_t hw1 = halfword(fw, ret - 4), hw2 = halfword(fw, ret - 2);

	if ((hw1 & 0xf800) == 0xf000 && (hw2 & 0xd000) == 0xd000)
		return true;		 /* BL: 11110 ... then 11x1 ... */
	return (hw2 & 0xff87) == 0x4780; /* BLX Rm */
}

static bool plausible_lr(const struct rpd_firmware *fw, uint32_t lr)
{
	if ((lr & EXC_RETURN_PREFIX) == EXC_RETURN_PREFIX)
		return true;
	return (lr & 1) && in_function(fw, lr & ~1u) &&
	       follows_call(fw, lr & ~1u);
}

static bool plausible_frame(const struct rpd_firmware *fw, uint32_t nvectors,
			    const uint32_t *w)
{
	uint32_t xpsr = w[W_XPSR], pc = w[W_PC];

	return (xpsr & XPSR_THUMB) && !(xpsr & XPSR_RESERVED) &&
	       (xpsr & XPSR_IPSR) < nvectors && !(pc & 1) &&
	       in_function(fw, pc) && plausible_lr(fw, w[W_LR]);
}

/* The frame an RTOS builds so that a new task "returns" into its entry. */
static bool is_initial_frame(const struct rpd_firmware *fw, const uint32_t *w)
{
	const struct rpd_symbol *sym;

	return w[W_XPSR] == XPSR_INITIAL &&
	       rpd_firmware_symbol_at(fw, w[W_PC], &sym) == 0 &&
	       sym->type == STT_FUNC && sym->addr == w[W_PC];
}

/* Reads [low, high) in chunks; chunks[i] tells whether chunk i was read. */
static void read_stack(const struct rpd_memory *mem, uint64_t low,
		       uint64_t high, uint8_t *buf, bool *chunks)
{
	for (uint64_t off = 0, i = 0; off < high - low;
	     off += SCAN_CHUNK, i++) {
		size_t n = (size_t)MIN((uint64_t)SCAN_CHUNK, high - low - off);

		chunks[i] = rpd_memory_read(mem, low + off, buf + off, n) == 0;
	}
}

static bool frame_readable(const bool *chunks, uint64_t off)
{
	return chunks[off / SCAN_CHUNK] &&
	       chunks[(off + RPD_EXC_FRAME_SIZE - 1) / SCAN_CHUNK];
}

/* Counts the frame at addr if it is one; the first counted is the
 * highest, the scan going down. */
static void consider(const struct rpd_firmware *fw, uint32_t nvectors,
		     const uint32_t *w, uint64_t addr,
		     struct rpd_exc_frame_scan *scan)
{
	if (!plausible_frame(fw, nvectors, w))
		return;
	if (is_initial_frame(fw, w)) {
		scan->ninitial++;
		return;
	}
	if (!scan->ncandidates++) {
		scan->frame = addr;
		memcpy(scan->words, w, sizeof(scan->words));
	}
	scan->lowest = addr;
}

static bool word_at(const struct rpd_firmware *fw, uint64_t addr,
		    uint32_t *value)
{
	uint8_t b[4];

	if (rpd_firmware_read(fw, addr, b, sizeof(b)) < 0)
		return false;
	*value = get_le32(b);
	return true;
}

/* Vectors after the initial sp: handlers (Thumb addresses in code) or 0
 * for the reserved ones, up to the first word that is neither. */
static uint32_t count_vectors(const struct rpd_firmware *fw, uint64_t table)
{
	uint32_t n = 1, v;

	while (n < RPD_MAX_VECTORS && word_at(fw, table + 4 * n, &v) &&
	       (!v || ((v & 1) && in_code(fw, v & ~1u))))
		n++;
	return n;
}

/*
 * A firmware may hold two: the pair the core reads at reset and the table
 * it points VTOR to later. The one with the most vectors is the latter.
 */
int rpd_find_vector_table(const struct rpd_firmware *fw,
			  struct rpd_vector_table *vt)
{
	uint64_t entry = rpd_firmware_ident(fw)->entry | 1;

	*vt = (struct rpd_vector_table){ 0 };
	for (size_t i = 0; i < rpd_firmware_nsegments(fw); i++) {
		const struct rpd_segment *s = rpd_firmware_segment(fw, i);
		uint64_t a = align_up(s->vaddr, VECTOR_TABLE_ALIGN);

		if (!(s->flags & PF_X))
			continue;
		for (; a + 8 <= s->vaddr + s->filesz; a += VECTOR_TABLE_ALIGN) {
			uint32_t sp, reset;

			uint32_t n;

			if (!word_at(fw, a + 4, &reset) || reset != entry ||
			    !word_at(fw, a, &sp) || !sp || (sp & 3))
				continue;
			n = count_vectors(fw, a);
			if (n > vt->nvectors)
				*vt = (struct rpd_vector_table){
					.addr = a,
					.initial_sp = sp,
					.nvectors = n,
				};
		}
	}
	if (vt->nvectors)
		return 0;
	return rpd_fail(
		-ENOENT,
		"no vector table with the entry point 0x%llx as its reset handler",
		(unsigned long long)entry);
}

int rpd_find_exception_frame(const struct rpd_firmware *fw,
			     const struct rpd_memory *mem, uint64_t low,
			     uint64_t high, struct rpd_exc_frame_scan *scan)
{
	_cleanup_free_ uint8_t *buf = NULL;
	_cleanup_free_ bool *chunks = NULL;
	uint32_t w[RPD_EXC_FRAME_WORDS], nvectors = RPD_MAX_VECTORS;
	struct rpd_vector_table vt;

	*scan = (struct rpd_exc_frame_scan){ 0 };
	/* An interrupted handler's number has a vector. */
	if (rpd_find_vector_table(fw, &vt) == 0)
		nvectors = vt.nvectors;
	low = align_up(low, FRAME_ALIGN);
	if (high <= low || high - low < RPD_EXC_FRAME_SIZE)
		return rpd_fail(-ENOENT, "stack 0x%llx-0x%llx holds no frame",
				(unsigned long long)low,
				(unsigned long long)high);
	if (high - low > RPD_EXC_SCAN_MAX)
		low = high - RPD_EXC_SCAN_MAX; /* the top is the live part */
	buf = malloc(high - low);
	chunks = calloc((high - low) / SCAN_CHUNK + 1, sizeof(*chunks));
	if (!buf || !chunks)
		return rpd_fail(-ENOMEM, "scanning a stack: out of memory");
	read_stack(mem, low, high, buf, chunks);

	for (uint64_t off = (high - low - RPD_EXC_FRAME_SIZE) & ~7ull;;
	     off -= FRAME_ALIGN) {
		if (frame_readable(chunks, off)) {
			for (int i = 0; i < RPD_EXC_FRAME_WORDS; i++)
				w[i] = get_le32(buf + off + 4 * i);
			consider(fw, nvectors, w, low + off, scan);
		}
		if (off < FRAME_ALIGN)
			break;
	}
	if (!scan->ncandidates)
		return rpd_fail(-ENOENT,
				"no exception frame in the stack 0x%llx-0x%llx",
				(unsigned long long)low,
				(unsigned long long)high);
	return 0;
}

uint32_t rpd_exception_frame_regs(const uint32_t words[RPD_EXC_FRAME_WORDS],
				  uint64_t frame, bool extended,
				  struct rpd_arm_regs *regs)
{
	uint32_t xpsr = words[W_XPSR];
	uint64_t sp = frame + RPD_EXC_FRAME_SIZE;

	if (extended)
		sp += RPD_EXC_FRAME_FP_EXTRA;
	if (xpsr & XPSR_STACK_ALIGNED)
		sp += 4;
	*regs = (struct rpd_arm_regs){ 0 };
	for (int i = 0; i < 4; i++)
		regs->r[i] = words[W_R0 + i];
	regs->r[12] = words[W_R12];
	regs->r[13] = (uint32_t)sp;
	regs->r[14] = words[W_LR];
	regs->r[15] = words[W_PC];
	/* The alignment flag is the frame's, not the program's. */
	regs->xpsr = xpsr & ~XPSR_STACK_ALIGNED;
	return 0xfu | 1u << 12 | 1u << 13 | 1u << 14 | 1u << 15 | 1u << 16;
}
