// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verify.c - rproc-analyze verify: is the firmware's read-only memory
 * (code, read-only data, vector table) still what was loaded?
 *
 * Every dumped byte of the firmware's read-only sections is compared with
 * the image. A section is read at its load address (p_paddr: the kernel
 * copied it there and nothing writes it) and, when the program runs from
 * elsewhere (p_vaddr), there too. Bytes that differ are reported as runs
 * with the function or object that holds them; bytes the dump does not
 * hold are reported as not dumped, never as clean.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "log.h"
#include "macro.h"

/* Differing runs kept per section copy; the rest are only counted. */
#define MAX_RANGES 256
/* Bytes of each run shown, expected and found. */
#define SHOWN_BYTES 8

struct diff_range {
	uint64_t addr; /* where the dump holds it */
	uint64_t len;
	uint8_t expected[SHOWN_BYTES];
	uint8_t found[SHOWN_BYTES];
};

/* The differing runs of one copy of a section (librprocdump's check). */
struct section_check {
	const struct rpd_readonly_check *check;
	struct diff_range ranges[MAX_RANGES];
	size_t nranges; /* kept */
	size_t dropped; /* runs beyond MAX_RANGES */
};

struct verify_result {
	struct rpd_readonly_check *checks;
	struct section_check *runs; /* one per check */
	size_t nchecks;
	uint64_t compared, differing, not_dumped;
};

/* Adds a differing byte to its run, or starts a run. */
static void note_difference(void *ctx, size_t check, uint64_t addr,
			    uint8_t expected, uint8_t found)
{
	struct section_check *c = &((struct verify_result *)ctx)->runs[check];
	struct diff_range *r = c->nranges ? &c->ranges[c->nranges - 1] : NULL;

	if (r && r->addr + r->len == addr) {
		if (r->len < SHOWN_BYTES) {
			r->expected[r->len] = expected;
			r->found[r->len] = found;
		}
		r->len++;
		return;
	}
	if (c->nranges == MAX_RANGES) {
		c->dropped++;
		return;
	}
	r = &c->ranges[c->nranges++];
	*r = (struct diff_range){ .addr = addr, .len = 1 };
	r->expected[0] = expected;
	r->found[0] = found;
}

static int cmp_range(const void *a, const void *b)
{
	const struct diff_range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int verify_sections(const struct analyzed_core *ac,
			   struct verify_result *res)
{
	/* Two copies at most per section. */
	size_t max = 2 * rpd_firmware_nreadonly(ac->fw) + 1;
	int n;

	res->checks = calloc(max, sizeof(*res->checks));
	res->runs = calloc(max, sizeof(*res->runs));
	if (!res->checks || !res->runs)
		return log_oom();
	n = rpd_core_compare_firmware(ac->core, ac->fw, res->checks, max,
				      note_difference, res);
	if (n < 0)
		return log_error_errno(n, "%s", rpd_error());
	res->nchecks = (size_t)n;
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct rpd_readonly_check *c = &res->checks[i];

		res->runs[i].check = c;
		/* Runs come in the order of the core's segments. */
		qsort(res->runs[i].ranges, res->runs[i].nranges,
		      sizeof(*res->runs[i].ranges), cmp_range);
		res->compared += c->compared;
		res->differing += c->differing;
		res->not_dumped += c->section->size - c->compared;
	}
	return 0;
}

/* ---- output ---- */

static const char *verdict(const struct verify_result *res)
{
	if (res->differing)
		return "differs";
	return res->compared ? "clean" : "unchecked";
}

/* "function+0x12" of a dump address of a section copy, into buf. */
static const char *symbol_name(const struct rpd_firmware *fw,
			       const struct rpd_readonly_check *c,
			       uint64_t addr, char *buf, size_t size,
			       uint64_t *offset)
{
	uint64_t cpu = c->section->vaddr + (addr - c->base);
	const struct rpd_symbol *sym;

	*offset = 0;
	if (rpd_firmware_symbol_at(fw, cpu, &sym) < 0)
		return NULL;
	*offset = cpu - sym->addr;
	snprintf(buf, size, "%s+0x%" PRIx64, sym->name, *offset);
	return sym->name;
}

static void hex_bytes(char *out, const uint8_t *b, uint64_t len)
{
	size_t n = (size_t)MIN(len, (uint64_t)SHOWN_BYTES);

	*out = '\0';
	for (size_t i = 0; i < n; i++)
		out += sprintf(out, "%02x", b[i]);
	if (len > SHOWN_BYTES)
		strcpy(out, "...");
}

