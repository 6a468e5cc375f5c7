// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwarf_types.c - variables, types and enumerators from a firmware's
 * DWARF, through libdw, bounded against hostile input.
 *
 * A name is looked up in an index of the top-level DIEs (variables, named
 * types, enumerators) of the compile units indexed so far; when it is not
 * there, the next unit is indexed, the one the symbol table names first
 * (a static's STT_FILE). A lookup so costs the units up to the one that
 * defines the name, and a name that is nowhere one walk of every unit's
 * top level, after which all further lookups are hash lookups.
 *
 * Each lookup draws on a budget of DIEs it may visit, so a sibling chain
 * that loops (DW_AT_sibling pointing back) ends the lookup instead of the
 * program; a reader kept for many lookups never runs dry.
 */
#include <dwarf.h>
#include <stdio.h>

#include "dwarf_types.h"
#include "firmware_internal.h"
#include "util.h"

/* DIEs one lookup may visit: a large firmware has a few 100 000
 * top-level DIEs; 8 M is far beyond and still a fraction of a second. */
#define DIE_BUDGET (1u << 23)
#define MAX_UNITS (1u << 16)
/* typedef / qualifier chains, and declaration-to-definition hops */
#define MAX_PEEL 32
/* anonymous structs and unions inside one another */
#define MAX_ANON_DEPTH 8
#define MAX_PATH_LEN 256
#define MAX_DIMENSIONS 8
#define NO_UNIT SIZE_MAX

enum name_space { NS_VARIABLE, NS_TYPE, NS_ENUMERATOR };

struct index_entry {
	const char *name; /* in libdw's string data */
	uint64_t die;	  /* .debug_info offset */
	uint32_t next;	  /* 1 + index of the next entry in its bucket */
	uint32_t unit;
	uint16_t tag;
	uint8_t ns;
	bool declaration; /* DW_AT_declaration: not a definition */
	bool external;
	bool located; /* has DW_AT_location */
};

struct unit {
	uint64_t die;
	const char *name; /* DW_AT_name, or "" */
	bool indexed;
};

struct rpd_dwarf {
	const char *path; /* the firmware's, for messages */
	const struct rpd_firmware *fw;
	Dwarf *dbg;
	struct unit *units;
	size_t nunits;
	struct index_entry *entries;
	size_t nentries, entries_cap;
	uint32_t *buckets; /* 1 + index of the first entry; 0: empty */
	size_t nbuckets;   /* a power of two */
	size_t budget;	   /* DIEs the current lookup may still visit */
};

/* ---- errors and the budget ---------------------------------------------- */

static int dwarf_fail(const struct rpd_dwarf *dw, int err, const char *what)
{
	return rpd_fail(err, "%s: DWARF: %s: %s", dw->path, what,
			dwarf_errmsg(-1));
}

/* Spends one DIE of the budget; false once it is gone. */
static bool visit(struct rpd_dwarf *dw)
{
	if (!dw->budget)
		return false;
	dw->budget--;
	return true;
}

/* Every lookup of the API starts with a full budget. */
static void new_lookup(struct rpd_dwarf *dw)
{
	dw->budget = DIE_BUDGET;
}

static int budget_fail(const struct rpd_dwarf *dw)
{
	return rpd_fail(
		-E2BIG,
		"%s: DWARF: gave up after %u entries (malformed or looping debug information)",
		dw->path, DIE_BUDGET);
}

/* ---- the index ------------------------------------------------------------ */

static uint32_t name_hash(enum name_space ns, const char *name)
{
	uint32_t h = 2166136261u ^ (uint32_t)ns;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

static int rehash(struct rpd_dwarf *dw, size_t nbuckets)
{
	uint32_t *buckets = calloc(nbuckets, sizeof(*buckets));

	if (!buckets)
		return rpd_fail(-ENOMEM, "%s: out of memory", dw->path);
	free(dw->buckets);
	dw->buckets = buckets;
	dw->nbuckets = nbuckets;
	for (size_t i = 0; i < dw->nentries; i++) {
		struct index_entry *e = &dw->entries[i];
		size_t b = name_hash(e->ns, e->name) & (nbuckets - 1);

		e->next = buckets[b];
		buckets[b] = (uint32_t)(i + 1);
	}
	return 0;
}

static int add_entry(struct rpd_dwarf *dw, const struct index_entry *entry)
{
	size_t b;
	int r;

	if (dw->nentries == dw->entries_cap) {
		size_t cap = dw->entries_cap ? 2 * dw->entries_cap : 1024;
		struct index_entry *grown;

		grown = reallocarray(dw->entries, cap, sizeof(*grown));
		if (!grown)
			return rpd_fail(-ENOMEM, "%s: out of memory", dw->path);
		dw->entries = grown;
		dw->entries_cap = cap;
	}
	dw->entries[dw->nentries++] = *entry;
	if (dw->nentries > dw->nbuckets) {
		r = rehash(dw, dw->nbuckets ? 2 * dw->nbuckets : 1024);
		if (r < 0)
			return r;
		return 0;
	}
	b = name_hash(entry->ns, entry->name) & (dw->nbuckets - 1);
	dw->entries[dw->nentries - 1].next = dw->buckets[b];
	dw->buckets[b] = (uint32_t)dw->nentries;
	return 0;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	/* Through DW_AT_specification: a definition names its declaration. */
	if (!dwarf_attr_integrate(die, DW_AT_name, &attr))
		return NULL;
	return dwarf_formstring(&attr);
}

static int index_enumerators(struct rpd_dwarf *dw, uint32_t unit,
			     Dwarf_Die *type)
{
	Dwarf_Die e;
	int r = dwarf_child(type, &e);

	for (; r == 0; r = dwarf_siblingof(&e, &e)) {
		const char *name = dwarf_diename(&e);

		if (!visit(dw))
			return budget_fail(dw);
		if (dwarf_tag(&e) != DW_TAG_enumerator || !name)
			continue;
		r = add_entry(dw, &(struct index_entry){
					  .name = name,
					  .die = dwarf_dieoffset(&e),
					  .unit = unit,
					  .tag = DW_TAG_enumerator,
					  .ns = NS_ENUMERATOR,
				  });
		if (r < 0)
			return r;
	}
	return 0;
}

static int index_die(struct rpd_dwarf *dw, uint32_t unit, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	struct index_entry e = {
		.die = dwarf_dieoffset(die),
		.unit = unit,
		.tag = (uint16_t)tag,
		.declaration = dwarf_hasattr(die, DW_AT_declaration),
	};
	int r;

	switch (tag) {
	case DW_TAG_variable:
		e.ns = NS_VARIABLE;
		e.external = dwarf_hasattr_integrate(die, DW_AT_external);
		e.located = dwarf_hasattr(die, DW_AT_location);
		e.name = die_name(die);
		break;
	case DW_TAG_enumeration_type:
		r = index_enumerators(dw, unit, die);
		if (r < 0)
			return r;
		/* and the type itself, if named */
		__attribute__((fallthrough));
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		e.ns = NS_TYPE;
		e.name = dwarf_diename(die);
		break;
	default:
		return 0;
	}
	return e.name ? add_entry(dw, &e) : 0;
}

/*
 * The top level of one unit. A malformed unit keeps what was read before
 * the error and is not read again; only running out of budget fails.
 */
static int index_unit(struct rpd_dwarf *dw, size_t ui)
{
	struct unit *u = &dw->units[ui];
	Dwarf_Die cu, die;
	int r;

	u->indexed = true;
	if (!dwarf_offdie(dw->dbg, u->die, &cu))
		return 0;
	for (r = dwarf_child(&cu, &die); r == 0;
	     r = dwarf_siblingof(&die, &die)) {
		if (!visit(dw))
			return budget_fail(dw);
		r = index_die(dw, (uint32_t)ui, &die);
		if (r < 0)
			return r;
	}
	return 0;
}

static int list_units(struct rpd_dwarf *dw)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t unit_type;
	Dwarf_Half version;

	while (dwarf_get_units(dw->dbg, cu, &cu, &version, &unit_type, &cudie,
			       &subdie) == 0) {
		struct unit *grown;
		const char *name;

		if (dw->nunits == MAX_UNITS)
			return rpd_fail(-E2BIG,
					"%s: DWARF: more than %u compile units",
					dw->path, MAX_UNITS);
		if (dwarf_tag(&cudie) != DW_TAG_compile_unit &&
		    dwarf_tag(&cudie) != DW_TAG_partial_unit)
			continue;
		grown = reallocarray(dw->units, dw->nunits + 1, sizeof(*grown));
		if (!grown)
			return rpd_fail(-ENOMEM, "%s: out of memory", dw->path);
		dw->units = grown;
		name = dwarf_diename(&cudie);
		dw->units[dw->nunits++] = (struct unit){
			.die = dwarf_dieoffset(&cudie),
			.name = name ? name : "",
		};
	}
	return 0;
}

/*
 * The best entry for a name by score(), indexing more units, the hinted
 * one first, until one scores at least good or all are indexed.
 */
typedef int score_fn(const struct rpd_dwarf *dw, const struct index_entry *e,
		     const void *ctx);

static const struct index_entry *best_indexed(const struct rpd_dwarf *dw,
					      enum name_space ns,
					      const char *name, score_fn *score,
					      const void *ctx, int *best_score)
{
	const struct index_entry *best = NULL;
	uint32_t i;

	*best_score = -1;
	if (!dw->nbuckets)
		return NULL;
	for (i = dw->buckets[name_hash(ns, name) & (dw->nbuckets - 1)]; i;
	     i = dw->entries[i - 1].next) {
		const struct index_entry *e = &dw->entries[i - 1];
		int s;

		if (e->ns != ns || strcmp(e->name, name))
			continue;
		s = score(dw, e, ctx);
		if (s > *best_score) {
			*best_score = s;
			best = e;
		}
	}
	return best;
}

static int lookup(struct rpd_dwarf *dw, enum name_space ns, const char *name,
		  score_fn *score, int good, const void *ctx, size_t hint,
		  const struct index_entry **out)
{
	const struct index_entry *best;
	int best_score, r;
	size_t i = 0;

	best = best_indexed(dw, ns, name, score, ctx, &best_score);
	while (best_score < good) {
		if (hint != NO_UNIT && !dw->units[hint].indexed) {
			i = hint;
		} else {
			while (i < dw->nunits && dw->units[i].indexed)
				i++;
			if (i == dw->nunits)
				break;
		}
		r = index_unit(dw, i);
		if (r < 0)
			return r;
		best = best_indexed(dw, ns, name, score, ctx, &best_score);
	}
	if (!best || best_score < 0)
		return -ENOENT;
	*out = best;
	return 0;
}

/* ---- types ---------------------------------------------------------------- */

static int attr_udata(Dwarf_Die *die, unsigned int name, uint64_t *value)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;

	if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &w) != 0)
		return -ENOENT;
	*value = w;
	return 0;
}

