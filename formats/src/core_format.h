/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * core_format.h - the on-disk layout of the stored core, rproc-core(5), as
 * the writer, the reader and the converter share it.
 *
 * A stored core is a little-endian ELF ET_CORE without section headers:
 *
 *   ELF header | PT_NOTE, PT_LOAD... | notes | segment data, in PT_LOAD order
 *
 * All notes live in the first PT_NOTE (libdwfl reads no other), each as
 * namesz, descsz, type, then the name and the descriptor, both padded to 4
 * bytes. The RPROC notes' binary descriptors (trace buffers, segment map)
 * are arrays of fixed-size little-endian entries laid out below; the
 * encode/decode helpers are the only code that knows the offsets.
 */
#ifndef RPD_CORE_FORMAT_H
#define RPD_CORE_FORMAT_H

#include <elf.h>

#include "address_index.h"
#include "rproc/rprocdump.h"
#include "util.h"

/* GDB's target description note; older <elf.h> do not define it. */
#ifndef NT_GDB_TDESC
#define NT_GDB_TDESC 0xff000000
#endif
#define RPD_GDB_NOTE_OWNER "GDB"
#define RPD_CORE_NOTE_OWNER "CORE"

/*
 * The RPROC notes of a patched kernel's devcoredump keep the types of
 * format 1 (1 info, 2 trace): a devcoredump is not a core file GDB reads.
 */
#define RPD_DEVCD_NT_INFO 1
/* The types of format 1 cores, 1-4 in rpd_note_type order. */
#define RPD_NT_FORMAT1_FIRST 1
#define RPD_NT_FORMAT1_LAST 4

/* PN_XNUM and above would need extended numbering through section 0. */
#define RPD_CORE_MAX_PHNUM (PN_XNUM - 1)

/* ---- ELF notes ---- */

#define RPD_NOTE_ALIGN 4
#define RPD_NOTE_HEADER_SIZE 12 /* namesz, descsz, type */
/* A descriptor must be smaller than this: bounds what a hostile core can
 * make a reader allocate or scan. */
#define RPD_NOTE_DESC_MAX (16u << 20)
/* And the whole note segment no larger than this. */
#define RPD_CORE_NOTES_MAX (64u << 20)
/* RPD_NT_CRASH_RECORD: a struct rproc_crash_record with room to grow. */
#define RPD_CRASH_RECORD_NOTE_MAX 4096u

/* Bytes a note with this owner and descriptor takes in the note segment. */
static inline uint64_t rpd_note_size(size_t namesz, size_t descsz)
{
	return RPD_NOTE_HEADER_SIZE + align_up(namesz, RPD_NOTE_ALIGN) +
	       align_up(descsz, RPD_NOTE_ALIGN);
}

/**
 * rpd_note_next() - parse the note at *pos of a note segment
 * @seg: the note segment's bytes
 * @size: their number
 * @align: the alignment of owner and descriptor: RPD_NOTE_ALIGN, or 8 for
 *	   a note segment with p_align 8
 * @pos: offset of the note; advanced past it (and its padding)
 * @note: filled with pointers into @seg
 *
 * Checks that the header, the NUL-terminated owner with its padding and
 * the descriptor all lie within the segment, and that the descriptor is
 * below RPD_NOTE_DESC_MAX. The last note's padding may be missing.
 *
 * Return: 1 and a note, 0 at the end of the segment, or -EINVAL.
 */
int rpd_note_next(const uint8_t *seg, uint64_t size, uint64_t align,
		  uint64_t *pos, struct rpd_note *note);

/**
 * rpd_note_check() - validate the descriptor of a note this library knows
 * @note: the note
 * @machine: e_machine of the core (register notes depend on it)
 * @nsegments: PT_LOADs of the core, which the segment map refers to
 *
 * Unknown notes pass. Return: 0 or -EINVAL.
 */
int rpd_note_check(const struct rpd_note *note, uint16_t machine,
		   size_t nsegments);

/* Reads back what rpd_note_arm_prstatus() wrote: the registers, the
 * thread id and the signal of an RPD_ARM_PRSTATUS_SIZE descriptor. */
void rpd_note_arm_prstatus_read(const uint8_t in[RPD_ARM_PRSTATUS_SIZE],
				struct rpd_context *ctx);

/* The value of key in an RPD_NT_INFO descriptor already checked by
 * rpd_note_check(), or NULL. */
const char *rpd_note_info_lookup(const struct rpd_note *note, const char *key);

