// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * devcoredump.c - read a remoteproc devcoredump.
 *
 * Two layouts are accepted, both little-endian ELF32/ELF64 ET_CORE files
 * that rproc_coredump() and its patched successor write:
 *
 *   mainline  ELF header, program headers, then the data of one PT_LOAD per
 *             dump segment (p_vaddr = p_paddr = device address, RWX,
 *             p_filesz = p_memsz, often EM_NONE, e_entry = boot address);
 *   patched   the same, with a first PT_NOTE holding notes of owner
 *             "RPROC" (rproc-core(5)): an info note of NUL-separated
 *             "key=value" strings, and others this reader skips.
 *
 * rproc_coredump_using_sections() ("minidump") writes section headers and
 * no program headers; it is rejected, as GDB rejects it.
 *
 * The kernel deletes a devcoredump five minutes after creating it, even
 * while it is read, so a saved dump may end early. Headers and notes must
 * be complete; segments are clipped to the bytes present, and reads beyond
 * them fail with -ENODATA rather than returning made-up bytes.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/stat.h>

#include "address_index.h"
#include "core_format.h"
#include "elf_header.h"
#include "rproc/rprocdump.h"
#include "util.h"

/* Notes are a few hundred bytes; this only bounds what a bad header costs. */
#define DEVCD_MAX_NOTES_SIZE (1u << 20)

struct devcd_segment {
	struct rpd_segment seg; /* filesz: bytes present in the file */
	uint64_t dumped;	/* p_filesz: bytes the dump was meant to hold */
};

struct rpd_devcd {
	char *name;
	int fd; /* the caller's; -1 in memory or a reader */
	const uint8_t *mem;
	struct rpd_reader reader; /* when neither fd nor mem */
	uint64_t size;		  /* bytes of the dump that exist */

	enum rpd_devcd_layout layout;
	struct rpd_elf_ident ident;
	bool truncated;
	uint64_t data_offset;

	struct devcd_segment *segs; /* in program header order */
	size_t nsegs;
	struct rpd_address_index by_da; /* of segs[], by device memory */

	char *info; /* the RPROC info note's strings */
	size_t info_len;
};

