// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * firmware.c - read a remote processor's firmware ELF image with libelf.
 *
 * A firmware is validated as the kernel's rproc_elf_sanity_check() and
 * rproc_elf_load_segments() validate it before booting it (ELF32/64,
 * little-endian, program headers present, every loaded segment inside the
 * file and no larger in the file than in memory), plus what a dump reader
 * relies on: loaded segments do not overlap, and the resource table is
 * well formed. The kernel refuses to boot firmware that breaks the
 * kernel's rules, so no dump of it can exist.
 *
 * From the image we take what a crash dump lacks: its segments, its GNU
 * build-id, its symbols, its trace buffers and where its crash record is.
 */
#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

#include "address_index.h"
#include "elf_header.h"
#include "firmware_internal.h"
#include "resource_table.h"
#include "rproc/crash_record.h"
#include "rproc/rprocdump.h"
#include "util.h"

#define RESOURCE_TABLE_SECTION ".resource_table"

struct rpd_firmware {
	char *path; /* as given: names the file in messages */
	int fd;	    /* -1 for rpd_firmware_open_mem() */
	Elf *elf;
	const uint8_t *image; /* the whole file */
	size_t size;

	struct rpd_elf_ident ident;
	struct rpd_segment *segments;
	size_t nsegments;
	struct rpd_address_index by_vaddr; /* of segments[], by memory */

	const uint8_t *build_id; /* in libelf's copy of the note */
	size_t build_id_len;
	char build_id_hex[2 * RPD_BUILD_ID_MAX + 1]; /* "" if none */

	/* One table of symbols, names and files in libelf's string table,
	 * and two orders of it. */
	struct rpd_symbol *symbols;
	size_t nsymbols;
	const struct rpd_symbol **by_name; /* globals first within a name */
	const struct rpd_symbol **by_addr; /* without absolute symbols */
	size_t nby_addr;

	struct rpd_section *readonly; /* in section header order */
	size_t nreadonly;

	struct rpd_rsc_table rsc;
};

static pthread_once_t libelf_once = PTHREAD_ONCE_INIT;

static void libelf_init(void)
{
	elf_version(EV_CURRENT);
}

static int elf_fail(const struct rpd_firmware *fw, const char *what)
{
	return rpd_fail(-EINVAL, "%s: %s: %s", fw->path, what, elf_errmsg(-1));
}

/* ---- headers and segments ---------------------------------------------- */

