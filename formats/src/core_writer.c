// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * core_writer.c - write a stored core, rproc-core(5), as a stream.
 *
 * The file is produced strictly front to back so that it can go through a
 * pipe or a compressor: the caller declares every note and segment, then
 * start emits the ELF header, the program headers and the notes, and the
 * segments' bytes follow in the order the segments were added. Only the
 * notes and one record per segment are kept in memory, never segment data.
 */
#include <stdio.h>

#include "core_format.h"
#include "util.h"

enum writer_state {
	WRITER_DECLARING, /* adding notes and segments */
	WRITER_DATA,	  /* headers out, taking segment data */
	WRITER_FINISHED,
	WRITER_FAILED, /* the sink failed: the stream is unusable */
};

struct rpd_core_writer {
	struct rpd_elf_ident ident;
	struct rpd_sink out;
	enum writer_state state;

	uint8_t *notes; /* the encoded note segment */
	size_t notes_len, notes_cap;

	struct rpd_segment *segs;
	size_t nsegs, segs_cap;

	uint64_t data_offset; /* where segment data starts */
	uint64_t data_total;  /* sum of p_filesz */
	uint64_t data_written;
};

/* Segment data for rpd_core_writer_write_zeros(). */
static const uint8_t zero_block[16384];

static size_t ehdr_size(const struct rpd_core_writer *w)
{
	return w->ident.elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) :
						  sizeof(Elf32_Ehdr);
}

static size_t phdr_size(const struct rpd_core_writer *w)
{
	return w->ident.elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) :
						  sizeof(Elf32_Phdr);
}

/* Largest value an address, size or offset field of this class holds. */
static uint64_t field_max(const struct rpd_core_writer *w)
{
	return w->ident.elf_class == ELFCLASS64 ? UINT64_MAX : UINT32_MAX;
}

int rpd_core_writer_new(const struct rpd_elf_ident *ident, struct rpd_sink *out,
			struct rpd_core_writer **wp)
{
	struct rpd_core_writer *w;

	if (ident->elf_class != ELFCLASS32 && ident->elf_class != ELFCLASS64)
		return rpd_fail(-EINVAL, "core writer: unknown ELF class %u",
				ident->elf_class);
	if (ident->elf_class == ELFCLASS32 && ident->entry > UINT32_MAX)
		return rpd_fail(
			-EINVAL,
			"core writer: entry point 0x%llx does not fit ELF32",
			(unsigned long long)ident->entry);
	if (!out || !out->write)
		return rpd_fail(-EINVAL, "core writer: no output sink");

	w = calloc(1, sizeof(*w));
	if (!w)
		return rpd_fail(-ENOMEM, "core writer: out of memory");
	w->ident = *ident;
	w->out = *out;
	w->state = WRITER_DECLARING;
	*wp = w;
	return 0;
}

void rpd_core_writer_free(struct rpd_core_writer *w)
{
	if (!w)
		return;
	free(w->notes);
	free(w->segs);
	free(w);
}

uint16_t rpd_core_writer_ident_machine(const struct rpd_core_writer *w)
{
	return w->ident.machine;
}

uint64_t rpd_core_writer_size(const struct rpd_core_writer *w)
{
	return w->state == WRITER_DECLARING ? 0 :
					      w->data_offset + w->data_total;
}

static int check_declaring(const struct rpd_core_writer *w, const char *what)
{
	if (w->state != WRITER_DECLARING)
		return rpd_fail(-EINVAL,
				"core writer: %s after rpd_core_writer_start()",
				what);
	return 0;
}

