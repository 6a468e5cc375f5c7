// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * core_reader.c - open a stored core, rproc-core(5), and check all of it.
 *
 * A stored core may come from anywhere, so nothing in it is trusted: every
 * header field, offset, size and known note is checked before any of it is
 * used, with overflow-safe arithmetic, and a core that breaks a rule is
 * refused with a message saying which rule. After that, accessors need no
 * checks of their own.
 *
 * Cores are read from memory (a caller's buffer, or a plain file mapped
 * read-only) or from a .core.gz, of which only the headers and notes are
 * inflated up front; segment data is inflated when read. Both go through
 * the same validation, which sees the headers and notes in memory and the
 * total size of the (inflated) file.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "core_format.h"
#include "elf_header.h"
#include "firmware_match.h"
#include "util.h"

struct rpd_core {
	char *name; /* names the core in messages */
	struct rpd_elf_ident ident;
	uint64_t size; /* of the file, inflated */

	/* Where the bytes are: all of them in memory, or a gzip reader. */
	const uint8_t *data;
	void *mapping; /* data, when we mapped it */
	size_t mapping_len;
	int fd;
	struct rpd_gz_reader *gz;
	/* gzip: the ELF header, program headers and notes, inflated. */
	uint8_t *copies[3];
	size_t ncopies;

	struct rpd_segment *segs; /* PT_LOADs in program header order */
	size_t nsegs;
	struct rpd_address_index by_vaddr; /* of segs[], by memory */
	struct rpd_note *notes;		   /* of the first PT_NOTE, in order */
	size_t nnotes;
};

/* The first PT_NOTE: the one libdwfl reads, and the only one we read. */
struct note_segment {
	uint64_t offset;
	uint64_t size;
};

/* ---- segments (shared with the writer) ---- */

static int check_segment(const struct rpd_segment *s, size_t i,
			 uint8_t elf_class)
{
	uint64_t max = elf_class == ELFCLASS64 ? UINT64_MAX : UINT32_MAX;

	if (s->filesz > s->memsz)
		return rpd_fail(
			-EINVAL,
			"segment %zu: file size 0x%llx exceeds memory size 0x%llx",
			i, (unsigned long long)s->filesz,
			(unsigned long long)s->memsz);
	/* The last byte must be addressable: vaddr + memsz - 1 <= max. */
	if (s->memsz && (s->vaddr > max || s->memsz - 1 > max - s->vaddr))
		return rpd_fail(
			-EINVAL,
			"segment %zu: 0x%llx + 0x%llx wraps around the address space",
			i, (unsigned long long)s->vaddr,
			(unsigned long long)s->memsz);
	return 0;
}

int rpd_segments_index(const struct rpd_segment *segs, size_t n,
		       uint8_t elf_class, struct rpd_address_index *idx)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		r = check_segment(&segs[i], i, elf_class);
		if (r < 0)
			return r;
		r = rpd_address_index_add(idx, segs[i].vaddr, segs[i].memsz, i);
		if (r < 0)
			return r;
	}
	return rpd_address_index_finish(idx, "segments");
}

/* ---- the bytes of the file ---- */

/* Reads file bytes the headers have placed within the file. */
static int read_bytes(const struct rpd_core *core, uint64_t off, void *buf,
		      size_t len)
{
	ssize_t n;

	if (core->data) {
		memcpy(buf, core->data + off, len);
		return 0;
	}
	n = rpd_gz_reader_pread(core->gz, buf, len, off);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return rpd_fail(-EIO,
				"%s: inflated data ends before offset 0x%llx",
				core->name, (unsigned long long)(off + len));
	return 0;
}