static int check_ident(struct rpd_firmware *fw)
{
	const uint8_t *id = fw->image;

	if (fw->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return rpd_fail(-EINVAL, "%s: not an ELF file", fw->path);
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return rpd_fail(
			-EINVAL,
			"%s: ELF class %u is not supported; remoteproc firmware is ELF32 or ELF64",
			fw->path, id[EI_CLASS]);
	if (id[EI_DATA] == ELFDATA2MSB)
		return rpd_fail(
			-EINVAL,
			"%s: is big-endian; remoteproc firmware must be little-endian",
			fw->path);
	if (id[EI_DATA] != ELFDATA2LSB)
		return rpd_fail(-EINVAL, "%s: unknown ELF data encoding %u",
				fw->path, id[EI_DATA]);
	/* Whatever else libelf does not recognise. */
	if (elf_kind(fw->elf) != ELF_K_ELF)
		return rpd_fail(-EINVAL, "%s: not an ELF file", fw->path);
	return 0;
}

/* The program header table must be present and inside the file. */
static int check_phdr_table(const struct rpd_firmware *fw,
			    const GElf_Ehdr *ehdr)
{
	size_t entsize = gelf_fsize(fw->elf, ELF_T_PHDR, 1, EV_CURRENT);

	if (ehdr->e_phnum == 0)
		return rpd_fail(
			-EINVAL,
			"%s: has no program headers (no loadable segments)",
			fw->path);
	if (ehdr->e_phnum == PN_XNUM)
		return rpd_fail(
			-EINVAL,
			"%s: too many program headers (extended numbering is not supported)",
			fw->path);
	if (ehdr->e_phentsize != entsize)
		return rpd_fail(-EINVAL,
				"%s: program header size %u, expected %zu",
				fw->path, ehdr->e_phentsize, entsize);
	if (!range_within(ehdr->e_phoff, (uint64_t)ehdr->e_phnum * entsize,
			  fw->size))
		return rpd_fail(
			-EINVAL,
			"%s: %u program headers at 0x%llx exceed file size 0x%zx",
			fw->path, ehdr->e_phnum,
			(unsigned long long)ehdr->e_phoff, fw->size);
	return 0;
}

/* What rproc_elf_load_segments() checks of a PT_LOAD, and more. */
static int check_load(const struct rpd_firmware *fw, size_t i,
		      const GElf_Phdr *ph)
{
	uint64_t addr_limit = fw->ident.elf_class == ELFCLASS32 ? UINT32_MAX :
								  UINT64_MAX;

	if (!range_within(ph->p_offset, ph->p_filesz, fw->size))
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: file range 0x%llx+0x%llx exceeds file size 0x%zx",
			fw->path, i, (unsigned long long)ph->p_offset,
			(unsigned long long)ph->p_filesz, fw->size);
	if (ph->p_filesz > ph->p_memsz)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: file size 0x%llx exceeds memory size 0x%llx",
			fw->path, i, (unsigned long long)ph->p_filesz,
			(unsigned long long)ph->p_memsz);
	if (ph->p_memsz - 1 > addr_limit - ph->p_vaddr ||
	    ph->p_memsz - 1 > addr_limit - ph->p_paddr)
		return rpd_fail(
			-EINVAL,
			"%s: program header %zu: address range 0x%llx+0x%llx wraps around",
			fw->path, i, (unsigned long long)ph->p_vaddr,
			(unsigned long long)ph->p_memsz);
	return 0;
}

/* Indexes the segments' memory and rejects overlaps: every address then
 * has at most one segment, which rpd_firmware_read() relies on. */
static int index_segments(struct rpd_firmware *fw)
{
	int r = 0;

	for (size_t i = 0; i < fw->nsegments && r >= 0; i++)
		r = rpd_address_index_add(&fw->by_vaddr, fw->segments[i].vaddr,
					  fw->segments[i].memsz, i);
	if (r >= 0)
		r = rpd_address_index_finish(&fw->by_vaddr,
					     "loadable segments");
	if (r < 0)
		return rpd_fail_prefix(r, "%s", fw->path);
	return 0;
}

static int load_segments(struct rpd_firmware *fw, const GElf_Ehdr *ehdr)
{
	int r;

	r = check_phdr_table(fw, ehdr);
	if (r < 0)
		return r;
	fw->segments = calloc(ehdr->e_phnum, sizeof(*fw->segments));
	if (!fw->segments)
		return rpd_fail(-ENOMEM, "%s: out of memory", fw->path);

	for (size_t i = 0; i < ehdr->e_phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(fw->elf, (int)i, &ph))
			return elf_fail(fw, "cannot read program header");
		/* rproc_elf_load_segments() ignores everything else. */
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		r = check_load(fw, i, &ph);
		if (r < 0)
			return r;
		fw->segments[fw->nsegments++] = elf_segment(&ph);
	}
	return index_segments(fw);
}

static int load_headers(struct rpd_firmware *fw)
{
	GElf_Ehdr ehdr;
	int r;

	r = check_ident(fw);
	if (r < 0)
		return r;
	if (!gelf_getehdr(fw->elf, &ehdr))
		return elf_fail(fw, "cannot read the ELF header");
	fw->ident = (struct rpd_elf_ident){
		.elf_class = ehdr.e_ident[EI_CLASS],
		.machine = ehdr.e_machine,
		.flags = ehdr.e_flags,
		.entry = ehdr.e_entry,
	};
	return load_segments(fw, &ehdr);
}

/* ---- sections ------------------------------------------------------------ */

/* The section header table, if any, must be inside the file, as
 * rproc_elf_sanity_check() requires. */