static enum rpd_dwarf_kind kind_of(int tag)
{
	switch (tag) {
	case DW_TAG_base_type:
		return RPD_DWARF_BASE;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return RPD_DWARF_POINTER;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return RPD_DWARF_STRUCT;
	case DW_TAG_union_type:
		return RPD_DWARF_UNION;
	case DW_TAG_array_type:
		return RPD_DWARF_ARRAY;
	case DW_TAG_enumeration_type:
		return RPD_DWARF_ENUM;
	default:
		return RPD_DWARF_OTHER;
	}
}

static bool is_wrapper(int tag)
{
	switch (tag) {
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
	case DW_TAG_immutable_type:
	case DW_TAG_packed_type:
	case DW_TAG_shared_type:
		return true;
	default:
		return false;
	}
}

static int score_definition(const struct rpd_dwarf *dw,
			    const struct index_entry *e, const void *ctx)
{
	const int *tag = ctx;

	if (*tag && e->tag != *tag)
		return -1;
	return e->declaration ? 0 : 1;
}

/* The complete definition of a declared struct, union or enum. */
static void complete_declaration(struct rpd_dwarf *dw, Dwarf_Die *die)
{
	const struct index_entry *e;
	const char *name = dwarf_diename(die);
	int tag = dwarf_tag(die);
	Dwarf_Die def;

	if (!name || lookup(dw, NS_TYPE, name, score_definition, 1, &tag,
			    NO_UNIT, &e) < 0)
		return;
	if (!e->declaration && dwarf_offdie(dw->dbg, e->die, &def))
		*die = def;
}

