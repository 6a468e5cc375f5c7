/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dwarf_types.h - what a firmware's DWARF says about its data: where a
 * global variable is, what type it has, the layout of a struct (member
 * offsets by dotted path, through nested structs and unions), array
 * lengths and enumerator values. The RTOS walkers take every offset from
 * here instead of from tables typed into the code, so they follow the
 * firmware's configuration (optional members, list integrity bytes,
 * array lengths) as the compiler laid it out.
 *
 * The DWARF is hostile input like the rest of the image: every walk is
 * bounded (a budget of DIEs visited per firmware, a depth for typedef
 * chains and anonymous members), and a malformed entry makes a lookup
 * fail with a message, never crash or hang. Lookups are lazy: the
 * compile units are indexed by name one at a time, when a name is not
 * found in those indexed so far, starting with the unit the symbol table
 * names for a static variable (its STT_FILE).
 *
 * Types are handled by value (struct rpd_dwarf_type: libdw's handle of
 * the DIE plus what the walkers need), valid as long as the struct
 * rpd_dwarf is.
 * Every function returns 0 or a negative errno with a message for
 * rpd_error(); -ENOENT means "not there", which for the optional members
 * of a configurable kernel is an answer, not a failure.
 */
#ifndef RPD_DWARF_TYPES_H
#define RPD_DWARF_TYPES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc/rprocdump.h"

struct rpd_dwarf;

/* What a type is, once typedefs and qualifiers are peeled off. */
enum rpd_dwarf_kind {
	RPD_DWARF_OTHER, /* void, functions, what the walkers never read */
	RPD_DWARF_BASE,	 /* integer, character, float, bool */
	RPD_DWARF_POINTER,
	RPD_DWARF_STRUCT,
	RPD_DWARF_UNION,
	RPD_DWARF_ARRAY,
	RPD_DWARF_ENUM,
};

struct rpd_dwarf_type {
	Dwarf_Die die; /* libdw's handle of the type's DIE */
	enum rpd_dwarf_kind kind;
	uint64_t size; /* in bytes; 0 when DWARF gives none (void, [] ) */
};

struct rpd_dwarf_variable {
	uint64_t addr; /* DW_OP_addr, agreeing with the symbol table */
	struct rpd_dwarf_type type;
};

struct rpd_dwarf_member {
	uint64_t offset; /* from the start of the outermost type */
	struct rpd_dwarf_type type;
};

struct rpd_dwarf_array {
	uint64_t count; /* elements; all dimensions multiplied */
	struct rpd_dwarf_type element;
};

/**
 * rpd_dwarf_open() - the DWARF of a firmware
 * @fw: the firmware; it must outlive the result (libdw reads its Elf)
 * @out: freed with rpd_dwarf_free()
 *
 * Return: 0, -ENOENT if the firmware has no DWARF, or another negative
 * errno.
 */
int rpd_dwarf_open(const struct rpd_firmware *fw, struct rpd_dwarf **out);
void rpd_dwarf_free(struct rpd_dwarf *dw);

/**
 * rpd_dwarf_variable() - a variable defined at file scope
 * @dw: the DWARF
 * @name: its name; a global wins over statics of the same name
 * @var: its address and type
 *
 * The address is DW_AT_location's DW_OP_addr, checked against the symbol
 * table; the symbol alone when DWARF has no location (optimised out of
 * the debug information, not of the image).
 *
 * Return: 0; -ENOENT if there is no such variable or it has no address;
 * -EINVAL if DWARF and the symbol table disagree (the debug information
 * is not this image's).
 */
int rpd_dwarf_variable(struct rpd_dwarf *dw, const char *name,
		       struct rpd_dwarf_variable *var);

/**
 * rpd_dwarf_type() - a type by name
 * @dw: the DWARF
 * @name: a typedef, struct, union or enum name ("TCB_t",
 *	  "tskTaskControlBlock"); "struct X", "union X" or "enum X" looks at
 *	  tags only
 * @type: the type it names, typedefs and qualifiers peeled, a complete
 *	  definition preferred to a declaration
 *
 * Return: 0 or -ENOENT.
 */
int rpd_dwarf_type(struct rpd_dwarf *dw, const char *name,
		   struct rpd_dwarf_type *type);

/**
 * rpd_dwarf_member() - a member of a struct or union by dotted path
 * @dw: the DWARF
 * @type: a struct or union
 * @path: "pxTopOfStack", "xStateListItem.pxContainer": each component a
 *	  member of the previous one's struct or union; members of anonymous
 *	  structs and unions are found as C finds them
 * @member: its offset from the start of @type, and its type
 *
 * Return: 0; -ENOENT if a component does not exist; -EINVAL if the path
 * crosses something that is not a struct or union or names a bit-field.
 */
int rpd_dwarf_member(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		     const char *path, struct rpd_dwarf_member *member);

/* Whether rpd_dwarf_member() finds path in type. */
bool rpd_dwarf_has_member(struct rpd_dwarf *dw,
			  const struct rpd_dwarf_type *type, const char *path);

/**
 * rpd_dwarf_array() - the element type and length of an array type
 * @dw: the DWARF
 * @type: an array type
 * @array: element type and count (DW_AT_count or DW_AT_upper_bound minus
 *	   DW_AT_lower_bound plus one, per dimension)
 *
 * Return: 0; -EINVAL if @type is not an array; -ENOENT if a dimension has
 * no constant length (flexible or variable-length).
 */
int rpd_dwarf_array(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		    struct rpd_dwarf_array *array);

/**
 * rpd_dwarf_pointee() - what a pointer type points to
 * @dw: the DWARF
 * @type: a pointer type
 * @target: the type pointed to, peeled; a complete definition of it when
 *	    the pointer's unit has only a declaration (an opaque handle)
 *
 * Return: 0; -EINVAL if @type is not a pointer; -ENOENT for void *.
 */
int rpd_dwarf_pointee(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		      struct rpd_dwarf_type *target);

/**
 * rpd_dwarf_enumerator() - the value of an enumeration constant
 * @dw: the DWARF
 * @type: the enumeration to look in, or NULL for any
 * @name: the constant ("eRunning")
 * @value: its value
 *
 * Return: 0 or -ENOENT.
 */
int rpd_dwarf_enumerator(struct rpd_dwarf *dw,
			 const struct rpd_dwarf_type *type, const char *name,
			 int64_t *value);

/**
 * rpd_dwarf_unit_names() - visit the name of every compile unit
 * @dw: the DWARF
 * @fn: called with each DW_AT_name (a source path) until it returns true
 * @arg: passed on
 *
 * Reads only the units' headers.
 *
 * Return: the name @fn accepted, or NULL.
 */
const char *rpd_dwarf_unit_names(struct rpd_dwarf *dw,
				 bool (*fn)(void *arg, const char *name),
				 void *arg);

/* How many compile units the lookups so far have indexed. */
size_t rpd_dwarf_indexed_units(const struct rpd_dwarf *dw);

#endif /* RPD_DWARF_TYPES_H */
