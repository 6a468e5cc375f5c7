// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * symbolize.c - firmware addresses to source, as eu-addr2line -i does.
 *
 * libdwfl finds no modules in a bare-metal core (no link map, no NT_FILE),
 * so the firmware is reported by hand at bias 0: its link addresses are the
 * addresses the remote CPU ran it at. The innermost line comes from the
 * line table; each inlined call's caller line comes from the call site
 * attributes (DW_AT_call_file, DW_AT_call_line) of its
 * DW_TAG_inlined_subroutine, walking the scopes out to the subprogram.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "symbolize.h"

struct symbolizer {
	Dwfl *dwfl;
	Dwfl_Module *mod;
};

static char *debuginfo_path;

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

int symbolizer_open(const char *firmware_path, struct symbolizer **out)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return log_oom();
	s->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!s->dwfl) {
		free(s);
		return log_warning_errno(-ENOMEM, "no symbols: libdwfl: %s",
					 dwfl_errmsg(-1));
	}
	dwfl_report_begin(s->dwfl);
	s->mod = dwfl_report_elf(s->dwfl, "firmware", firmware_path, -1, 0,
				 false);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!s->mod) {
		int r = log_warning_errno(-EINVAL, "no symbols: %s: %s",
					  firmware_path, dwfl_errmsg(-1));

		symbolizer_free(s);
		return r;
	}
	*out = s;
	return 0;
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	dwfl_end(s->dwfl);
	free(s);
}

Dwfl *symbolizer_dwfl(struct symbolizer *s)
{
	return s->dwfl;
}

int symbolizer_function_range(struct symbolizer *s, uint64_t addr,
			      uint64_t *start, uint64_t *end)
{
	GElf_Off offset;
	GElf_Sym sym;

	if (!dwfl_module_addrinfo(s->mod, addr | 1, &offset, &sym, NULL, NULL,
				  NULL))
		return -ENOENT;
	*start = (addr | 1) - offset;
	*end = *start + MAX(sym.st_size, 1);
	return 0;
}

/*
 * The compile unit whose code holds addr. libdw finds it through
 * .debug_aranges, which clang does not emit unless asked
 * (-gdwarf-aranges); without them every unit's ranges are searched.
 */
static Dwarf_Die *cu_at(struct symbolizer *s, Dwarf_Addr addr, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(s->mod, addr, bias);

	if (cu)
		return cu;
	while ((cu = dwfl_module_nextcu(s->mod, cu, bias)))
		if (dwarf_haspc(cu, addr - *bias) == 1)
			return cu;
	return NULL;
}

/* The file a DW_AT_call_file index names in the CU's file table. */
static const char *call_file(Dwarf_Die *cudie, Dwarf_Die *inlined)
{
	Dwarf_Attribute attr;
	Dwarf_Files *files;
	Dwarf_Word index;
	size_t nfiles;

	if (!dwarf_attr(inlined, DW_AT_call_file, &attr) ||
	    dwarf_formudata(&attr, &index) != 0 ||
	    dwarf_getsrcfiles(cudie, &files, &nfiles) != 0 || index >= nfiles)
		return NULL;
	return dwarf_filesrc(files, index, NULL, NULL);
}

static int call_line(Dwarf_Die *inlined)
{
	Dwarf_Attribute attr;
	Dwarf_Word line;

	if (!dwarf_attr(inlined, DW_AT_call_line, &attr) ||
	    dwarf_formudata(&attr, &line) != 0 || line > INT32_MAX)
		return 0;
	return (int)line;
}

/*
 * Fills out[] from the DWARF scopes at addr; returns how many frames, 0 if
 * addr is in no subprogram the DWARF describes.
 */
static size_t scope_frames(Dwarf_Die *cudie, Dwarf_Addr addr,
			   struct source_frame *out, size_t max)
{
	struct source_frame cur = out[0];
	Dwarf_Die *scopes = NULL, innermost;
	size_t n = 0;
	int nscopes;