/* Grows *buf so that it holds at least need elements of size each. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = reallocarray(*buf, n, size);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

/**
 * rpd_core_writer_add_note() - add a note to the core's PT_NOTE
 * @w: the writer, before rpd_core_writer_start()
 * @owner: the note's name, e.g. "CORE" or RPD_NOTE_OWNER
 * @type: its type
 * @desc: its descriptor, copied
 * @descsz: descriptor bytes, below RPD_NOTE_DESC_MAX
 *
 * Notes are written in the order they are added; GDB takes the first
 * NT_PRSTATUS as the current thread.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int rpd_core_writer_add_note(struct rpd_core_writer *w, const char *owner,
			     uint32_t type, const void *desc, size_t descsz)
{
	size_t namesz = strlen(owner) + 1;
	uint64_t size = rpd_note_size(namesz, descsz);
	uint8_t *p;
	int r;

	r = check_declaring(w, "note added");
	if (r < 0)
		return r;
	if (descsz >= RPD_NOTE_DESC_MAX)
		return rpd_fail(
			-EINVAL,
			"core writer: %s note type 0x%x: descriptor of %zu bytes exceeds the limit of %u",
			owner, type, descsz, RPD_NOTE_DESC_MAX - 1);
	if (namesz > UINT32_MAX || size > RPD_CORE_NOTES_MAX - w->notes_len)
		return rpd_fail(
			-EINVAL,
			"core writer: %s note type 0x%x: notes exceed the limit of %u bytes",
			owner, type, RPD_CORE_NOTES_MAX);
	if (reserve((void **)&w->notes, &w->notes_cap, w->notes_len + size, 1))
		return rpd_fail(-ENOMEM, "core writer: out of memory");

	/* Padding stays zero: the buffer is cleared note by note. */
	p = w->notes + w->notes_len;
	memset(p, 0, size);
	put_le32(p, (uint32_t)namesz);
	put_le32(p + 4, (uint32_t)descsz);
	put_le32(p + 8, type);
	memcpy(p + RPD_NOTE_HEADER_SIZE, owner, namesz);
	if (descsz)
		memcpy(p + RPD_NOTE_HEADER_SIZE +
			       align_up(namesz, RPD_NOTE_ALIGN),
		       desc, descsz);
	w->notes_len += size;
	return 0;
}

static int check_segment_fits(const struct rpd_core_writer *w,
			      const struct rpd_segment *seg)
{
	uint64_t max = field_max(w);

	if (seg->vaddr > max || seg->paddr > max || seg->memsz > max)
		return rpd_fail(
			-EINVAL,
			"core writer: segment %zu: vaddr 0x%llx, paddr 0x%llx or size 0x%llx does not fit ELF32",
			w->nsegs, (unsigned long long)seg->vaddr,
			(unsigned long long)seg->paddr,
			(unsigned long long)seg->memsz);
	if (seg->filesz > seg->memsz)
		return rpd_fail(
			-EINVAL,
			"core writer: segment %zu: file size 0x%llx exceeds memory size 0x%llx",
			w->nsegs, (unsigned long long)seg->filesz,
			(unsigned long long)seg->memsz);
	if (seg->filesz > UINT64_MAX - w->data_total)
		return rpd_fail(
			-EINVAL,
			"core writer: segment %zu: segment data exceeds 2^64 bytes",
			w->nsegs);
	return 0;
}

/**
 * rpd_core_writer_add_segment() - declare the next PT_LOAD
 * @w: the writer, before rpd_core_writer_start()
 * @seg: vaddr, paddr, memsz, filesz and flags; offset is laid out here
 *
 * Return: the segment's index among the PT_LOADs, -EINVAL or -ENOMEM.
 */
int rpd_core_writer_add_segment(struct rpd_core_writer *w,
				const struct rpd_segment *seg)
{
	/* One program header is the PT_NOTE. */
	const size_t max_segs = RPD_CORE_MAX_PHNUM - 1;
	int r;

	r = check_declaring(w, "segment added");
	if (r < 0)
		return r;
	if (w->nsegs == max_segs)
		return rpd_fail(
			-EINVAL,
			"core writer: more than %zu segments (program headers are limited to %u)",
			max_segs, RPD_CORE_MAX_PHNUM);
	r = check_segment_fits(w, seg);
	if (r < 0)
		return r;
	if (reserve((void **)&w->segs, &w->segs_cap, w->nsegs + 1,
		    sizeof(*w->segs)))
		return rpd_fail(-ENOMEM, "core writer: out of memory");

	w->segs[w->nsegs] = *seg;
	w->data_total += seg->filesz;
	return (int)w->nsegs++;
}

