/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * signature.h - a short stable hash that groups identical crashes.
 *
 * The signature is the 64-bit FNV-1a hash, as 16 lower-case hex digits, of
 * the crash reason and the names of the top SIGNATURE_FRAMES functions of
 * the interrupted context (inlined functions included, innermost first),
 * each followed by a newline. Addresses, registers and times are left out
 * on purpose: they change with every build and every run, while the same
 * bug in the same code path keeps its reason and its functions.
 */
#ifndef RPD_SIGNATURE_H
#define RPD_SIGNATURE_H

#include <stddef.h>

#define SIGNATURE_FRAMES 5
#define SIGNATURE_HEX_LEN 16

/* Writes the signature (SIGNATURE_HEX_LEN digits and a NUL) to hex. */
void crash_signature(const char *reason, const char *const *functions,
		     size_t nfunctions, char hex[SIGNATURE_HEX_LEN + 1]);

#endif