static int array_info(struct rpd_dwarf *dw, Dwarf_Die *array, int depth,
		      struct rpd_dwarf_array *out);
static int peel_depth(struct rpd_dwarf *dw, Dwarf_Die *die, int depth,
		      struct rpd_dwarf_type *type);

/* The byte size of a peeled type, 0 when DWARF gives none. */
static uint64_t type_size(struct rpd_dwarf *dw, Dwarf_Die *die,
			  enum rpd_dwarf_kind kind, int depth)
{
	struct rpd_dwarf_array array;
	uint64_t size, total;
	uint8_t address_size;
	Dwarf_Die cu;

	if (kind == RPD_DWARF_ARRAY) {
		if (array_info(dw, die, depth, &array) < 0 ||
		    __builtin_mul_overflow(array.count, array.element.size,
					   &total))
			return 0;
		return total;
	}
	if (attr_udata(die, DW_AT_byte_size, &size) == 0)
		return size;
	if (kind == RPD_DWARF_POINTER &&
	    dwarf_diecu(die, &cu, &address_size, NULL))
		return address_size;
	return 0;
}

/* A type DIE with typedefs and qualifiers peeled, declarations completed. */
static int peel_depth(struct rpd_dwarf *dw, Dwarf_Die *die, int depth,
		      struct rpd_dwarf_type *type)
{
	Dwarf_Die cur = *die;