static int check_shdr_table(const struct rpd_firmware *fw, size_t *shnum)
{
	size_t entsize = gelf_fsize(fw->elf, ELF_T_SHDR, 1, EV_CURRENT);
	GElf_Ehdr ehdr;

	if (!gelf_getehdr(fw->elf, &ehdr))
		return elf_fail(fw, "cannot read the ELF header");
	*shnum = 0;
	if (!ehdr.e_shoff)
		return 0;
	if (ehdr.e_shentsize != entsize)
		return rpd_fail(-EINVAL,
				"%s: section header size %u, expected %zu",
				fw->path, ehdr.e_shentsize, entsize);
	/* The first header must be readable to learn the real count. */
	if (!range_within(ehdr.e_shoff, entsize, fw->size))
		return rpd_fail(
			-EINVAL,
			"%s: section headers at 0x%llx exceed file size 0x%zx",
			fw->path, (unsigned long long)ehdr.e_shoff, fw->size);
	if (elf_getshdrnum(fw->elf, shnum) < 0)
		return elf_fail(fw, "cannot count section headers");
	if (!range_within(ehdr.e_shoff, (uint64_t)*shnum * entsize, fw->size))
		return rpd_fail(
			-EINVAL,
			"%s: %zu section headers at 0x%llx exceed file size 0x%zx",
			fw->path, *shnum, (unsigned long long)ehdr.e_shoff,
			fw->size);
	return 0;
}

static const char *section_name(const struct rpd_firmware *fw, size_t shstrndx,
				const GElf_Shdr *shdr)
{
	const char *name = elf_strptr(fw->elf, shstrndx, shdr->sh_name);

	return name ? name : "";
}

/* The bytes of a section with contents, checked to be inside the file. */
static int section_bytes(const struct rpd_firmware *fw, size_t index,
			 const GElf_Shdr *shdr, const char *name,
			 const uint8_t **bytes)
{
	if (shdr->sh_type == SHT_NOBITS)
		return rpd_fail(-EINVAL, "%s: section %zu (%s) has no contents",
				fw->path, index, name);
	if (!range_within(shdr->sh_offset, shdr->sh_size, fw->size))
		return rpd_fail(
			-EINVAL,
			"%s: section %zu (%s): file range 0x%llx+0x%llx exceeds file size 0x%zx",
			fw->path, index, name,
			(unsigned long long)shdr->sh_offset,
			(unsigned long long)shdr->sh_size, fw->size);
	*bytes = fw->image + shdr->sh_offset;
	return 0;
}

static int load_resource_table(struct rpd_firmware *fw, size_t index,
			       const GElf_Shdr *shdr)
{
	const uint8_t *bytes;
	char name[512];
	int r;

	r = section_bytes(fw, index, shdr, RESOURCE_TABLE_SECTION, &bytes);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "%s: %s", fw->path,
		 RESOURCE_TABLE_SECTION);
	return rpd_rsc_table_parse(bytes, shdr->sh_size, name, &fw->rsc);
}

/* Symbols the lookups can name: defined data, code and untyped labels (the
 * linker script's symbols), without ARM mapping symbols ($a, $t, $d). */
static bool symbol_useful(const GElf_Sym *sym, const char *name)
{
	unsigned char type = GELF_ST_TYPE(sym->st_info);

	if (!name || !*name || *name == '$' || sym->st_shndx == SHN_UNDEF)
		return false;
	return type == STT_OBJECT || type == STT_FUNC || type == STT_NOTYPE;
}

