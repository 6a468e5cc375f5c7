// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * elf_header.c - ELF and program headers of either class, from bytes.
 */
#include "elf_header.h"
#include "util.h"

#define F32(f) offsetof(Elf32_Ehdr, f)
#define F64(f) offsetof(Elf64_Ehdr, f)

void elf_decode_ehdr(const uint8_t *b, struct elf_ehdr *eh)
{
	eh->elf_class = b[EI_CLASS];
	eh->size = elf_ehdr_size(eh->elf_class);
	/* The fields up to e_version have the same place in both classes. */
	eh->type = get_le16(b + F32(e_type));
	eh->machine = get_le16(b + F32(e_machine));
	eh->version = get_le32(b + F32(e_version));
	if (eh->elf_class == ELFCLASS32) {
		eh->entry = get_le32(b + F32(e_entry));
		eh->phoff = get_le32(b + F32(e_phoff));
		eh->shoff = get_le32(b + F32(e_shoff));
		eh->flags = get_le32(b + F32(e_flags));
		eh->phentsize = get_le16(b + F32(e_phentsize));
		eh->phnum = get_le16(b + F32(e_phnum));
		eh->shnum = get_le16(b + F32(e_shnum));
	} else {
		eh->entry = get_le64(b + F64(e_entry));
		eh->phoff = get_le64(b + F64(e_phoff));
		eh->shoff = get_le64(b + F64(e_shoff));
		eh->flags = get_le32(b + F64(e_flags));
		eh->phentsize = get_le16(b + F64(e_phentsize));
		eh->phnum = get_le16(b + F64(e_phnum));
		eh->shnum = get_le16(b + F64(e_shnum));
	}
}

#undef F32
#undef F64
#define F32(f) offsetof(Elf32_Phdr, f)
#define F64(f) offsetof(Elf64_Phdr, f)

void elf_decode_phdr(const uint8_t *b, uint8_t elf_class, Elf64_Phdr *ph)
{
	if (elf_class == ELFCLASS32) {
		ph->p_type = get_le32(b + F32(p_type));
		ph->p_offset = get_le32(b + F32(p_offset));
		ph->p_vaddr = get_le32(b + F32(p_vaddr));
		ph->p_paddr = get_le32(b + F32(p_paddr));
		ph->p_filesz = get_le32(b + F32(p_filesz));
		ph->p_memsz = get_le32(b + F32(p_memsz));
		ph->p_flags = get_le32(b + F32(p_flags));
		ph->p_align = get_le32(b + F32(p_align));
	} else {
		ph->p_type = get_le32(b + F64(p_type));
		ph->p_flags = get_le32(b + F64(p_flags));
		ph->p_offset = get_le64(b + F64(p_offset));
		ph->p_vaddr = get_le64(b + F64(p_vaddr));
		ph->p_paddr = get_le64(b + F64(p_paddr));
		ph->p_filesz = get_le64(b + F64(p_filesz));
		ph->p_memsz = get_le64(b + F64(p_memsz));
		ph->p_align = get_le64(b + F64(p_align));
	}
}