/* Reads all of len from a caller's reader; -ENODATA if it ends first. */
static int read_from_reader(const struct rpd_reader *src, void *buf, size_t len,
			    uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = src->pread(src->ctx, p, len, off);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ENODATA;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads dump bytes at off; -ENODATA where the dump has none. */
static int read_at(const struct rpd_devcd *dump, void *buf, size_t len,
		   uint64_t off)
{
	if (dump->reader.pread)
		return read_from_reader(&dump->reader, buf, len, off);
	if (dump->fd < 0) {
		if (!range_within(off, len, dump->size))
			return -ENODATA;
		memcpy(buf, dump->mem + off, len);
		return 0;
	}
	return pread_full(dump->fd, buf, len, off);
}

/* ---- ELF and program headers -------------------------------------------- */

/* Reads and checks the ELF header: a little-endian core file. */
static int read_ehdr(struct rpd_devcd *dump, struct elf_ehdr *eh)
{
	uint8_t b[sizeof(Elf64_Ehdr)];
	size_t need;

	if (dump->size < EI_NIDENT || read_at(dump, b, EI_NIDENT, 0) < 0 ||
	    memcmp(b, ELFMAG, SELFMAG))
		return rpd_fail(-EINVAL, "%s: not an ELF file", dump->name);
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return rpd_fail(-EINVAL, "%s: ELF class %u is not supported",
				dump->name, b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return rpd_fail(
			-EINVAL,
			"%s: is not little-endian; remoteproc dumps always are",
			dump->name);

	need = elf_ehdr_size(b[EI_CLASS]);
	if (read_at(dump, b + EI_NIDENT, need - EI_NIDENT, EI_NIDENT) < 0)
		return rpd_fail(-ENODATA,
				"%s: dump truncated inside its ELF header",
				dump->name);
	elf_decode_ehdr(b, eh);
	if (eh->type != ET_CORE)
		return rpd_fail(-EINVAL, "%s: not a core dump (ELF type %u)",
				dump->name, eh->type);

	dump->ident = (struct rpd_elf_ident){
		.elf_class = b[EI_CLASS],
		.machine = eh->machine,
		.flags = eh->flags,
		.entry = eh->entry,
	};
	return 0;
}

/* Checks that the program header table exists and lies in the file. */
static int check_phdr_table(const struct rpd_devcd *dump,
			    const struct elf_ehdr *eh)
{
	size_t entsize = elf_phdr_size(dump->ident.elf_class);

	if (!eh->phnum && (eh->shnum || eh->shoff))
		return rpd_fail(
			-EOPNOTSUPP,
			"%s: remoteproc minidump (section headers only) is not supported",
			dump->name);
	if (!eh->phnum)
		return rpd_fail(-EINVAL, "%s: has no program headers",
				dump->name);
	if (eh->phnum == PN_XNUM)
		return rpd_fail(
			-EINVAL,
			"%s: too many program headers (extended numbering is not supported)",
			dump->name);
	if (eh->phentsize != entsize)
		return rpd_fail(-EINVAL,
				"%s: program header size %u, expected %zu",
				dump->name, eh->phentsize, entsize);
	if (eh->phoff < eh->size)
		return rpd_fail(
			-EINVAL,
			"%s: program headers at 0x%llx overlap the ELF header",
			dump->name, (unsigned long long)eh->phoff);
	if (!range_within(eh->phoff, (uint64_t)eh->phnum * entsize, dump->size))
		return rpd_fail(
			-ENODATA,
			"%s: %u program headers at 0x%llx do not fit in the 0x%llx bytes of the dump (truncated?)",
			dump->name, eh->phnum, (unsigned long long)eh->phoff,
			(unsigned long long)dump->size);
	return 0;
}

/* ---- notes --------------------------------------------------------------- */

/*
 * The info note: "key=value" strings, each NUL-terminated. Empty strings
 * (padding) are allowed; a string without '=' is not.
 */
static int take_info_note(struct rpd_devcd *dump, const uint8_t *desc,
			  size_t descsz)
{
	if (dump->info)
		return rpd_fail(-EINVAL, "%s: more than one RPROC info note",
				dump->name);
	if (!descsz || desc[descsz - 1])
		return rpd_fail(-EINVAL,
				"%s: RPROC info note is not NUL-terminated",
				dump->name);
	for (const char *s = (const char *)desc;
	     s < (const char *)desc + descsz; s += strlen(s) + 1) {
		if (*s && !strchr(s, '='))
			return rpd_fail(
				-EINVAL,
				"%s: RPROC info note: \"%.40s\" is not key=value",
				dump->name, s);
	}
	dump->info = malloc(descsz);
	if (!dump->info)
		return rpd_fail(-ENOMEM, "%s: out of memory", dump->name);
	memcpy(dump->info, desc, descsz);
	dump->info_len = descsz;
	return 0;
}

/**
 * parse_notes() - walk the notes of the PT_NOTE segment
 * @dump: the dump
 * @buf: the segment's bytes
 * @len: their number
 * @align: the notes' alignment (4, or 8 for p_align 8)
 *
 * Every note must pass rpd_note_next(). Notes other than RPROC's info note
 * are skipped, whatever their owner, but at least one must be an RPROC
 * note: a note segment is what tells the patched layout apart.
 *
 * Return: 0 or a negative errno.
 */
static int parse_notes(struct rpd_devcd *dump, const uint8_t *buf, uint64_t len,
		       uint64_t align)
{
	bool have_rproc = false;
	struct rpd_note note;
	uint64_t pos = 0;
	int r;

	while ((r = rpd_note_next(buf, len, align, &pos, &note)) > 0) {
		if (strcmp(note.owner, RPD_NOTE_OWNER))
			continue;
		have_rproc = true;
		/* A stored core given as a dump (collected again, with the
		 * firmware this time) keeps what its info note says. */
		if (note.type == RPD_DEVCD_NT_INFO ||
		    note.type == RPD_NT_INFO) {
			r = take_info_note(dump, note.desc, note.descsz);
			if (r < 0)
				return r;
		}
	}
	if (r < 0)
		return rpd_fail_prefix(r, "%s", dump->name);
	if (!have_rproc)
		return rpd_fail(-EINVAL,
				"%s: the note segment has no RPROC notes",
				dump->name);
	return 0;
}

static int read_notes(struct rpd_devcd *dump, const Elf64_Phdr *ph)
{
	_cleanup_free_ uint8_t *buf = NULL;

	if (ph->p_filesz > DEVCD_MAX_NOTES_SIZE)
		return rpd_fail(-EINVAL,
				"%s: note segment of 0x%llx bytes is too large",
				dump->name, (unsigned long long)ph->p_filesz);
	if (!range_within(ph->p_offset, ph->p_filesz, dump->size))
		return rpd_fail(
			-ENODATA,
			"%s: dump truncated inside its notes (0x%llx+0x%llx, file size 0x%llx)",
			dump->name, (unsigned long long)ph->p_offset,
			(unsigned long long)ph->p_filesz,
			(unsigned long long)dump->size);
	buf = malloc(ph->p_filesz ? ph->p_filesz : 1);
	if (!buf)
		return rpd_fail(-ENOMEM, "%s: out of memory", dump->name);
	if (read_at(dump, buf, ph->p_filesz, ph->p_offset) < 0)
		return rpd_fail(-EIO, "%s: cannot read the notes", dump->name);
	dump->layout = RPD_DEVCD_PATCHED;
	return parse_notes(dump, buf, ph->p_filesz, ph->p_align == 8 ? 8 : 4);
}

/* ---- segments ------------------------------------------------------------ */

/* One PT_LOAD: sizes consistent, ranges without overflow. */
static int check_load(const struct rpd_devcd *dump, size_t i,
		      const Elf64_Phdr *ph)
{
	uint64_t addr_limit = dump->ident.elf_class == ELFCLASS32 ? UINT32_MAX :
								    UINT64_MAX;

	if (ph->p_filesz > ph->p_memsz)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: file size 0x%llx exceeds memory size 0x%llx",
			dump->name, i, (unsigned long long)ph->p_filesz,
			(unsigned long long)ph->p_memsz);
	if (ph->p_filesz > UINT64_MAX - ph->p_offset)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: file range 0x%llx+0x%llx overflows",
			dump->name, i, (unsigned long long)ph->p_offset,
			(unsigned long long)ph->p_filesz);
	if (ph->p_memsz && ph->p_memsz - 1 > addr_limit - ph->p_paddr)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: device address range 0x%llx+0x%llx wraps around",
			dump->name, i, (unsigned long long)ph->p_paddr,
			(unsigned long long)ph->p_memsz);
	if (ph->p_filesz && ph->p_offset < dump->data_offset)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: data at 0x%llx overlaps the headers and notes (which end at 0x%llx)",
			dump->name, i, (unsigned long long)ph->p_offset,
			(unsigned long long)dump->data_offset);
	return 0;
}

