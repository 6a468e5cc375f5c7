/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware_internal.h - what the library's other readers may use of a
 * firmware beyond the public API: the libelf handle (for libdw) and the
 * symbol table entry itself.
 */
#ifndef RPD_FIRMWARE_INTERNAL_H
#define RPD_FIRMWARE_INTERNAL_H

#include <libelf.h>

#include "rproc/rprocdump.h"

/* The image's libelf handle, owned by fw: valid until rpd_firmware_free(). */
Elf *rpd_firmware_elf(const struct rpd_firmware *fw);

/*
 * The symbol rpd_firmware_symbol() would find (a global before locals of
 * the same name), or NULL without setting a message: callers use it to
 * ask whether a symbol exists.
 */
const struct rpd_symbol *
rpd_firmware_symbol_entry(const struct rpd_firmware *fw, const char *name);

#endif /* RPD_FIRMWARE_INTERNAL_H */