static int cmp_by_name(const void *a, const void *b)
{
	const struct rpd_symbol *x = *(const struct rpd_symbol *const *)a;
	const struct rpd_symbol *y = *(const struct rpd_symbol *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->global != y->global)
		return x->global ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

static int cmp_by_addr(const void *a, const void *b)
{
	const struct rpd_symbol *x = *(const struct rpd_symbol *const *)a;
	const struct rpd_symbol *y = *(const struct rpd_symbol *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* At one address, a sized function or object before a label. */
	return (x->size == 0) - (y->size == 0);
}

/* The address a symbol names: a Thumb function's value has bit 0 set (ELF
 * for the Arm Architecture, 5.5.3), its first instruction does not. */
static uint64_t symbol_addr(const struct rpd_firmware *fw, const GElf_Sym *sym)
{
	if (fw->ident.machine == EM_ARM &&
	    GELF_ST_TYPE(sym->st_info) == STT_FUNC)
		return sym->st_value & ~(uint64_t)1;
	return sym->st_value;
}

/* Both orders of the table; absolute symbols (linker script constants)
 * name no memory and are left out of the one by address. */
static int sort_symbols(struct rpd_firmware *fw, const bool *absolute)
{
	size_t n = fw->nsymbols ? fw->nsymbols : 1;

	fw->by_name = calloc(n, sizeof(*fw->by_name));
	fw->by_addr = calloc(n, sizeof(*fw->by_addr));
	if (!fw->by_name || !fw->by_addr)
		return rpd_fail(-ENOMEM, "%s: out of memory", fw->path);
	for (size_t i = 0; i < fw->nsymbols; i++) {
		fw->by_name[i] = &fw->symbols[i];
		if (!absolute[i])
			fw->by_addr[fw->nby_addr++] = &fw->symbols[i];
	}
	qsort(fw->by_name, fw->nsymbols, sizeof(*fw->by_name), cmp_by_name);
	qsort(fw->by_addr, fw->nby_addr, sizeof(*fw->by_addr), cmp_by_addr);
	return 0;
}

/*
 * Reads the symbol table once. A local symbol belongs to the source file
 * of the STT_FILE symbol before it: the table orders each file's locals
 * after it, which is how a static of a given file is found without DWARF.
 */
static int load_symbols(struct rpd_firmware *fw, size_t index, Elf_Scn *scn,
			const GElf_Shdr *shdr)
{
	_cleanup_free_ bool *absolute = NULL;
	const char *file = NULL;
	const uint8_t *bytes;
	Elf_Data *data;
	size_t n;
	int r;

	r = section_bytes(fw, index, shdr, "symbol table", &bytes);
	if (r < 0)
		return r;
	data = elf_getdata(scn, NULL);
	if (!data)
		return elf_fail(fw, "cannot read the symbol table");
	n = shdr->sh_size / gelf_fsize(fw->elf, ELF_T_SYM, 1, EV_CURRENT);
	fw->symbols = calloc(n ? n : 1, sizeof(*fw->symbols));
	absolute = calloc(n ? n : 1, sizeof(*absolute));
	if (!fw->symbols || !absolute)
		return rpd_fail(-ENOMEM, "%s: out of memory", fw->path);

	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		bool global;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		name = elf_strptr(fw->elf, shdr->sh_link, sym.st_name);
		if (GELF_ST_TYPE(sym.st_info) == STT_FILE) {
			file = name;
			continue;
		}
		if (!symbol_useful(&sym, name))
			continue;
		global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
		absolute[fw->nsymbols] = sym.st_shndx == SHN_ABS;
		fw->symbols[fw->nsymbols++] = (struct rpd_symbol){
			.name = name,
			.value = sym.st_value,
			.addr = symbol_addr(fw, &sym),
			.size = sym.st_size,
			.type = GELF_ST_TYPE(sym.st_info),
			.global = global,
			.file = global ? NULL : file,
		};
	}
	return sort_symbols(fw, absolute);
}

/* The build-id note in a block of notes, if there is one. */
static void find_build_id_note(struct rpd_firmware *fw, Elf_Data *data)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nhdr;

	while ((next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off))) {
		const char *owner = (const char *)data->d_buf + name_off;

		if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
		    !memcmp(owner, "GNU", 4) && nhdr.n_descsz) {
			fw->build_id = (const uint8_t *)data->d_buf + desc_off;
			fw->build_id_len = nhdr.n_descsz;
			if (fw->build_id_len <= RPD_BUILD_ID_MAX)
				hex_encode(fw->build_id, fw->build_id_len,
					   fw->build_id_hex);
			return;
		}
		off = next;
	}
}