	/*
	 * dwarf_getscopes() continues from an inlined instance into its
	 * abstract definition's parents (for variable lookup); the callers
	 * are the concrete DIE's parents, which dwarf_getscopes_die() gives.
	 */
	nscopes = dwarf_getscopes(cudie, addr, &scopes);
	if (nscopes <= 0) {
		free(scopes);
		return 0;
	}
	innermost = scopes[0];
	free(scopes);
	scopes = NULL;
	nscopes = dwarf_getscopes_die(&innermost, &scopes);
	for (int i = 0; i < nscopes && n < max; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag != DW_TAG_inlined_subroutine &&
		    tag != DW_TAG_subprogram)
			continue;
		cur.function = dwarf_diename(&scopes[i]);
		cur.inlined = tag == DW_TAG_inlined_subroutine;
		out[n++] = cur;
		if (!cur.inlined)
			break;
		/* The caller is at the call site of this inlined copy. */
		cur.file = call_file(cudie, &scopes[i]);
		cur.line = call_line(&scopes[i]);
	}
	free(scopes);
	return n;
}

/* The last row at row_addr that begins a statement, or NULL. */
static Dwarf_Line *statement_row(Dwarf_Die *cudie, Dwarf_Addr row_addr)
{
	Dwarf_Line *found = NULL;
	Dwarf_Lines *lines;
	size_t nlines;

	if (dwarf_getsrclines(cudie, &lines, &nlines) != 0)
		return NULL;
	for (size_t i = 0; i < nlines; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		bool stmt;

		if (l && dwarf_lineaddr(l, &a) == 0 && a == row_addr &&
		    dwarf_linebeginstatement(l, &stmt) == 0 && stmt)
			found = l;
	}
	return found;
}

/*
 * The source line at addr. Optimized code has several rows at one address;
 * like GDB, prefer one that begins a statement over the last row, which
 * may be a non-statement row of an inlined callee.
 */
static void source_line(Dwarf_Die *cudie, Dwarf_Addr addr,
			struct source_frame *out)
{
	Dwarf_Line *line = dwarf_getsrc_die(cudie, addr), *stmt_line;
	Dwarf_Addr row_addr;
	bool stmt;

	if (!line)
		return;
	if (dwarf_linebeginstatement(line, &stmt) == 0 && !stmt &&
	    dwarf_lineaddr(line, &row_addr) == 0) {
		stmt_line = statement_row(cudie, row_addr);
		if (stmt_line)
			line = stmt_line;
	}
	out->file = dwarf_linesrc(line, NULL, NULL);
	if (dwarf_lineno(line, &out->line) != 0)
		out->line = 0;
}

size_t symbolize(struct symbolizer *s, uint64_t addr, struct source_frame *out,
		 size_t max)
{
	Dwarf_Die *cudie;
	Dwarf_Addr bias;
	size_t n = 0;

	out[0] = (struct source_frame){ 0 };
	if (!s || max == 0)
		return 1;
	cudie = cu_at(s, addr, &bias);
	if (cudie) {
		source_line(cudie, addr - bias, &out[0]);
		n = scope_frames(cudie, addr - bias, out, max);
	}
	if (n == 0) {
		/* Line tables and DWARF ranges hold instruction addresses;
		 * Thumb function symbols have bit 0 set (ELF for the Arm
		 * Architecture, 5.5.3), so symbol lookups ask for addr | 1:
		 * at an even address the previous function's
		 * [value, value + size) would still match. */
		/* No DWARF for it (assembly, or stripped): the symbol table
		 * still names the function. */
		out[0].function = dwfl_module_addrname(s->mod, addr | 1);
		/* $a, $t and $d only say what kind of bytes follow. */
		if (out[0].function && out[0].function[0] == '$')
			out[0].function = NULL;
		n = 1;
	}
	return n;
}

/* ---- tail calls --------------------------------------------------------- */