	for (; depth < MAX_PEEL; depth++) {
		Dwarf_Attribute attr;
		int tag = dwarf_tag(&cur);

		if (!visit(dw))
			return budget_fail(dw);
		if (!is_wrapper(tag)) {
			if (dwarf_hasattr(&cur, DW_AT_declaration))
				complete_declaration(dw, &cur);
			type->die = cur;
			type->kind = kind_of(dwarf_tag(&cur));
			type->size = type_size(dw, &cur, type->kind, depth + 1);
			return 0;
		}
		/* typedef void T; const void */
		if (!dwarf_attr(&cur, DW_AT_type, &attr)) {
			type->die = cur;
			type->kind = RPD_DWARF_OTHER;
			type->size = 0;
			return 0;
		}
		if (!dwarf_formref_die(&attr, &cur))
			return dwarf_fail(dw, -EINVAL, "bad type reference");
	}
	return rpd_fail(-ELOOP, "%s: DWARF: type chain longer than %d",
			dw->path, MAX_PEEL);
}

/* The type DW_AT_type of die names, peeled. */
static int type_of(struct rpd_dwarf *dw, Dwarf_Die *die, int depth,
		   struct rpd_dwarf_type *type)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr))
		return rpd_fail(-ENOENT, "%s: DWARF: %s has no type", dw->path,
				dwarf_diename(die) ?: "entry");
	if (!dwarf_formref_die(&attr, &t))
		return dwarf_fail(dw, -EINVAL, "bad type reference");
	return peel_depth(dw, &t, depth, type);
}

/* ---- arrays --------------------------------------------------------------- */