/* Headers and notes in memory: a pointer into the data, or a copy. */
static int fetch(struct rpd_core *core, uint64_t off, uint64_t len,
		 const uint8_t **out)
{
	uint8_t *copy;
	int r;

	if (core->data) {
		*out = core->data + off;
		return 0;
	}
	if (core->ncopies == ARRAY_SIZE(core->copies) || len > SIZE_MAX - 1)
		return rpd_fail(-EINVAL, "%s: too many header reads",
				core->name);
	copy = malloc(len + 1);
	if (!copy)
		return rpd_fail(-ENOMEM, "%s: out of memory", core->name);
	core->copies[core->ncopies++] = copy;
	r = read_bytes(core, off, copy, len);
	if (r < 0)
		return r;
	*out = copy;
	return 0;
}

/* ---- validation ---- */

static int check_ident(struct rpd_core *core, const uint8_t *id)
{
	if (memcmp(id, ELFMAG, SELFMAG))
		return rpd_fail(-EINVAL, "%s: not an ELF file", core->name);
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return rpd_fail(-EINVAL, "%s: unknown ELF class %u", core->name,
				id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return rpd_fail(
			-EINVAL,
			"%s: ELF data encoding %u: only little-endian cores are supported",
			core->name, id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return rpd_fail(-EINVAL, "%s: unknown ELF version %u",
				core->name, id[EI_VERSION]);
	core->ident.elf_class = id[EI_CLASS];
	return 0;
}

static int parse_ehdr(struct rpd_core *core, struct elf_ehdr *eh)
{
	size_t phentsize;
	const uint8_t *p;
	int r;

	if (core->size < EI_NIDENT)
		return rpd_fail(-EINVAL,
				"%s: %llu bytes is too small for an ELF file",
				core->name, (unsigned long long)core->size);
	r = fetch(core, 0, MIN(core->size, sizeof(Elf64_Ehdr)), &p);
	if (r < 0)
		return r;
	r = check_ident(core, p);
	if (r < 0)
		return r;
	if (core->size < elf_ehdr_size(core->ident.elf_class))
		return rpd_fail(-EINVAL,
				"%s: truncated ELF header: %llu of %zu bytes",
				core->name, (unsigned long long)core->size,
				elf_ehdr_size(core->ident.elf_class));

	elf_decode_ehdr(p, eh);
	if (eh->type != ET_CORE)
		return rpd_fail(-EINVAL, "%s: not a core file (e_type %u)",
				core->name, eh->type);
	if (eh->version != EV_CURRENT)
		return rpd_fail(-EINVAL, "%s: unknown e_version %u", core->name,
				eh->version);
	core->ident.machine = eh->machine;
	core->ident.entry = eh->entry;
	core->ident.flags = eh->flags;

	phentsize = elf_phdr_size(eh->elf_class);
	if (eh->phentsize != phentsize)
		return rpd_fail(-EINVAL,
				"%s: program header size %u, ELF%d needs %zu",
				core->name, eh->phentsize,
				eh->elf_class == ELFCLASS64 ? 64 : 32,
				phentsize);
	if (!eh->phnum)
		return rpd_fail(-EINVAL, "%s: no program headers", core->name);
	if (eh->phnum == PN_XNUM)
		return rpd_fail(
			-EINVAL,
			"%s: extended program header numbering (PN_XNUM) is not supported",
			core->name);
	if (!range_within(eh->phoff, (uint64_t)eh->phnum * phentsize,
			  core->size))
		return rpd_fail(
			-EINVAL,
			"%s: program headers at 0x%llx + 0x%llx exceed file size 0x%llx",
			core->name, (unsigned long long)eh->phoff,
			(unsigned long long)eh->phnum * phentsize,
			(unsigned long long)core->size);
	return 0;
}

static void parse_phdr(uint8_t elf_class, const uint8_t *p, uint32_t *type,
		       struct rpd_segment *s)
{
	Elf64_Phdr ph;

	elf_decode_phdr(p, elf_class, &ph);
	*type = ph.p_type;
	*s = elf_segment(&ph);
}

static int check_note_segment(struct rpd_core *core,
			      const struct rpd_segment *s,
			      struct note_segment *notes)
{
	if (!range_within(s->offset, s->filesz, core->size))
		return rpd_fail(
			-EINVAL,
			"%s: note segment: offset 0x%llx + size 0x%llx exceeds file size 0x%llx",
			core->name, (unsigned long long)s->offset,
			(unsigned long long)s->filesz,
			(unsigned long long)core->size);
	if (s->filesz > RPD_CORE_NOTES_MAX)
		return rpd_fail(
			-EINVAL,
			"%s: note segment of 0x%llx bytes exceeds the limit of 0x%x",
			core->name, (unsigned long long)s->filesz,
			RPD_CORE_NOTES_MAX);
	notes->offset = s->offset;
	notes->size = s->filesz;
	return 0;
}

/*
 * Collects the PT_LOADs and finds the notes, which rproc-core(5) puts in the
 * first program header. Other program header types are ignored.
 */
static int parse_phdrs(struct rpd_core *core, const struct elf_ehdr *eh,
		       struct note_segment *notes)
{
	size_t entsize = elf_phdr_size(core->ident.elf_class);
	const uint8_t *table;
	int r;

	r = fetch(core, eh->phoff, (uint64_t)eh->phnum * entsize, &table);
	if (r < 0)
		return r;
	core->segs = calloc(eh->phnum, sizeof(*core->segs));
	if (!core->segs)
		return rpd_fail(-ENOMEM, "%s: out of memory", core->name);

	for (size_t i = 0; i < eh->phnum; i++) {
		struct rpd_segment s;
		uint32_t type;

		parse_phdr(core->ident.elf_class, table + i * entsize, &type,
			   &s);
		if (i == 0) {
			if (type != PT_NOTE)
				return rpd_fail(
					-EINVAL,
					"%s: program header 0 has type 0x%x, not the PT_NOTE a core starts with",
					core->name, type);
			r = check_note_segment(core, &s, notes);
			if (r < 0)
				return r;
		}
		if (type != PT_LOAD)
			continue;
		if (!range_within(s.offset, s.filesz, core->size))
			return rpd_fail(
				-EINVAL,
				"%s: segment %zu: offset 0x%llx + size 0x%llx exceeds file size 0x%llx",
				core->name, core->nsegs,
				(unsigned long long)s.offset,
				(unsigned long long)s.filesz,
				(unsigned long long)core->size);
		core->segs[core->nsegs++] = s;
	}
	return 0;
}

static int index_segments(struct rpd_core *core)
{
	int r;

	r = rpd_segments_index(core->segs, core->nsegs, core->ident.elf_class,
			       &core->by_vaddr);
	if (r < 0)
		return rpd_fail_prefix(r, "%s", core->name);
	return 0;
}

static int add_note(struct rpd_core *core, const struct rpd_note *note,
		    size_t *cap)
{
	if (core->nnotes == *cap) {
		size_t n = *cap ? 2 * *cap : 16;
		struct rpd_note *p = reallocarray(core->notes, n, sizeof(*p));

		if (!p)
			return rpd_fail(-ENOMEM, "%s: out of memory",
					core->name);
		core->notes = p;
		*cap = n;
	}
	core->notes[core->nnotes++] = *note;
	return 0;
}

/* A format 1 core's RPROC notes, under the types of today. */
static void upgrade_format1_type(struct rpd_note *note)
{
	if (!strcmp(note->owner, RPD_NOTE_OWNER) &&
	    note->type >= RPD_NT_FORMAT1_FIRST &&
	    note->type <= RPD_NT_FORMAT1_LAST)
		note->type += RPD_NT_INFO - RPD_NT_FORMAT1_FIRST;
}

static int parse_notes(struct rpd_core *core, const struct note_segment *ns)
{
	const uint8_t *seg;
	uint64_t pos = 0;
	size_t cap = 0;
	struct rpd_note note;
	int r;

	r = fetch(core, ns->offset, ns->size, &seg);
	if (r < 0)
		return r;
	while ((r = rpd_note_next(seg, ns->size, RPD_NOTE_ALIGN, &pos, &note)) >
	       0) {
		upgrade_format1_type(&note);
		r = rpd_note_check(&note, core->ident.machine, core->nsegs);
		if (r < 0)
			break;
		r = add_note(core, &note, &cap);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return rpd_fail_prefix(r, "%s: note %zu", core->name,
				       core->nnotes);
	return 0;
}

static int validate(struct rpd_core *core)
{
	struct elf_ehdr eh = { 0 };
	struct note_segment notes = { 0 };
	int r;

	r = parse_ehdr(core, &eh);
	if (r < 0)
		return r;
	r = parse_phdrs(core, &eh, &notes);
	if (r < 0)
		return r;
	r = index_segments(core);
	if (r < 0)
		return r;
	return parse_notes(core, &notes);
}

/* ---- opening ---- */

static int core_new(const char *name, struct rpd_core **out)
{
	struct rpd_core *core = calloc(1, sizeof(*core));

	if (!core)
		return rpd_fail(-ENOMEM, "%s: out of memory", name);
	core->fd = -1;
	core->name = strdup(name);
	if (!core->name) {
		free(core);
		return rpd_fail(-ENOMEM, "%s: out of memory", name);
	}
	*out = core;
	return 0;
}

void rpd_core_free(struct rpd_core *core)
{
	if (!core)
		return;
	if (core->mapping)
		munmap(core->mapping, core->mapping_len);
	rpd_gz_reader_free(core->gz);
	if (core->fd >= 0)
		close(core->fd);
	for (size_t i = 0; i < core->ncopies; i++)
		free(core->copies[i]);
	free(core->segs);
	rpd_address_index_clear(&core->by_vaddr);
	free(core->notes);
	free(core->name);
	free(core);
}

static void core_freep(struct rpd_core **core)
{
	rpd_core_free(*core);
}

int rpd_core_open_mem(const void *buf, size_t len, struct rpd_core **out)
{
	_cleanup_(core_freep) struct rpd_core *core = NULL;
	int r;

	r = core_new("core", &core);
	if (r < 0)
		return r;
	/* Never dereferenced when len is 0: the size check comes first. */
	core->data = buf ? buf : (const uint8_t *)"";
	core->size = len;
	r = validate(core);
	if (r < 0)
		return r;
	*out = TAKE_PTR(core);
	return 0;
}

/* A plain core: all of it mapped read-only. */
static int map_file(struct rpd_core *core)
{
	struct stat st;
	void *p;

	if (fstat(core->fd, &st) < 0)
		return rpd_fail(-errno, "%s: %m", core->name);
	if (!S_ISREG(st.st_mode))
		return rpd_fail(-EINVAL, "%s: not a regular file", core->name);
	if (st.st_size == 0)
		return rpd_fail(-EINVAL, "%s: empty file", core->name);
	if ((uint64_t)st.st_size > SIZE_MAX)
		return rpd_fail(-EFBIG, "%s: too large to map", core->name);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, core->fd, 0);
	if (p == MAP_FAILED)
		return rpd_fail(-errno, "%s: mmap: %m", core->name);
	core->mapping = p;
	core->mapping_len = (size_t)st.st_size;
	core->data = p;
	core->size = (uint64_t)st.st_size;
	close(TAKE_FD(core->fd));
	return 0;
}

/* A .core.gz: the reader keeps the fd and inflates members on demand. */
static int open_gz(struct rpd_core *core)
{
	int r;

	r = rpd_gz_reader_open(core->fd, core->name, &core->gz);
	if (r < 0)
		return r;
	return rpd_gz_reader_size(core->gz, &core->size);
}

int rpd_core_open(const char *path, struct rpd_core **out)
{
	_cleanup_(core_freep) struct rpd_core *core = NULL;
	int r;

	r = core_new(path, &core);
	if (r < 0)
		return r;
	core->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (core->fd < 0)
		return rpd_fail(-errno, "%s: %m", path);
	r = rpd_gz_detect(core->fd) ? open_gz(core) : map_file(core);
	if (r < 0)
		return r;
	r = validate(core);
	if (r < 0)
		return r;
	*out = TAKE_PTR(core);
	return 0;
}

/* ---- accessors ---- */

const struct rpd_elf_ident *rpd_core_ident(const struct rpd_core *core)
{
	return &core->ident;
}

size_t rpd_core_nsegments(const struct rpd_core *core)
{
	return core->nsegs;
}

const struct rpd_segment *rpd_core_segment(const struct rpd_core *core,
					   size_t i)
{
	return i < core->nsegs ? &core->segs[i] : NULL;
}

size_t rpd_core_nnotes(const struct rpd_core *core)
{
	return core->nnotes;
}

const struct rpd_note *rpd_core_note(const struct rpd_core *core, size_t i)
{
	return i < core->nnotes ? &core->notes[i] : NULL;
}

const struct rpd_note *rpd_core_find_note(const struct rpd_core *core,
					  const char *owner, uint32_t type,
					  size_t nth)
{
	for (size_t i = 0; i < core->nnotes; i++) {
		const struct rpd_note *n = &core->notes[i];

		if (n->type == type && !strcmp(n->owner, owner) && !nth--)
			return n;
	}
	return NULL;
}

const char *rpd_core_info(const struct rpd_core *core, const char *key)
{
	const struct rpd_note *info;

	info = rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_INFO, 0);
	return info ? rpd_note_info_lookup(info, key) : NULL;
}

int rpd_core_info_at(const struct rpd_core *core, size_t i, const char **key,
		     size_t *keylen, const char **value)
{
	const struct rpd_note *info;
	const char *s, *end;

	info = rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_INFO, 0);
	/* validate() made every string NUL-terminated, with a key and '='. */
	for (s = info ? info->desc : "", end = s + (info ? info->descsz : 0);
	     s < end; s += strlen(s) + 1) {
		const char *eq = strchr(s, '=');

		if (i--)
			continue;
		*key = s;
		*keylen = (size_t)(eq - s);
		*value = eq + 1;
		return 0;
	}
	return rpd_fail(-ENOENT, "%s: no info entry %zu", core->name, i);
}