/* ---- RPD_NT_TRACE: one 56-byte entry per trace buffer ----
 *
 *   0  u64 da        device address of the buffer
 *   8  u64 len       its size in bytes
 *  16  u32 format    enum rpd_trace_format (rprocdump.h)
 *  20  u32 reserved  0
 *  24  char name[32] NUL-padded, not necessarily NUL-terminated
 */
#define RPD_TRACE_ENTRY_SIZE 56
#define RPD_TRACE_NAME_SIZE 32

struct rpd_trace_entry {
	uint64_t da;
	uint64_t len;
	uint32_t format; /* enum rpd_trace_format; others: unknown */
	char name[RPD_TRACE_NAME_SIZE + 1];
};

void rpd_trace_entry_encode(uint8_t out[RPD_TRACE_ENTRY_SIZE],
			    const struct rpd_trace_entry *e);
void rpd_trace_entry_decode(const uint8_t in[RPD_TRACE_ENTRY_SIZE],
			    struct rpd_trace_entry *e);

/* ---- RPD_NT_SEGMAP: how each core segment relates to the firmware ----
 *
 *   0  u32 load_index      index among the core's PT_LOADs, or
 *                          RPD_SEGMAP_NO_LOAD (a firmware segment that was
 *                          not dumped has no PT_LOAD)
 *   4  i32 firmware_index  index among the firmware's PT_LOADs with
 *                          p_memsz != 0, or -1
 *   8  u64 vaddr
 *  16  u64 source_da       device address the bytes were read from
 *  24  u64 size            bytes captured
 *  32  u32 flags           RPD_SEGMAP_*
 *  36  u32 reserved        0
 */
#define RPD_SEGMAP_ENTRY_SIZE 40
void rpd_segmap_entry_encode(uint8_t out[RPD_SEGMAP_ENTRY_SIZE],
			     const struct rpd_segmap_entry *e);
void rpd_segmap_entry_decode(const uint8_t in[RPD_SEGMAP_ENTRY_SIZE],
			     struct rpd_segmap_entry *e);

/* ---- RPD_NT_THREADS: one 152-byte entry per task ----
 *
 *   0  i32 tid           pr_pid of its NT_PRSTATUS, 0 if it has none
 *   4  u32 state         enum rpd_thread_state
 *   8  u32 flags         RPD_THREAD_*
 *  12  i32 priority
 *  16  u64 tcb
 *  24  u64 stack_low
 *  32  u64 stack_high
 *  40  u64 stack_unused
 *  48  u32 regs_known
 *  52  u32 reserved      0
 *  56  char name[32]     NUL-padded, not necessarily NUL-terminated
 *  88  char blocked_on[64]
 */
#define RPD_THREAD_ENTRY_SIZE 152

/* Entries of a core's threads note (rpd_core_threads() is the API). */
size_t rpd_core_nthreads(const struct rpd_core *core);
int rpd_core_thread(const struct rpd_core *core, size_t i,
		    struct rpd_thread *thread);
void rpd_thread_entry_encode(uint8_t out[RPD_THREAD_ENTRY_SIZE],
			     const struct rpd_thread *t);
void rpd_thread_entry_decode(const uint8_t in[RPD_THREAD_ENTRY_SIZE],
			     struct rpd_thread *t);

/* ---- segments ---- */

/**
 * rpd_segments_index() - check a core's PT_LOADs and index them by address
 * @segs: the segments, in program header order
 * @n: their number
 * @elf_class: ELFCLASS32 bounds addresses to 32 bits
 * @idx: a zeroed index; filled with the segments' memory (p_vaddr,
 *	 p_memsz), ranges indexed by PT_LOAD. The caller clears it, also
 *	 after a failure.
 *
 * Checks that p_filesz <= p_memsz, that no segment wraps around the address
 * space and that no two segments overlap. The writer runs the same checks
 * so that it never writes a core the reader refuses.
 *
 * Return: 0, -EINVAL for bad segments, -ENOMEM.
 */
int rpd_segments_index(const struct rpd_segment *segs, size_t n,
		       uint8_t elf_class, struct rpd_address_index *idx);

/* ---- writer details for the converter ---- */

uint16_t rpd_core_writer_ident_machine(const struct rpd_core_writer *w);
/* Bytes the core has (or will have) once finished; 0 before start. */
uint64_t rpd_core_writer_size(const struct rpd_core_writer *w);

#endif /* RPD_CORE_FORMAT_H */