/* Elements in one dimension: DW_AT_count, or the bounds (C: lower 0). */
static int dimension_length(Dwarf_Die *sub, uint64_t *count)
{
	uint64_t lower = 0, upper;
	Dwarf_Attribute attr;

	if (attr_udata(sub, DW_AT_count, count) == 0)
		return 0;
	if (!dwarf_attr(sub, DW_AT_upper_bound, &attr))
		return -ENOENT;
	if (dwarf_whatform(&attr) == DW_FORM_sdata) {
		Dwarf_Sword s;

		if (dwarf_formsdata(&attr, &s) != 0)
			return -ENOENT;
		upper = (uint64_t)s;
	} else if (dwarf_formudata(&attr, &upper) != 0) {
		return -ENOENT; /* an expression or a reference: a VLA */
	}
	attr_udata(sub, DW_AT_lower_bound, &lower);
	/* [0]: GCC writes the upper bound -1 */
	if (upper == UINT64_MAX || (upper == UINT32_MAX && lower == 0) ||
	    upper < lower) {
		*count = 0;
		return 0;
	}
	*count = upper - lower + 1;
	return 0;
}

static int array_info(struct rpd_dwarf *dw, Dwarf_Die *array, int depth,
		      struct rpd_dwarf_array *out)
{
	uint64_t count = 1;
	int dims = 0, r;
	Dwarf_Die sub;

	if (depth >= MAX_PEEL)
		return rpd_fail(-ELOOP, "%s: DWARF: type chain longer than %d",
				dw->path, MAX_PEEL);
	r = type_of(dw, array, depth + 1, &out->element);
	if (r < 0)
		return r;
	for (r = dwarf_child(array, &sub); r == 0;
	     r = dwarf_siblingof(&sub, &sub)) {
		uint64_t n;

		if (!visit(dw))
			return budget_fail(dw);
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (++dims > MAX_DIMENSIONS)
			return rpd_fail(
				-EINVAL,
				"%s: DWARF: array of more than %d dimensions",
				dw->path, MAX_DIMENSIONS);
		if (dimension_length(&sub, &n) < 0)
			return rpd_fail(
				-ENOENT,
				"%s: DWARF: array without a constant length",
				dw->path);
		if (__builtin_mul_overflow(count, n, &count))
			return rpd_fail(-EINVAL, "%s: DWARF: array too long",
					dw->path);
	}
	if (!dims)
		return rpd_fail(-ENOENT, "%s: DWARF: array without a length",
				dw->path);
	out->count = count;
	return 0;
}

/* ---- members -------------------------------------------------------------- */

/* DW_AT_data_member_location: a constant, or DW_OP_plus_uconst (DWARF 2). */
static int member_location(const struct rpd_dwarf *dw, Dwarf_Die *member,
			   uint64_t *offset)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_hasattr(member, DW_AT_bit_size) ||
	    dwarf_hasattr(member, DW_AT_data_bit_offset))
		return rpd_fail(-EINVAL, "%s: DWARF: member %s is a bit-field",
				dw->path, dwarf_diename(member) ?: "");
	if (!dwarf_attr(member, DW_AT_data_member_location, &attr)) {
		*offset = 0; /* a union's members */
		return 0;
	}
	if (dwarf_formudata(&attr, &w) == 0) {
		*offset = w;
		return 0;
	}
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*offset = ops[0].number;
		return 0;
	}
	return rpd_fail(-EINVAL,
			"%s: DWARF: member %s has no constant location",
			dw->path, dwarf_diename(member) ?: "");
}

static bool is_aggregate(enum rpd_dwarf_kind kind)
{
	return kind == RPD_DWARF_STRUCT || kind == RPD_DWARF_UNION;
}