static void put_ehdr(const struct rpd_core_writer *w, uint8_t *p,
		     uint16_t phnum)
{
	bool is64 = w->ident.elf_class == ELFCLASS64;

	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = w->ident.elf_class;
	p[EI_DATA] = ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	p[EI_OSABI] = ELFOSABI_NONE;
	put_le16(p + 16, ET_CORE);
	put_le16(p + 18, w->ident.machine);
	put_le32(p + 20, EV_CURRENT);
	if (is64) {
		put_le64(p + 24, w->ident.entry);
		put_le64(p + 32, sizeof(Elf64_Ehdr)); /* e_phoff */
		put_le64(p + 40, 0);		      /* e_shoff */
		put_le32(p + 48, w->ident.flags);
		put_le16(p + 52, sizeof(Elf64_Ehdr));
		put_le16(p + 54, sizeof(Elf64_Phdr));
		put_le16(p + 56, phnum);
	} else {
		put_le32(p + 24, (uint32_t)w->ident.entry);
		put_le32(p + 28, sizeof(Elf32_Ehdr));
		put_le32(p + 32, 0);
		put_le32(p + 36, w->ident.flags);
		put_le16(p + 40, sizeof(Elf32_Ehdr));
		put_le16(p + 42, sizeof(Elf32_Phdr));
		put_le16(p + 44, phnum);
	}
	/* e_shentsize, e_shnum, e_shstrndx stay 0: no section headers. */
}

static void put_phdr(const struct rpd_core_writer *w, uint8_t *p, uint32_t type,
		     const struct rpd_segment *s, uint64_t align)
{
	if (w->ident.elf_class == ELFCLASS64) {
		put_le32(p, type);
		put_le32(p + 4, s->flags);
		put_le64(p + 8, s->offset);
		put_le64(p + 16, s->vaddr);
		put_le64(p + 24, s->paddr);
		put_le64(p + 32, s->filesz);
		put_le64(p + 40, s->memsz);
		put_le64(p + 48, align);
	} else {
		put_le32(p, type);
		put_le32(p + 4, (uint32_t)s->offset);
		put_le32(p + 8, (uint32_t)s->vaddr);
		put_le32(p + 12, (uint32_t)s->paddr);
		put_le32(p + 16, (uint32_t)s->filesz);
		put_le32(p + 20, (uint32_t)s->memsz);
		put_le32(p + 24, s->flags);
		put_le32(p + 28, (uint32_t)align);
	}
}

/* Gives every segment its p_offset: data back to back after the notes. */
static int lay_out(struct rpd_core_writer *w)
{
	uint64_t headers = ehdr_size(w) + (1 + w->nsegs) * phdr_size(w);
	uint64_t off;

	w->data_offset = headers + w->notes_len;
	if (w->data_total > field_max(w) - w->data_offset)
		return rpd_fail(
			-EINVAL,
			"core writer: a core of 0x%llx + 0x%llx bytes does not fit ELF32",
			(unsigned long long)w->data_offset,
			(unsigned long long)w->data_total);
	off = w->data_offset;
	for (size_t i = 0; i < w->nsegs; i++) {
		w->segs[i].offset = off;
		off += w->segs[i].filesz;
	}
	return 0;
}

static int emit(struct rpd_core_writer *w, const void *buf, size_t len)
{
	int r;

	if (!len)
		return 0;
	r = w->out.write(w->out.ctx, buf, len);
	if (r < 0) {
		w->state = WRITER_FAILED;
		return rpd_fail(r, "core writer: writing output: %m");
	}
	return 0;
}

/* ELF header and program headers, in one write. */
static int emit_headers(struct rpd_core_writer *w)
{
	size_t hdr = ehdr_size(w), ph = phdr_size(w);
	size_t len = hdr + (1 + w->nsegs) * ph;
	struct rpd_segment note = {
		.offset = hdr + (1 + w->nsegs) * ph,
		.filesz = w->notes_len,
	};
	_cleanup_free_ uint8_t *buf = calloc(1, len);

	if (!buf)
		return rpd_fail(-ENOMEM, "core writer: out of memory");
	put_ehdr(w, buf, (uint16_t)(1 + w->nsegs));
	put_phdr(w, buf + hdr, PT_NOTE, &note, RPD_NOTE_ALIGN);
	for (size_t i = 0; i < w->nsegs; i++)
		put_phdr(w, buf + hdr + (1 + i) * ph, PT_LOAD, &w->segs[i], 1);
	return emit(w, buf, len);
}