/* Build-id from a PT_NOTE segment first, as a loaded image carries it. */
static void find_build_id_in_segments(struct rpd_firmware *fw)
{
	size_t phnum;

	if (elf_getphdrnum(fw->elf, &phnum) < 0)
		return;
	for (size_t i = 0; i < phnum && !fw->build_id; i++) {
		GElf_Phdr ph;
		Elf_Data *data;

		if (!gelf_getphdr(fw->elf, (int)i, &ph) ||
		    ph.p_type != PT_NOTE ||
		    !range_within(ph.p_offset, ph.p_filesz, fw->size))
			continue;
		data = elf_getdata_rawchunk(
			fw->elf, (int64_t)ph.p_offset, ph.p_filesz,
			ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (data)
			find_build_id_note(fw, data);
	}
}

/* The segment whose memory holds vaddr, or NULL. */
static const struct rpd_segment *segment_at(const struct rpd_firmware *fw,
					    uint64_t vaddr)
{
	const struct rpd_range *r;

	r = rpd_address_index_find(&fw->by_vaddr, vaddr);
	return r ? &fw->segments[r->index] : NULL;
}

/*
 * Remembers a section whose bytes the program never changes, with the
 * address the kernel loaded it to: that of its segment, offset alike.
 */
static int add_readonly(struct rpd_firmware *fw, const char *name,
			const GElf_Shdr *shdr)
{
	const struct rpd_segment *seg = segment_at(fw, shdr->sh_addr);
	struct rpd_section *sec, *grown;

	if (!(shdr->sh_flags & SHF_ALLOC) || (shdr->sh_flags & SHF_WRITE) ||
	    shdr->sh_type == SHT_NOBITS || !shdr->sh_size ||
	    !strcmp(name, RESOURCE_TABLE_SECTION))
		return 0;
	/* Only what the kernel loads from the file can be compared. */
	if (!seg || shdr->sh_size > seg->filesz ||
	    shdr->sh_addr - seg->vaddr > seg->filesz - shdr->sh_size)
		return 0;

	grown = realloc(fw->readonly, (fw->nreadonly + 1) * sizeof(*grown));
	if (!grown)
		return rpd_fail(-ENOMEM, "%s: out of memory", fw->path);
	fw->readonly = grown;
	sec = &fw->readonly[fw->nreadonly++];
	snprintf(sec->name, sizeof(sec->name), "%s", name);
	sec->vaddr = shdr->sh_addr;
	sec->paddr = seg->paddr + (shdr->sh_addr - seg->vaddr);
	sec->size = shdr->sh_size;
	return 0;
}

static int load_sections(struct rpd_firmware *fw)
{
	size_t shnum, shstrndx;
	bool have_rsc = false;
	Elf_Scn *symtab = NULL;
	size_t symtab_index = 0;
	GElf_Shdr symtab_shdr;
	int r;

	r = check_shdr_table(fw, &shnum);
	if (r < 0 || !shnum)
		return r;
	if (elf_getshdrstrndx(fw->elf, &shstrndx) < 0)
		return elf_fail(fw, "cannot find the section name table");

	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(fw->elf, i);
		GElf_Shdr shdr;
		Elf_Data *data;

		if (!scn || !gelf_getshdr(scn, &shdr))
			return elf_fail(fw, "cannot read a section header");
		switch (shdr.sh_type) {
		case SHT_SYMTAB:
		case SHT_DYNSYM:
			/* .symtab has everything .dynsym has, and more. */
			if (!symtab || shdr.sh_type == SHT_SYMTAB) {
				symtab = scn;
				symtab_index = i;
				symtab_shdr = shdr;
			}
			break;
		case SHT_NOTE:
			if (fw->build_id ||
			    !range_within(shdr.sh_offset, shdr.sh_size,
					  fw->size))
				break;
			data = elf_getdata(scn, NULL);
			if (data)
				find_build_id_note(fw, data);
			break;
		}
		r = add_readonly(fw, section_name(fw, shstrndx, &shdr), &shdr);
		if (r < 0)
			return r;
		/* The kernel's find_table() takes the first one. */
		if (!have_rsc && !strcmp(section_name(fw, shstrndx, &shdr),
					 RESOURCE_TABLE_SECTION)) {
			r = load_resource_table(fw, i, &shdr);
			if (r < 0)
				return r;
			have_rsc = true;
		}
	}
	if (symtab)
		return load_symbols(fw, symtab_index, symtab, &symtab_shdr);
	return 0;
}