/* The member name[0, len) of agg, or of an anonymous member of it. */
static int find_member(struct rpd_dwarf *dw, Dwarf_Die *agg, const char *name,
		       size_t len, int depth, struct rpd_dwarf_member *out)
{
	Dwarf_Die m;
	int r;

	for (r = dwarf_child(agg, &m); r == 0; r = dwarf_siblingof(&m, &m)) {
		const char *mname = dwarf_diename(&m);
		struct rpd_dwarf_member inner;
		uint64_t off = 0;

		if (!visit(dw))
			return budget_fail(dw);
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (mname && (strlen(mname) != len || memcmp(mname, name, len)))
			continue;
		if (!mname && depth >= MAX_ANON_DEPTH)
			continue;
		r = member_location(dw, &m, &off);
		if (r < 0)
			return r;
		r = type_of(dw, &m, 0, &inner.type);
		if (r < 0)
			return r;
		if (mname) {
			out->offset = off;
			out->type = inner.type;
			return 0;
		}
		/* C11 anonymous struct or union: its members are ours. */
		if (!is_aggregate(inner.type.kind))
			continue;
		r = find_member(dw, &inner.type.die, name, len, depth + 1,
				&inner);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (__builtin_add_overflow(off, inner.offset, &out->offset))
			return rpd_fail(-EINVAL,
					"%s: DWARF: member offset overflows",
					dw->path);
		out->type = inner.type;
		return 0;
	}
	return -ENOENT;
}

/* ---- the API -------------------------------------------------------------- */

int rpd_dwarf_open(const struct rpd_firmware *fw, struct rpd_dwarf **out)
{
	struct rpd_dwarf *dw;
	int r;

	dw = calloc(1, sizeof(*dw));
	if (!dw)
		return rpd_fail(-ENOMEM, "%s: out of memory",
				rpd_firmware_path(fw));
	dw->fw = fw;
	dw->path = rpd_firmware_path(fw);
	dw->budget = DIE_BUDGET;
	dw->dbg = dwarf_begin_elf(rpd_firmware_elf(fw), DWARF_C_READ, NULL);
	if (!dw->dbg) {
		r = rpd_fail(-ENOENT, "%s: has no DWARF debug information (%s)",
			     dw->path, dwarf_errmsg(-1));
		free(dw);
		return r;
	}
	r = list_units(dw);
	if (r < 0) {
		rpd_dwarf_free(dw);
		return r;
	}
	*out = dw;
	return 0;
}

void rpd_dwarf_free(struct rpd_dwarf *dw)
{
	if (!dw)
		return;
	free(dw->buckets);
	free(dw->entries);
	free(dw->units);
	dwarf_end(dw->dbg);
	free(dw);
}

struct variable_want {
	bool external; /* the symbol table's symbol is global */
	size_t unit;   /* the unit of its STT_FILE, or NO_UNIT */
};

static int score_variable(const struct rpd_dwarf *dw,
			  const struct index_entry *e, const void *ctx)
{
	const struct variable_want *want = ctx;

	return (e->located ? 4 : 0) + (e->external == want->external ? 2 : 0) +
	       (e->unit == want->unit ? 1 : 0);
}

static size_t unit_of_file(const struct rpd_dwarf *dw, const char *file)
{
	for (size_t i = 0; file && i < dw->nunits; i++)
		if (path_endswith(dw->units[i].name, file))
			return i;
	return NO_UNIT;
}

/* DW_OP_addr of a variable's DW_AT_location, if that is all it says. */
static int location_addr(Dwarf_Die *var, uint64_t *addr)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr(var, DW_AT_location, &attr) ||
	    dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
	    ops[0].atom != DW_OP_addr)
		return -ENOENT;
	*addr = ops[0].number;
	return 0;
}

int rpd_dwarf_variable(struct rpd_dwarf *dw, const char *name,
		       struct rpd_dwarf_variable *var)
{
	const struct rpd_symbol *sym = rpd_firmware_symbol_entry(dw->fw, name);
	struct variable_want want = {
		.external = !sym || sym->global,
		.unit = sym && !sym->global ? unit_of_file(dw, sym->file) :
					      NO_UNIT,
	};
	const struct index_entry *e;
	uint64_t addr;
	Dwarf_Die die;
	int r;