uint64_t rpd_core_size(const struct rpd_core *core)
{
	return core->size;
}

/* Copies a segment's file bytes; a core holds none beyond p_filesz. */
static ssize_t read_segment(const void *ctx, const struct rpd_range *range,
			    uint64_t skip, void *buf, size_t len)
{
	const struct rpd_core *core = ctx;
	const struct rpd_segment *s = &core->segs[range->index];
	int r;

	if (skip >= s->filesz)
		return 0;
	len = (size_t)MIN((uint64_t)len, s->filesz - skip);
	r = read_bytes(core, s->offset + skip, buf, len);
	return r < 0 ? r : (ssize_t)len;
}

/**
 * rpd_core_read() - read memory of the crashed processor
 * @core: the core
 * @vaddr: CPU address of the first byte
 * @buf: where to put the bytes
 * @len: how many
 *
 * A read may span segments that are adjacent in the address space.
 *
 * Return: 0, -ENOENT naming the first address without file bytes (also
 * for bytes beyond p_filesz, which a core does not hold), -EINVAL for a
 * range that wraps around the address space, or an I/O error.
 */
int rpd_core_read(const struct rpd_core *core, uint64_t vaddr, void *buf,
		  size_t len)
{
	uint64_t missing;
	int r;

	r = rpd_address_index_read(&core->by_vaddr, vaddr, buf, len,
				   read_segment, core, &missing);
	if (r == -EOVERFLOW)
		return rpd_fail(
			-EINVAL,
			"%s: read of %zu bytes at 0x%llx wraps around the address space",
			core->name, len, (unsigned long long)vaddr);
	if (r == -ENOENT)
		return rpd_fail(
			-ENOENT,
			"%s: no data at 0x%llx (reading 0x%zx bytes at 0x%llx)",
			core->name, (unsigned long long)missing, len,
			(unsigned long long)vaddr);
	return r;
}