static void print_check(FILE *f, const struct rpd_firmware *fw,
			const struct section_check *run)
{
	const struct rpd_readonly_check *c = run->check;
	const struct rpd_section *s = c->section;
	uint64_t missing = s->size - c->compared;
	char where[160], want[2 * SHOWN_BYTES + 4], got[2 * SHOWN_BYTES + 4];
	uint64_t offset;

	fprintf(f, "%-16s 0x%08" PRIx64 " %8" PRIu64 " bytes (%s): ", s->name,
		c->base, s->size, c->copy);
	if (!c->compared)
		fprintf(f, "not dumped\n");
	else if (!c->differing && !missing)
		fprintf(f, "clean\n");
	else if (!c->differing)
		fprintf(f, "clean, %" PRIu64 " bytes not dumped\n", missing);
	else
		fprintf(f, "%" PRIu64 " bytes differ%s\n", c->differing,
			missing ? ", part not dumped" : "");

	for (size_t i = 0; i < run->nranges; i++) {
		const struct diff_range *r = &run->ranges[i];

		if (!symbol_name(fw, c, r->addr, where, sizeof(where), &offset))
			snprintf(where, sizeof(where), "(no symbol)");
		hex_bytes(want, r->expected, r->len);
		hex_bytes(got, r->found, r->len);
		fprintf(f,
			"  0x%08" PRIx64 " %6" PRIu64 " bytes  %-32s "
			"image %s, memory %s\n",
			r->addr, r->len, where, want, got);
	}
	if (run->dropped)
		fprintf(f, "  ... and %zu more ranges\n", run->dropped);
}

static void print_result(FILE *f, const struct analyzed_core *ac,
			 const struct verify_result *res)
{
	fprintf(f, "firmware %s\n", rpd_firmware_path(ac->fw));
	for (size_t i = 0; i < res->nchecks; i++)
		print_check(f, ac->fw, &res->runs[i]);
	if (res->differing)
		fprintf(f,
			"verdict: CORRUPTED: %" PRIu64 " of %" PRIu64
			" read-only bytes differ from the firmware\n",
			res->differing, res->compared);
	else if (res->compared)
		fprintf(f,
			"verdict: clean: %" PRIu64 " read-only bytes match"
			" the firmware%s\n",
			res->compared,
			res->not_dumped ? " (some were not dumped)" : "");
	else
		fprintf(f,
			"verdict: unchecked: no read-only byte was dumped\n");
}

static void json_range(struct json_writer *j, const struct rpd_firmware *fw,
		       const struct rpd_readonly_check *c,
		       const struct diff_range *r)
{
	char where[160], want[2 * SHOWN_BYTES + 4], got[2 * SHOWN_BYTES + 4];
	uint64_t offset;
	const char *name;

	name = symbol_name(fw, c, r->addr, where, sizeof(where), &offset);
	hex_bytes(want, r->expected, r->len);
	hex_bytes(got, r->found, r->len);
	json_begin_object(j, NULL);
	json_uint(j, "address", r->addr);
	json_uint(j, "length", r->len);
	if (name) {
		json_string(j, "symbol", name);
		json_uint(j, "offset", offset);
	} else {
		json_null(j, "symbol");
	}
	json_string(j, "expected", want);
	json_string(j, "found", got);
	json_end_object(j);
}

static void json_result(struct json_writer *j, const struct analyzed_core *ac,
			const struct verify_result *res)
{
	json_begin_object(j, NULL);
	json_string(j, "firmware", rpd_firmware_path(ac->fw));
	json_string(j, "verdict", verdict(res));
	json_uint(j, "compared", res->compared);
	json_uint(j, "differing", res->differing);
	json_uint(j, "not_dumped", res->not_dumped);
	json_begin_array(j, "sections");
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct section_check *run = &res->runs[i];
		const struct rpd_readonly_check *c = run->check;

		json_begin_object(j, NULL);
		json_string(j, "name", c->section->name);
		json_uint(j, "address", c->base);
		json_uint(j, "size", c->section->size);
		json_string(j, "copy", c->copy);
		json_uint(j, "compared", c->compared);
		json_uint(j, "not_dumped", c->section->size - c->compared);
		json_uint(j, "differing", c->differing);
		json_begin_array(j, "ranges");
		for (size_t k = 0; k < run->nranges; k++)
			json_range(j, ac->fw, c, &run->ranges[k]);
		json_end_array(j);
		json_uint(j, "ranges_not_shown", run->dropped);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
	json_finish(j);
}

/* ---- the verb ---- */

static int open_verified_core(const struct analyze_options *o, int argc,
			      char **argv, struct analyzed_core *ac)
{
	int r;

	r = analyzed_core_open_args(o, argc, argv, ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	if (!ac->fw) {
		log_error("%s: verify needs the firmware: %s", ac->path,
			  ac->fw_problem);
		return EXIT_ANALYZE_ERROR;
	}
	if (ac->fw_problem[0])
		log_warning("%s", ac->fw_problem);
	return EXIT_ANALYZE_OK;
}

int verb_verify(const struct analyze_options *o, struct output *out, int argc,
		char **argv)
{
	struct verify_result res = { 0 };
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	int status;

	status = open_verified_core(o, argc, argv, &ac);
	if (status != EXIT_ANALYZE_OK)
		return status;
	if (verify_sections(&ac, &res) < 0)
		status = EXIT_ANALYZE_ERROR;
	else if (out->is_json)
		json_result(&out->json, &ac, &res);
	else
		print_result(out->f, &ac, &res);
	if (status == EXIT_ANALYZE_OK && res.differing)
		status = EXIT_ANALYZE_DIFFERS;
	else if (status == EXIT_ANALYZE_OK && !res.compared)
		status = EXIT_ANALYZE_ERROR; /* nothing to call clean */
	free(res.runs);
	free(res.checks);
	return status;
}
