/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * elf_header.h - ELF and program headers of either class, decoded from
 * little-endian bytes without libelf: the readers of dumps and cores see
 * files as bytes (a spool, a .core.gz, memory), and check every field
 * themselves.
 */
#ifndef RPD_ELF_HEADER_H
#define RPD_ELF_HEADER_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"

/* The ELF header's fields, either class. */
struct elf_ehdr {
	uint8_t elf_class; /* ELFCLASS32 or ELFCLASS64 */
	uint16_t type, machine, phentsize, phnum, shnum;
	uint32_t version, flags;
	uint64_t entry, phoff, shoff;
	size_t size; /* of the header itself */
};

/* Sizes of the headers of a class (ELFCLASS32 or ELFCLASS64). */
static inline size_t elf_ehdr_size(uint8_t elf_class)
{
	return elf_class == ELFCLASS32 ? sizeof(Elf32_Ehdr) :
					 sizeof(Elf64_Ehdr);
}

static inline size_t elf_phdr_size(uint8_t elf_class)
{
	return elf_class == ELFCLASS32 ? sizeof(Elf32_Phdr) :
					 sizeof(Elf64_Phdr);
}

/*
 * Decodes the header at b, whose e_ident has a class of ELFCLASS32 or
 * ELFCLASS64 and which holds elf_ehdr_size() of it.
 */
void elf_decode_ehdr(const uint8_t *b, struct elf_ehdr *eh);
/* Decodes a program header of class elf_class, widened to ELF64. */
void elf_decode_phdr(const uint8_t *b, uint8_t elf_class, Elf64_Phdr *ph);

/* The segment a program header describes (also a libelf GElf_Phdr). */
static inline struct rpd_segment elf_segment(const Elf64_Phdr *ph)
{
	return (struct rpd_segment){
		.vaddr = ph->p_vaddr,
		.paddr = ph->p_paddr,
		.memsz = ph->p_memsz,
		.filesz = ph->p_filesz,
		.offset = ph->p_offset,
		.flags = ph->p_flags,
	};
}

#endif