/* ---- opening ------------------------------------------------------------- */

static int firmware_new(const char *path, struct rpd_firmware **out)
{
	struct rpd_firmware *fw;

	pthread_once(&libelf_once, libelf_init);
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return rpd_fail(-ENOMEM, "%s: out of memory", path);
	fw->fd = -1;
	fw->path = strdup(path);
	if (!fw->path) {
		free(fw);
		return rpd_fail(-ENOMEM, "%s: out of memory", path);
	}
	*out = fw;
	return 0;
}

/* Everything after libelf has the image: validation and indexing. */
static int firmware_load(struct rpd_firmware *fw)
{
	char *image;
	int r;

	if (!fw->elf)
		return elf_fail(fw, "cannot read");
	/* NULL for an empty file: its size 0 fails the checks below. */
	image = elf_rawfile(fw->elf, &fw->size);
	if (!image)
		fw->size = 0;
	fw->image = (const uint8_t *)image;

	r = load_headers(fw);
	if (r < 0)
		return r;
	find_build_id_in_segments(fw);
	return load_sections(fw);
}

/**
 * rpd_firmware_open() - open and validate a firmware ELF image
 * @path: the file; also names it in error messages
 * @out: the firmware, to be freed with rpd_firmware_free()
 *
 * The file is mapped, not read: a large image costs only what is used.
 *
 * Return: 0, or a negative errno with a message naming the file.
 */
int rpd_firmware_open(const char *path, struct rpd_firmware **out)
{
	struct rpd_firmware *fw;
	int r;

	r = firmware_new(path, &fw);
	if (r < 0)
		return r;
	fw->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fw->fd < 0) {
		r = rpd_fail(-errno, "%s: %m", path);
		rpd_firmware_free(fw);
		return r;
	}
	fw->elf = elf_begin(fw->fd, ELF_C_READ_MMAP, NULL);
	r = firmware_load(fw);
	if (r < 0) {
		rpd_firmware_free(fw);
		return r;
	}
	*out = fw;
	return 0;
}

/* libelf takes a non-const image but only reads it with ELF_C_READ_MMAP
 * semantics, which elf_memory() uses. */
int rpd_firmware_open_mem(const void *buf, size_t len, const char *name,
			  struct rpd_firmware **out)
{
	struct rpd_firmware *fw;
	int r;

	r = firmware_new(name, &fw);
	if (r < 0)
		return r;
	fw->elf = elf_memory((char *)buf, len);
	r = firmware_load(fw);
	if (r < 0) {
		rpd_firmware_free(fw);
		return r;
	}
	*out = fw;
	return 0;
}

void rpd_firmware_free(struct rpd_firmware *fw)
{
	if (!fw)
		return;
	rpd_rsc_table_release(&fw->rsc);
	free(fw->readonly);
	free(fw->by_addr);
	free(fw->by_name);
	free(fw->symbols);
	rpd_address_index_clear(&fw->by_vaddr);
	free(fw->segments);
	elf_end(fw->elf);
	if (fw->fd >= 0)
		close(fw->fd);
	free(fw->path);
	free(fw);
}

/* ---- accessors ----------------------------------------------------------- */

const char *rpd_firmware_path(const struct rpd_firmware *fw)
{
	return fw->path;
}

Elf *rpd_firmware_elf(const struct rpd_firmware *fw)
{
	return fw->elf;
}

const struct rpd_elf_ident *rpd_firmware_ident(const struct rpd_firmware *fw)
{
	return &fw->ident;
}

size_t rpd_firmware_nsegments(const struct rpd_firmware *fw)
{
	return fw->nsegments;
}