/* ---- register contexts and the segment map ---- */

size_t rpd_core_ncontexts(const struct rpd_core *core)
{
	size_t n = 0;

	while (rpd_core_find_note(core, RPD_CORE_NOTE_OWNER, NT_PRSTATUS, n))
		n++;
	return n;
}

int rpd_core_context(const struct rpd_core *core, size_t i,
		     struct rpd_context *ctx)
{
	const struct rpd_note *note =
		rpd_core_find_note(core, RPD_CORE_NOTE_OWNER, NT_PRSTATUS, i);

	if (!note)
		return rpd_fail(-ENOENT, "%s: no register context %zu",
				core->name, i);
	if (core->ident.machine != EM_ARM)
		return rpd_fail(
			-EPROTONOSUPPORT,
			"%s: register contexts of ELF machine %u are not supported",
			core->name, core->ident.machine);
	/* validate() checked the ARM size. */
	rpd_note_arm_prstatus_read(note->desc, ctx);
	return 0;
}

static const struct rpd_note *segmap_note(const struct rpd_core *core)
{
	return rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_SEGMAP, 0);
}

static const struct rpd_note *threads_note(const struct rpd_core *core)
{
	return rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_THREADS, 0);
}

size_t rpd_core_nthreads(const struct rpd_core *core)
{
	const struct rpd_note *note = threads_note(core);

	return note ? note->descsz / RPD_THREAD_ENTRY_SIZE : 0;
}