static void add_segment(struct rpd_devcd *dump, const Elf64_Phdr *ph)
{
	struct devcd_segment *s = &dump->segs[dump->nsegs++];
	uint64_t present = ph->p_filesz;

	/* A dump the kernel deleted while it was read ends early. */
	if (ph->p_offset + ph->p_filesz > dump->size) {
		present = ph->p_offset < dump->size ?
				  dump->size - ph->p_offset :
				  0;
		dump->truncated = true;
	}
	s->seg = elf_segment(ph);
	s->seg.filesz = present;
	s->dumped = ph->p_filesz;
}

/* The file bytes the dump was meant to hold, as an index of their own. */
static int check_data_overlap(const struct rpd_devcd *dump)
{
	struct rpd_address_index by_offset = { 0 };
	int r = 0;

	for (size_t i = 0; i < dump->nsegs && r >= 0; i++)
		r = rpd_address_index_add(&by_offset, dump->segs[i].seg.offset,
					  dump->segs[i].dumped, i);
	if (r >= 0)
		r = rpd_address_index_finish(&by_offset, "segment data at");
	rpd_address_index_clear(&by_offset);
	return r;
}

/*
 * No two segments may claim the same device memory or the same file bytes.
 * The index by device address is kept for rpd_devcd_read().
 */