/* The notes the reader checks, checked the same way. */
static int check_notes(const struct rpd_core_writer *w)
{
	struct rpd_note note;
	uint64_t pos = 0;
	size_t i = 0;
	int r;

	while ((r = rpd_note_next(w->notes, w->notes_len, RPD_NOTE_ALIGN, &pos,
				  &note)) > 0) {
		r = rpd_note_check(&note, w->ident.machine, w->nsegs);
		if (r < 0)
			break;
		i++;
	}
	if (r < 0)
		return rpd_fail_prefix(r, "core writer: note %zu", i);
	return 0;
}

/**
 * rpd_core_writer_start() - write the headers and the notes
 * @w: the writer, with every note and segment declared
 *
 * Refuses what the reader would refuse: segments that overlap in the
 * address space or wrap around it, and known notes of the wrong size or
 * shape (an ARM NT_PRSTATUS that is not 148 bytes, an RPROC info string
 * without '=', a segment map naming a segment that does not exist...).
 *
 * Return: 0, -EINVAL, -ENOMEM or the sink's error.
 */
int rpd_core_writer_start(struct rpd_core_writer *w)
{
	struct rpd_address_index idx = { 0 };
	int r;

	if (w->state != WRITER_DECLARING)
		return rpd_fail(-EINVAL, "core writer: already started");
	/* Only the checks matter here: the writer never looks addresses up. */
	r = rpd_segments_index(w->segs, w->nsegs, w->ident.elf_class, &idx);
	rpd_address_index_clear(&idx);
	if (r < 0)
		return rpd_fail_prefix(r, "core writer");
	r = check_notes(w);
	if (r < 0)
		return r;
	r = lay_out(w);
	if (r < 0)
		return r;
	w->state = WRITER_DATA;
	r = emit_headers(w);
	if (r < 0)
		return r;
	return emit(w, w->notes, w->notes_len);
}

static int check_data(struct rpd_core_writer *w, uint64_t len)
{
	if (w->state == WRITER_FAILED)
		return rpd_fail(-EIO, "core writer: an earlier write failed");
	if (w->state != WRITER_DATA)
		return rpd_fail(-EINVAL, "core writer: segment data written %s",
				w->state == WRITER_DECLARING ?
					"before rpd_core_writer_start()" :
					"after rpd_core_writer_finish()");
	if (len > w->data_total - w->data_written)
		return rpd_fail(
			-EINVAL,
			"core writer: %llu bytes written with %llu of %llu bytes of segment data left",
			(unsigned long long)len,
			(unsigned long long)(w->data_total - w->data_written),
			(unsigned long long)w->data_total);
	return 0;
}

/**
 * rpd_core_writer_write() - write the next bytes of segment data
 * @w: the writer, started
 * @buf: the bytes
 * @len: how many; pieces may span segments, since their data is contiguous
 *
 * Return: 0, -EINVAL for more bytes than declared, or the sink's error.
 */
int rpd_core_writer_write(struct rpd_core_writer *w, const void *buf,
			  size_t len)
{
	int r;

	r = check_data(w, len);
	if (r < 0)
		return r;
	r = emit(w, buf, len);
	if (r < 0)
		return r;
	w->data_written += len;
	return 0;
}

int rpd_core_writer_write_zeros(struct rpd_core_writer *w, uint64_t n)
{
	int r;

	r = check_data(w, n);
	if (r < 0)
		return r;
	while (n) {
		size_t chunk = MIN(n, sizeof(zero_block));

		r = emit(w, zero_block, chunk);
		if (r < 0)
			return r;
		w->data_written += chunk;
		n -= chunk;
	}
	return 0;
}

int rpd_core_writer_finish(struct rpd_core_writer *w)
{
	int r;

	r = check_data(w, 0);
	if (r < 0)
		return r;
	if (w->data_written != w->data_total)
		return rpd_fail(
			-EIO,
			"core writer: %llu of %llu bytes of segment data written",
			(unsigned long long)w->data_written,
			(unsigned long long)w->data_total);
	w->state = WRITER_FINISHED;
	return 0;
}