const struct rpd_segment *rpd_firmware_segment(const struct rpd_firmware *fw,
					       size_t i)
{
	return i < fw->nsegments ? &fw->segments[i] : NULL;
}

int rpd_firmware_build_id(const struct rpd_firmware *fw, const uint8_t **id,
			  size_t *len)
{
	if (!fw->build_id)
		return rpd_fail(-ENOENT, "%s: has no GNU build-id", fw->path);
	*id = fw->build_id;
	*len = fw->build_id_len;
	return 0;
}

const char *rpd_firmware_build_id_hex(const struct rpd_firmware *fw)
{
	return fw->build_id_hex[0] ? fw->build_id_hex : NULL;
}

enum rpd_build_id_check
rpd_firmware_check_build_id(const struct rpd_firmware *fw, const char *recorded)
{
	const char *hex = rpd_firmware_build_id_hex(fw);

	if (!recorded || !*recorded)
		return RPD_BUILD_ID_UNRECORDED;
	if (!hex)
		return RPD_BUILD_ID_ABSENT;
	return strcasecmp(hex, recorded) ? RPD_BUILD_ID_MISMATCH :
					   RPD_BUILD_ID_MATCH;
}

/**
 * rpd_firmware_symbol() - look a symbol up by name
 * @fw: the firmware
 * @name: the symbol
 * @addr: its value
 * @size: its size (0 if the symbol has none)
 *
 * A global symbol wins over local ones of the same name. The value is
 * returned as the symbol table stores it: for an ARM Thumb function bit 0
 * is set (the interworking address), so clear it to get the first
 * instruction's address.
 *
 * Return: 0, or -ENOENT if there is no such symbol.
 */
int rpd_firmware_symbol(const struct rpd_firmware *fw, const char *name,
			uint64_t *addr, uint64_t *size)
{
	const struct rpd_symbol *sym = rpd_firmware_symbol_entry(fw, name);

	if (!sym)
		return rpd_fail(-ENOENT, "%s: no symbol %s", fw->path, name);
	*addr = sym->value;
	*size = sym->size;
	return 0;
}