int rpd_core_thread(const struct rpd_core *core, size_t i,
		    struct rpd_thread *thread)
{
	if (i >= rpd_core_nthreads(core))
		return rpd_fail(-ENOENT, "%s: no thread %zu", core->name, i);
	rpd_thread_entry_decode((const uint8_t *)threads_note(core)->desc +
					i * RPD_THREAD_ENTRY_SIZE,
				thread);
	return 0;
}

size_t rpd_core_nsegmap(const struct rpd_core *core)
{
	const struct rpd_note *note = segmap_note(core);

	return note ? note->descsz / RPD_SEGMAP_ENTRY_SIZE : 0;
}

int rpd_core_segmap(const struct rpd_core *core, size_t i,
		    struct rpd_segmap_entry *entry)
{
	if (i >= rpd_core_nsegmap(core))
		return rpd_fail(-ENOENT, "%s: no segment map entry %zu",
				core->name, i);
	/* validate() checked the size and every load_index. */
	rpd_segmap_entry_decode((const uint8_t *)segmap_note(core)->desc +
					i * RPD_SEGMAP_ENTRY_SIZE,
				entry);
	return 0;
}

/* ---- the firmware's read-only sections ---- */

static size_t core_nsegments(const void *obj)
{
	return rpd_core_nsegments(obj);
}

static const struct rpd_segment *core_segment(const void *obj, size_t i)
{
	return rpd_core_segment(obj, i);
}

static int core_read(const void *obj, uint64_t addr, void *buf, size_t len)
{
	return rpd_core_read(obj, addr, buf, len);
}

int rpd_core_compare_firmware(const struct rpd_core *core,
			      const struct rpd_firmware *fw,
			      struct rpd_readonly_check *checks, size_t max,
			      rpd_difference_fn *on_difference, void *ctx)
{
	const struct rpd_dumped_memory mem = {
		.nsegments = core_nsegments,
		.segment = core_segment,
		.read = core_read,
		.obj = core,
	};
	int r;

	r = rpd_compare_readonly(fw, &mem, true, checks, max, on_difference,
				 ctx);
	if (r < 0)
		return rpd_fail_prefix(r, "%s", core->name);
	return r;
}