static int index_segments(struct rpd_devcd *dump)
{
	int r = 0;

	for (size_t i = 0; i < dump->nsegs && r >= 0; i++)
		r = rpd_address_index_add(&dump->by_da, dump->segs[i].seg.paddr,
					  dump->segs[i].seg.memsz, i);
	if (r >= 0)
		r = rpd_address_index_finish(&dump->by_da,
					     "segments at device addresses");
	if (r >= 0)
		r = check_data_overlap(dump);
	if (r < 0)
		return rpd_fail_prefix(r, "%s", dump->name);
	return 0;
}

static int load_segments(struct rpd_devcd *dump, const uint8_t *phdrs,
			 const struct elf_ehdr *eh)
{
	dump->segs = calloc(eh->phnum, sizeof(*dump->segs));
	if (!dump->segs)
		return rpd_fail(-ENOMEM, "%s: out of memory", dump->name);

	for (size_t i = 0; i < eh->phnum; i++) {
		Elf64_Phdr ph;
		int r;

		elf_decode_phdr(phdrs + i * eh->phentsize,
				dump->ident.elf_class, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		r = check_load(dump, i, &ph);
		if (r < 0)
			return r;
		add_segment(dump, &ph);
	}
	if (!dump->nsegs)
		return rpd_fail(-EINVAL, "%s: has no memory segments (PT_LOAD)",
				dump->name);
	return index_segments(dump);
}

/*
 * The program headers: an optional first PT_NOTE, then PT_LOADs only. The
 * notes are read first so that the end of headers and notes is known
 * before any segment is checked against it.
 */
static int load_phdrs(struct rpd_devcd *dump, const struct elf_ehdr *eh)
{
	size_t table_size = (size_t)eh->phnum * eh->phentsize;
	_cleanup_free_ uint8_t *phdrs = NULL;
	int r;

	r = check_phdr_table(dump, eh);
	if (r < 0)
		return r;
	phdrs = malloc(table_size);
	if (!phdrs)
		return rpd_fail(-ENOMEM, "%s: out of memory", dump->name);
	if (read_at(dump, phdrs, table_size, eh->phoff) < 0)
		return rpd_fail(-EIO, "%s: cannot read the program headers",
				dump->name);
	dump->data_offset = eh->phoff + table_size;

	for (size_t i = 0; i < eh->phnum; i++) {
		Elf64_Phdr ph;

		elf_decode_phdr(phdrs + i * eh->phentsize,
				dump->ident.elf_class, &ph);
		if (ph.p_type == PT_LOAD)
			continue;
		if (ph.p_type != PT_NOTE)
			return rpd_fail(
				-EINVAL,
				"%s: program header %zu: type 0x%x does not belong in a remoteproc dump",
				dump->name, i, ph.p_type);
		if (i)
			return rpd_fail(
				-EINVAL,
				"%s: program header %zu: the note segment must come first",
				dump->name, i);
		r = read_notes(dump, &ph);
		if (r < 0)
			return r;
		dump->data_offset =
			MAX(dump->data_offset, ph.p_offset + ph.p_filesz);
	}
	return load_segments(dump, phdrs, eh);
}

/* ---- opening ------------------------------------------------------------- */

static int devcd_new(const char *name, int fd, const void *mem, uint64_t size,
		     struct rpd_devcd **out)
{
	struct rpd_devcd *dump;

	dump = calloc(1, sizeof(*dump));
	if (!dump)
		return rpd_fail(-ENOMEM, "%s: out of memory", name);
	dump->name = strdup(name);
	if (!dump->name) {
		free(dump);
		return rpd_fail(-ENOMEM, "%s: out of memory", name);
	}
	dump->fd = fd;
	dump->mem = mem;
	dump->size = size;
	dump->layout = RPD_DEVCD_MAINLINE;
	*out = dump;
	return 0;
}

static int devcd_load(struct rpd_devcd *dump, struct rpd_devcd **out)
{
	struct elf_ehdr eh = { 0 };
	int r;

	r = read_ehdr(dump, &eh);
	if (r >= 0)
		r = load_phdrs(dump, &eh);
	if (r < 0) {
		rpd_devcd_free(dump);
		return r;
	}
	*out = dump;
	return 0;
}

/**
 * rpd_devcd_open() - parse a devcoredump saved to a file
 * @fd: the file, read with pread(); it stays the caller's
 * @name: names the dump in error messages
 * @out: the dump, to be freed with rpd_devcd_free()
 *
 * The file must be regular: the kernel's devcd "data" attribute reports
 * size 0 and its true size is known only by reading it to the end, so the
 * collector spools it to a file first. The file size tells how much of the
 * dump exists.
 *
 * Return: 0, or a negative errno with a message naming the dump.
 */
int rpd_devcd_open(int fd, const char *name, struct rpd_devcd **out)
{
	struct rpd_devcd *dump;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return rpd_fail(-errno, "%s: %m", name);
	if (!S_ISREG(st.st_mode))
		return rpd_fail(
			-EINVAL,
			"%s: not a regular file; save the devcoredump to a file first",
			name);
	r = devcd_new(name, fd, NULL, (uint64_t)st.st_size, &dump);
	if (r < 0)
		return r;
	return devcd_load(dump, out);
}

int rpd_devcd_open_mem(const void *buf, size_t len, const char *name,
		       struct rpd_devcd **out)
{
	struct rpd_devcd *dump;
	int r;

	r = devcd_new(name, -1, buf, len, &dump);
	if (r < 0)
		return r;
	return devcd_load(dump, out);
}

/**
 * rpd_devcd_open_reader() - parse a devcoredump behind a reader
 * @src: random access to the dump's bytes (a compressed spool); it must
 *	 outlive the object, its size tells how much of the dump exists
 * @name: names the dump in error messages
 * @out: the dump, to be freed with rpd_devcd_free()
 *
 * Return: 0, or a negative errno with a message naming the dump.
 */
int rpd_devcd_open_reader(const struct rpd_reader *src, const char *name,
			  struct rpd_devcd **out)
{
	struct rpd_devcd *dump;
	int r;

	if (!src->pread)
		return rpd_fail(-EINVAL, "%s: reader without pread", name);
	r = devcd_new(name, -1, NULL, src->size, &dump);
	if (r < 0)
		return r;
	dump->reader = *src;
	return devcd_load(dump, out);
}

void rpd_devcd_free(struct rpd_devcd *dump)
{
	if (!dump)
		return;
	free(dump->info);
	rpd_address_index_clear(&dump->by_da);
	free(dump->segs);
	free(dump->name);
	free(dump);
}

/* ---- accessors ----------------------------------------------------------- */

enum rpd_devcd_layout rpd_devcd_layout(const struct rpd_devcd *dump)
{
	return dump->layout;
}

const struct rpd_elf_ident *rpd_devcd_ident(const struct rpd_devcd *dump)
{
	return &dump->ident;
}

bool rpd_devcd_truncated(const struct rpd_devcd *dump)
{
	return dump->truncated;
}

size_t rpd_devcd_nsegments(const struct rpd_devcd *dump)
{
	return dump->nsegs;
}

const struct rpd_segment *rpd_devcd_segment(const struct rpd_devcd *dump,
					    size_t i)
{
	return i < dump->nsegs ? &dump->segs[i].seg : NULL;
}

uint64_t rpd_devcd_data_offset(const struct rpd_devcd *dump)
{
	return dump->data_offset;
}

/*
 * Copies a segment's dumped bytes. Beyond p_filesz the kernel dumped
 * nothing (a hole); beyond the bytes present, the dump was cut short.
 */
static ssize_t read_segment(const void *ctx, const struct rpd_range *range,
			    uint64_t skip, void *buf, size_t len)
{
	const struct rpd_devcd *dump = ctx;
	const struct devcd_segment *s = &dump->segs[range->index];
	uint64_t da = range->start + skip;
	int r;

	if (skip >= s->dumped)
		return 0;
	if (skip >= s->seg.filesz)
		return rpd_fail(
			-ENODATA,
			"%s: device address 0x%llx was cut off (dump truncated)",
			dump->name, (unsigned long long)da);
	len = (size_t)MIN((uint64_t)len, s->seg.filesz - skip);
	r = read_at(dump, buf, len, s->seg.offset + skip);
	if (r == -ENODATA)
		return rpd_fail(
			r,
			"%s: cannot read device address 0x%llx at file offset 0x%llx: the file shrank",
			dump->name, (unsigned long long)da,
			(unsigned long long)(s->seg.offset + skip));
	if (r < 0)
		return rpd_fail(
			r,
			"%s: cannot read device address 0x%llx at file offset 0x%llx: %m",
			dump->name, (unsigned long long)da,
			(unsigned long long)(s->seg.offset + skip));
	return (ssize_t)len;
}

/**
 * rpd_devcd_read() - the dumped memory at a device address
 * @dump: the dump
 * @da: the device address (p_paddr space)
 * @buf: filled with @len bytes
 * @len: how many
 *
 * The range may span adjacent segments.
 *
 * Return: 0; -ENOENT if part of the range was not dumped; -ENODATA if it
 * was, but the dump ends before it.
 */
int rpd_devcd_read(const struct rpd_devcd *dump, uint64_t da, void *buf,
		   size_t len)
{
	uint64_t missing;
	int r;

	r = rpd_address_index_read(&dump->by_da, da, buf, len, read_segment,
				   dump, &missing);
	if (r == -EOVERFLOW)
		return rpd_fail(
			-ENOENT,
			"%s: device address range 0x%llx+0x%zx wraps around",
			dump->name, (unsigned long long)da, len);
	if (r == -ENOENT)
		return rpd_fail(-ENOENT,
				"%s: device address 0x%llx is not in the dump",
				dump->name, (unsigned long long)missing);
	return r;
}

/* Patched layout: the value of "key=value" in the info note. */
const char *rpd_devcd_info(const struct rpd_devcd *dump, const char *key)
{
	const struct rpd_note info = {
		.owner = RPD_NOTE_OWNER,
		.type = RPD_DEVCD_NT_INFO,
		.desc = dump->info,
		.descsz = dump->info_len,
	};

	/* take_info_note() made every string NUL-terminated. */
	return dump->info ? rpd_note_info_lookup(&info, key) : NULL;
}

/**
 * rpd_devcd_declared_size() - how long a dump says it is
 * @head: the dump's first bytes
 * @len: how many
 * @size: where its last segment or note ends
 *
 * A collector reads a dump while the kernel may delete it; knowing the
 * size from the first read lets it choose where to put the dump and tell
 * a dump cut short from a complete one. Only the ELF and program headers
 * are decoded, and only as far as the size needs.
 *
 * Return: 0, or -EINVAL if @head does not hold the headers.
 */
int rpd_devcd_declared_size(const void *head, size_t len, uint64_t *size)
{
	const uint8_t *buf = head;
	struct elf_ehdr eh;
	uint64_t end = 0;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) ||
	    buf[EI_DATA] != ELFDATA2LSB ||
	    (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64) ||
	    len < elf_ehdr_size(buf[EI_CLASS]))
		return rpd_fail(-EINVAL,
				"not the start of a little-endian ELF");
	elf_decode_ehdr(buf, &eh);
	if (eh.phentsize != elf_phdr_size(eh.elf_class) ||
	    !range_within(eh.phoff, (uint64_t)eh.phentsize * eh.phnum, len))
		return rpd_fail(
			-EINVAL,
			"program headers not within the first %zu bytes", len);
	for (size_t i = 0; i < eh.phnum; i++) {
		Elf64_Phdr ph;

		elf_decode_phdr(buf + eh.phoff + i * eh.phentsize, eh.elf_class,
				&ph);
		if (ph.p_filesz > UINT64_MAX - ph.p_offset)
			return rpd_fail(-EINVAL,
					"program header %zu wraps around", i);
		end = MAX(end, ph.p_offset + ph.p_filesz);
	}
	*size = end;
	return 0;
}