const struct rpd_symbol *
rpd_firmware_symbol_entry(const struct rpd_firmware *fw, const char *name)
{
	size_t lo = 0, hi = fw->nsymbols;

	/* The first entry not below name: globals sort first. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(fw->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == fw->nsymbols || strcmp(fw->by_name[lo]->name, name))
		return NULL;
	return fw->by_name[lo];
}

/**
 * rpd_firmware_symbol_at() - the symbol an address lies in
 * @fw: the firmware
 * @addr: a CPU address (a function's first instruction has bit 0 clear)
 * @sym: the function or object whose [addr, addr + size) holds @addr, else
 *	 the nearest label (a symbol of size 0) at or below it
 *
 * Symbols more than 1 MiB below @addr are not considered: a label that
 * far away names nothing useful.
 *
 * Return: 0, or -ENOENT.
 */
int rpd_firmware_symbol_at(const struct rpd_firmware *fw, uint64_t addr,
			   const struct rpd_symbol **sym)
{
	const struct rpd_symbol *label = NULL;
	size_t lo = 0, hi = fw->nby_addr;

	/* The last symbol at or below addr... */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fw->by_addr[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ...and those below it, for a sized symbol that still covers addr
	 * (a label inside a function must not hide the function). */
	for (size_t i = lo; i-- > 0;) {
		const struct rpd_symbol *s = fw->by_addr[i];

		if (s->size && addr - s->addr < s->size) {
			*sym = s;
			return 0;
		}
		if (!s->size && !label)
			label = s;
		if (addr - s->addr > (1u << 20))
			break;
	}
	if (!label)
		return rpd_fail(-ENOENT, "%s: no symbol at 0x%llx", fw->path,
				(unsigned long long)addr);
	*sym = label;
	return 0;
}

/**
 * rpd_firmware_symbol_in_file() - a local symbol of one source file
 * @fw: the firmware
 * @name: the symbol, a static many files may define ("pos")
 * @file: the end of the source file's path ("ram_console.c"), matched a
 *	  whole component at a time
 * @sym: the symbol
 *
 * Return: 0, or -ENOENT.
 */
int rpd_firmware_symbol_in_file(const struct rpd_firmware *fw, const char *name,
				const char *file, const struct rpd_symbol **sym)
{
	for (size_t i = 0; i < fw->nsymbols; i++) {
		const struct rpd_symbol *s = &fw->symbols[i];

		if (s->file && !strcmp(s->name, name) &&
		    path_endswith(s->file, file)) {
			*sym = s;
			return 0;
		}
	}
	return rpd_fail(-ENOENT, "%s: no symbol %s in %s", fw->path, name,
			file);
}

size_t rpd_firmware_ntraces(const struct rpd_firmware *fw)
{
	return fw->rsc.ntraces;
}

const struct rpd_trace_desc *rpd_firmware_trace(const struct rpd_firmware *fw,
						size_t i)
{
	return i < fw->rsc.ntraces ? &fw->rsc.traces[i] : NULL;
}

size_t rpd_firmware_nreadonly(const struct rpd_firmware *fw)
{
	return fw->nreadonly;
}

const struct rpd_section *rpd_firmware_readonly(const struct rpd_firmware *fw,
						size_t i)
{
	return i < fw->nreadonly ? &fw->readonly[i] : NULL;
}

/**
 * rpd_firmware_crash_record() - where the firmware keeps its crash record
 * @fw: the firmware
 * @da: the record's address
 * @len: its size
 *
 * The resource entry gives a device address. The symbol gives the address
 * the firmware's CPU sees, which is the same on remotes that do not alias
 * their memories.
 *
 * Return: 0, or -ENOENT if the firmware has no crash record.
 */
int rpd_firmware_crash_record(const struct rpd_firmware *fw, uint64_t *da,
			      uint64_t *len)
{
	if (fw->rsc.have_crash_record) {
		*da = fw->rsc.crash_record_da;
		*len = fw->rsc.crash_record_len;
		return 0;
	}
	if (rpd_firmware_symbol(fw, RPROC_CRASH_RECORD_SYMBOL, da, len) < 0)
		return rpd_fail(
			-ENOENT,
			"%s: has no crash record (no resource entry, no symbol %s)",
			fw->path, RPROC_CRASH_RECORD_SYMBOL);
	return 0;
}

/* Copies a segment's file bytes; none beyond p_filesz (.bss). */
static ssize_t read_segment(const void *ctx, const struct rpd_range *range,
			    uint64_t skip, void *buf, size_t len)
{
	const struct rpd_firmware *fw = ctx;
	const struct rpd_segment *seg = &fw->segments[range->index];

	if (skip >= seg->filesz)
		return 0;
	len = (size_t)MIN((uint64_t)len, seg->filesz - skip);
	memcpy(buf, fw->image + seg->offset + skip, len);
	return (ssize_t)len;
}

/**
 * rpd_firmware_read() - the image's bytes at a CPU address
 * @fw: the firmware
 * @vaddr: the address (p_vaddr space)
 * @buf: filled with @len bytes
 * @len: how many
 *
 * The range may span adjacent segments. Memory the image only reserves
 * (beyond a segment's file size, as .bss) has no bytes in the file.
 *
 * Return: 0, or -ENOENT if part of the range has no bytes in the file.
 */
int rpd_firmware_read(const struct rpd_firmware *fw, uint64_t vaddr, void *buf,
		      size_t len)
{
	uint64_t missing;
	int r;

	/* The image is in memory: read_segment() cannot fail. */
	r = rpd_address_index_read(&fw->by_vaddr, vaddr, buf, len, read_segment,
				   fw, &missing);
	if (r == -EOVERFLOW)
		return rpd_fail(-ENOENT,
				"%s: address range 0x%llx+0x%zx wraps around",
				fw->path, (unsigned long long)vaddr, len);
	if (r == -ENOENT)
		return rpd_fail(-ENOENT,
				"%s: no file contents at address 0x%llx",
				fw->path, (unsigned long long)missing);
	return r;
}