	new_lookup(dw);
	r = lookup(dw, NS_VARIABLE, name, score_variable,
		   want.unit == NO_UNIT ? 6 : 7, &want, want.unit, &e);
	if (r == -ENOENT)
		return rpd_fail(-ENOENT, "%s: DWARF: no variable %s", dw->path,
				name);
	if (r < 0)
		return r;
	if (!dwarf_offdie(dw->dbg, e->die, &die))
		return dwarf_fail(dw, -EINVAL, name);
	r = type_of(dw, &die, 0, &var->type);
	if (r < 0)
		return rpd_fail_prefix(r, "variable %s", name);
	if (location_addr(&die, &addr) == 0) {
		if (sym && sym->addr != addr)
			return rpd_fail(
				-EINVAL,
				"%s: %s is at 0x%llx in DWARF but 0x%llx in the symbol table: the debug information is not this image's",
				dw->path, name, (unsigned long long)addr,
				(unsigned long long)sym->addr);
	} else if (sym) {
		addr = sym->addr;
	} else {
		return rpd_fail(-ENOENT, "%s: variable %s has no address",
				dw->path, name);
	}
	var->addr = addr;
	return 0;
}

int rpd_dwarf_type(struct rpd_dwarf *dw, const char *name,
		   struct rpd_dwarf_type *type)
{
	static const struct {
		const char *prefix;
		int tag;
	} tags[] = {
		{ "struct ", DW_TAG_structure_type },
		{ "union ", DW_TAG_union_type },
		{ "enum ", DW_TAG_enumeration_type },
	};
	const struct index_entry *e;
	const char *bare = name;
	Dwarf_Die die;
	int tag = 0, r;

	new_lookup(dw);
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		size_t n = strlen(tags[i].prefix);

		if (!strncmp(name, tags[i].prefix, n)) {
			bare = name + n;
			tag = tags[i].tag;
		}
	}
	r = lookup(dw, NS_TYPE, bare, score_definition, 1, &tag, NO_UNIT, &e);
	if (r == -ENOENT)
		return rpd_fail(-ENOENT, "%s: DWARF: no type %s", dw->path,
				name);
	if (r < 0)
		return r;
	if (!dwarf_offdie(dw->dbg, e->die, &die))
		return dwarf_fail(dw, -EINVAL, name);
	return peel_depth(dw, &die, 0, type);
}

int rpd_dwarf_member(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		     const char *path, struct rpd_dwarf_member *member)
{
	struct rpd_dwarf_member cur = { .offset = 0, .type = *type };
	const char *p = path;

	new_lookup(dw);
	if (!*path || strnlen(path, MAX_PATH_LEN + 1) > MAX_PATH_LEN)
		return rpd_fail(-EINVAL, "%s: DWARF: bad member path",
				dw->path);
	while (*p) {
		const char *dot = strchrnul(p, '.');
		struct rpd_dwarf_member m;
		int r;

		if (!is_aggregate(cur.type.kind))
			return rpd_fail(
				-EINVAL,
				"%s: DWARF: %.*s: not a struct or union",
				dw->path, (int)(p - path - 1), path);
		if (dot == p)
			return rpd_fail(-EINVAL,
					"%s: DWARF: bad member path %s",
					dw->path, path);
		r = find_member(dw, &cur.type.die, p, (size_t)(dot - p), 0, &m);
		if (r == -ENOENT)
			return rpd_fail(-ENOENT, "%s: DWARF: no member %s",
					dw->path, path);
		if (r < 0)
			return r;
		if (__builtin_add_overflow(cur.offset, m.offset, &cur.offset))
			return rpd_fail(-EINVAL,
					"%s: DWARF: member offset overflows",
					dw->path);
		cur.type = m.type;
		p = *dot ? dot + 1 : dot;
		if (*dot && !*p)
			return rpd_fail(-EINVAL,
					"%s: DWARF: bad member path %s",
					dw->path, path);
	}
	*member = cur;
	return 0;
}