/* Where a call site returns to: DWARF 5 call_return_pc, GNU low_pc. */
static bool call_site_return(Dwarf_Die *site, Dwarf_Addr *pc)
{
	Dwarf_Attribute attr;

	if (dwarf_attr(site, DW_AT_call_return_pc, &attr))
		return dwarf_formaddr(&attr, pc) == 0;
	return dwarf_lowpc(site, pc) == 0;
}

static const char *call_site_target(Dwarf_Die *site)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;

	if (!dwarf_attr(site, DW_AT_call_origin, &attr) &&
	    !dwarf_attr(site, DW_AT_abstract_origin, &attr))
		return NULL;
	if (!dwarf_formref_die(&attr, &origin))
		return NULL;
	return dwarf_diename(&origin);
}

static bool is_call_site(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site;
}

/* A call site under die, at any depth, that match() accepts. */
static bool find_call_site(Dwarf_Die *die,
			   bool (*match)(Dwarf_Die *site, const void *arg),
			   const void *arg, Dwarf_Die *found)
{
	Dwarf_Die child;

	if (dwarf_child(die, &child) != 0)
		return false;
	do {
		if (is_call_site(&child) && match(&child, arg)) {
			*found = child;
			return true;
		}
		if (dwarf_haschildren(&child) &&
		    find_call_site(&child, match, arg, found))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static bool returns_to(Dwarf_Die *site, const void *arg)
{
	Dwarf_Addr pc;

	return call_site_return(site, &pc) && pc == *(const Dwarf_Addr *)arg;
}

static bool tail_calls(Dwarf_Die *site, const void *arg)
{
	const char *target = call_site_target(site);

	return dwarf_hasattr(site, DW_AT_call_tail_call) && target &&
	       !strcmp(target, arg);
}

/* The subprogram DIE of the function symbol name. */
static bool function_die(struct symbolizer *s, const char *name,
			 Dwarf_Die *cu_out, Dwarf_Die *fn)
{
	int nsyms = dwfl_module_getsymtab(s->mod);

	for (int i = 0; i < nsyms; i++) {
		Dwarf_Die *scopes = NULL, *cudie;
		const char *sym_name;
		Dwarf_Addr bias;
		GElf_Addr addr;
		GElf_Sym sym;
		bool found = false;
		int n;

		sym_name = dwfl_module_getsym_info(s->mod, i, &sym, &addr, NULL,
						   NULL, NULL);
		if (!sym_name || strcmp(sym_name, name) ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		cudie = cu_at(s, addr & ~1ull, &bias);
		if (!cudie)
			return false;
		n = dwarf_getscopes(cudie, (addr & ~1ull) - bias, &scopes);
		for (int k = 0; k < n && !found; k++) {
			if (dwarf_tag(&scopes[k]) == DW_TAG_subprogram) {
				*fn = scopes[k];
				*cu_out = *cudie;
				found = true;
			}
		}
		free(scopes);
		return found;
	}
	return false;
}

bool symbolize_tail_call(struct symbolizer *s, uint64_t return_addr,
			 const char *callee, struct source_frame *out,
			 uint64_t *pc)
{
	Dwarf_Die *cudie, site, fn_cu, fn;
	Dwarf_Addr bias, ret, site_pc;
	const char *target;

	if (!s || !callee)
		return false;
	cudie = cu_at(s, return_addr - 1, &bias);
	ret = return_addr - bias;
	if (!cudie || !find_call_site(cudie, returns_to, &ret, &site))
		return false;
	target = call_site_target(&site);
	if (!target || !strcmp(target, callee) ||
	    !function_die(s, target, &fn_cu, &fn) ||
	    !find_call_site(&fn, tail_calls, callee, &site) ||
	    !call_site_return(&site, &site_pc))
		return false;
	*out = (struct source_frame){ .function = target };
	source_line(&fn_cu, site_pc - 1, out);
	*pc = site_pc + bias;
	return true;
}
