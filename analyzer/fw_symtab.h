/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fw_symtab.h - the firmware's .symtab as the analyzer needs it beyond
 * librprocdump's lookup by name: which function or object holds an
 * address, and a file-local symbol of a given source file.
 */
#ifndef RPD_FW_SYMTAB_H
#define RPD_FW_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

struct fw_symbol {
	char *name;
	uint64_t addr; /* Thumb bit cleared for functions */
	uint64_t size;
	const char *file; /* the STT_FILE before a local symbol, or NULL */
	int type;	  /* STT_FUNC, STT_OBJECT, ... */
};

struct fw_symtab {
	struct fw_symbol *syms; /* sorted by address */
	size_t n;
	char **files;
	size_t nfiles;
};

/* Reads the symbols of the ELF file at path. 0, or -errno with a message
 * through log_error(). */
int fw_symtab_load(const char *path, struct fw_symtab *st);
void fw_symtab_clear(struct fw_symtab *st);

/* The function or object whose [addr, addr + size) holds addr, else the
 * nearest symbol below it with size 0; NULL if none. */
const struct fw_symbol *fw_symtab_at(const struct fw_symtab *st, uint64_t addr);

/* The symbol @name defined in a source file whose name ends with @file
 * (a local static), or NULL. */
const struct fw_symbol *fw_symtab_in_file(const struct fw_symtab *st,
					  const char *name, const char *file);

#endif