bool rpd_dwarf_has_member(struct rpd_dwarf *dw,
			  const struct rpd_dwarf_type *type, const char *path)
{
	struct rpd_dwarf_member m;

	return rpd_dwarf_member(dw, type, path, &m) == 0;
}

int rpd_dwarf_array(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		    struct rpd_dwarf_array *array)
{
	Dwarf_Die die = type->die;

	new_lookup(dw);
	if (type->kind != RPD_DWARF_ARRAY)
		return rpd_fail(-EINVAL, "%s: DWARF: not an array type",
				dw->path);
	return array_info(dw, &die, 0, array);
}

int rpd_dwarf_pointee(struct rpd_dwarf *dw, const struct rpd_dwarf_type *type,
		      struct rpd_dwarf_type *target)
{
	Dwarf_Die die = type->die;
	int r;

	new_lookup(dw);
	if (type->kind != RPD_DWARF_POINTER)
		return rpd_fail(-EINVAL, "%s: DWARF: not a pointer type",
				dw->path);
	r = type_of(dw, &die, 0, target);
	if (r == -ENOENT)
		return rpd_fail(-ENOENT, "%s: DWARF: a pointer to void",
				dw->path);
	return r;
}

static int enumerator_value(Dwarf_Die *e, int64_t *value)
{
	Dwarf_Attribute attr;
	Dwarf_Sword s;
	Dwarf_Word u;

	if (!dwarf_attr(e, DW_AT_const_value, &attr))
		return -ENOENT;
	if (dwarf_whatform(&attr) == DW_FORM_sdata) {
		if (dwarf_formsdata(&attr, &s) != 0)
			return -ENOENT;
		*value = s;
		return 0;
	}
	if (dwarf_formudata(&attr, &u) != 0)
		return -ENOENT;
	*value = (int64_t)u;
	return 0;
}

static int score_any(const struct rpd_dwarf *dw, const struct index_entry *e,
		     const void *ctx)
{
	return 0;
}

static int enumerator_in(struct rpd_dwarf *dw, Dwarf_Die *type,
			 const char *name, int64_t *value)
{
	Dwarf_Die e;
	int r;

	for (r = dwarf_child(type, &e); r == 0; r = dwarf_siblingof(&e, &e)) {
		const char *ename = dwarf_diename(&e);

		if (!visit(dw))
			return budget_fail(dw);
		if (dwarf_tag(&e) == DW_TAG_enumerator && ename &&
		    !strcmp(ename, name))
			return enumerator_value(&e, value);
	}
	return -ENOENT;
}

int rpd_dwarf_enumerator(struct rpd_dwarf *dw,
			 const struct rpd_dwarf_type *type, const char *name,
			 int64_t *value)
{
	const struct index_entry *e;
	Dwarf_Die die;
	int r;

	new_lookup(dw);
	if (type) {
		die = type->die;
		r = type->kind == RPD_DWARF_ENUM ?
			    enumerator_in(dw, &die, name, value) :
			    -ENOENT;
	} else {
		r = lookup(dw, NS_ENUMERATOR, name, score_any, 0, NULL, NO_UNIT,
			   &e);
		if (r == 0)
			r = dwarf_offdie(dw->dbg, e->die, &die) ?
				    enumerator_value(&die, value) :
				    -ENOENT;
	}
	if (r == -ENOENT)
		return rpd_fail(-ENOENT, "%s: DWARF: no enumerator %s",
				dw->path, name);
	return r;
}

const char *rpd_dwarf_unit_names(struct rpd_dwarf *dw,
				 bool (*fn)(void *arg, const char *name),
				 void *arg)
{
	for (size_t i = 0; i < dw->nunits; i++)
		if (fn(arg, dw->units[i].name))
			return dw->units[i].name;
	return NULL;
}

size_t rpd_dwarf_indexed_units(const struct rpd_dwarf *dw)
{
	size_t n = 0;

	for (size_t i = 0; i < dw->nunits; i++)
		n += dw->units[i].indexed;
	return n;
}
