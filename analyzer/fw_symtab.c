// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fw_symtab.c - the firmware's symbol table, by address and by source file.
 *
 * verify names the function a corrupted byte lies in, and trace finds
 * Zephyr's ram_console.c "static int pos", a name many files may define:
 * the symbol table orders each file's local symbols after its STT_FILE
 * symbol, which is how the right one is found without reading DWARF.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_symtab.h"
#include "log.h"

static bool symbol_wanted(const GElf_Sym *sym, const char *name)
{
	int type = GELF_ST_TYPE(sym->st_info);

	if (!*name || sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS)
		return false;
	/* ARM mapping symbols ($a, $t, $d) mark code and data, not names. */
	if (name[0] == '$')
		return false;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct fw_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* At one address, a sized function or object before a label. */
	return (x->size == 0) - (y->size == 0);
}

static int add_file(struct fw_symtab *st, const char *name)
{
	char **files = realloc(st->files, (st->nfiles + 1) * sizeof(*files));

	if (!files)
		return -ENOMEM;
	st->files = files;
	files[st->nfiles] = strdup(name);
	if (!files[st->nfiles])
		return -ENOMEM;
	st->nfiles++;
	return 0;
}

static int read_symbols(Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr,
			bool thumb, struct fw_symtab *st)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = shdr->sh_entsize ? shdr->sh_size / shdr->sh_entsize : 0;
	const char *file = NULL;

	if (!data)
		return -EINVAL;
	st->syms = calloc(n ? n : 1, sizeof(*st->syms));
	if (!st->syms)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			return -EINVAL;
		name = elf_strptr(elf, shdr->sh_link, sym.st_name);
		if (!name)
			continue;
		if (GELF_ST_TYPE(sym.st_info) == STT_FILE) {
			if (add_file(st, name))
				return -ENOMEM;
			file = st->files[st->nfiles - 1];
			continue;
		}
		if (!symbol_wanted(&sym, name))
			continue;
		st->syms[st->n] = (struct fw_symbol){
			.name = strdup(name),
			.addr = sym.st_value,
			.size = sym.st_size,
			.file = GELF_ST_BIND(sym.st_info) == STB_LOCAL ? file :
									 NULL,
			.type = GELF_ST_TYPE(sym.st_info),
		};
		if (!st->syms[st->n].name)
			return -ENOMEM;
		if (thumb && GELF_ST_TYPE(sym.st_info) == STT_FUNC)
			st->syms[st->n].addr &= ~(uint64_t)1;
		st->n++;
	}
	qsort(st->syms, st->n, sizeof(*st->syms), cmp_addr);
	return 0;
}

static int load_elf(Elf *elf, struct fw_symtab *st)
{
	GElf_Ehdr ehdr;
	Elf_Scn *scn = NULL;

	if (!gelf_getehdr(elf, &ehdr))
		return -EINVAL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;

		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			return read_symbols(elf, scn, &shdr,
					    ehdr.e_machine == EM_ARM, st);
	}
	return -ENOENT;
}

int fw_symtab_load(const char *path, struct fw_symtab *st)
{
	Elf *elf;
	int fd, r;

	*st = (struct fw_symtab){ 0 };
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		log_error("%s: %s", path, strerror(errno));
		return r;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	r = elf ? load_elf(elf, st) : -EINVAL;
	if (r == -ENOENT)
		log_error("%s: no symbol table (stripped?)", path);
	else if (r < 0)
		log_error("%s: cannot read the symbol table: %s", path,
			  r == -ENOMEM ? "out of memory" : elf_errmsg(-1));
	elf_end(elf);
	close(fd);
	if (r < 0)
		fw_symtab_clear(st);
	return r;
}

void fw_symtab_clear(struct fw_symtab *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->syms[i].name);
	for (size_t i = 0; i < st->nfiles; i++)
		free(st->files[i]);
	free(st->syms);
	free(st->files);
	*st = (struct fw_symtab){ 0 };
}

const struct fw_symbol *fw_symtab_at(const struct fw_symtab *st, uint64_t addr)
{
	const struct fw_symbol *label = NULL;
	size_t lo = 0, hi = st->n;

	/* The last symbol at or below addr... */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ...and those below it, for a sized symbol that still covers addr
	 * (a label inside a function must not hide the function). */
	for (size_t i = lo; i-- > 0;) {
		const struct fw_symbol *s = &st->syms[i];

		if (s->size && addr - s->addr < s->size)
			return s;
		if (!s->size && !label)
			label = s;
		if (addr - s->addr > (1u << 20))
			break;
	}
	return label;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix) &&
	       (n == m || s[n - m - 1] == '/');
}

const struct fw_symbol *fw_symtab_in_file(const struct fw_symtab *st,
					  const char *name, const char *file)
{
	for (size_t i = 0; i < st->n; i++) {
		const struct fw_symbol *s = &st->syms[i];

		if (s->file && ends_with(s->file, file) &&
		    !strcmp(s->name, name))
			return s;
	}
	return NULL;
}
