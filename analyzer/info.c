// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * info.c - the "info" verb: everything the notes of a stored core say about
 * the crash, its segments and how each mirrors the firmware, its trace
 * buffers, and the firmware rproc-analyze found for it.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyze.h"
#include "log.h"
#include "macro.h"
#include "string_util.h"
#include "term_escape.h"

/* The info note's keys in the order and with the labels info shows; other
 * keys follow under their own names. */
static const struct {
	const char *key;
	const char *label;
} info_labels[] = {
	{ "name", "Remote" },
	{ "firmware", "Firmware" },
	{ "build_id", "Build-id" },
	{ "kernel", "Kernel" },
	{ "crash_type", "Crash type" },
	{ "crash_time", "Crash time" },
	{ "crash_reason", "Crash reason" },
	{ "crash_message", "Crash message" },
	{ "crash_sequence", "Crash sequence" },
	{ "layout", "Layout" },
	{ "firmware_match", "Firmware match" },
	{ "firmware_differing_bytes", "Differing bytes" },
	{ "truncated", "Truncated" },
	{ "registers", "Registers" },
	{ "registers_detail", "Found" },
	{ "rtos", "RTOS" },
	{ "rtos_port", "RTOS port" },
	{ "threads", "Threads" },
	{ "crashed_thread", "Crashed task" },
	{ "problems", "Problems" },
	{ "collector", "Collector" },
	{ "format", "Core format" },
};

struct info {
	const struct analyzed_core *ac;
	uint64_t disk_size;
	struct rpd_segmap_entry *segmap;
	size_t nsegmap;
};

static int load_segmap(struct info *in)
{
	in->nsegmap = rpd_core_nsegmap(in->ac->core);
	in->segmap = calloc(in->nsegmap + 1, sizeof(*in->segmap));
	if (!in->segmap)
		return log_oom();
	for (size_t i = 0; i < in->nsegmap; i++)
		if (rpd_core_segmap(in->ac->core, i, &in->segmap[i]) < 0)
			return log_error_errno(-EINVAL, "%s", rpd_error());
	return 0;
}

static const struct rpd_segmap_entry *segmap_of_load(const struct info *in,
						     size_t load)
{
	for (size_t i = 0; i < in->nsegmap; i++)
		if (in->segmap[i].load_index == load)
			return &in->segmap[i];
	return NULL;
}

/* "firmware", "undescribed" or "dump": the three kinds of rproc-core(5). */
static const char *origin_kind(const struct rpd_segmap_entry *m)
{
	if (!m)
		return "unknown";
	if (m->flags & RPD_SEGMAP_FROM_FIRMWARE)
		return "firmware";
	if (m->flags & RPD_SEGMAP_UNDESCRIBED)
		return "undescribed";
	return "dump";
}

static void flags_string(uint32_t flags, char buf[4])
{
	buf[0] = flags & PF_R ? 'R' : '-';
	buf[1] = flags & PF_W ? 'W' : '-';
	buf[2] = flags & PF_X ? 'X' : '-';
	buf[3] = '\0';
}

static const char *trace_format_name(uint32_t format)
{
	const char *name = rpd_trace_format_name(format);

	return name ? name : "unknown";
}

/* Calls fn for each key=value of the info note, in note order. */
static void for_each_info(const struct rpd_core *core,
			  void (*fn)(void *ctx, const char *key, size_t keylen,
				     const char *value),
			  void *ctx)
{
	const char *key, *value;
	size_t keylen;

	for (size_t i = 0;
	     rpd_core_info_at(core, i, &key, &keylen, &value) == 0; i++)
		fn(ctx, key, keylen, value);
}

static bool is_labelled(const char *key, size_t keylen)
{
	for (size_t i = 0; i < ARRAY_SIZE(info_labels); i++)
		if (strlen(info_labels[i].key) == keylen &&
		    !strncmp(info_labels[i].key, key, keylen))
			return true;
	return false;
}

/* ---- text ---- */

static void print_field(FILE *f, const char *label, const char *value)
{
	_cleanup_free_ char *l = term_escape(label); /* keys from the core */

	fprintf(f, "%16s: ", l ?: "?");
	term_fputs(value, f);
	fputc('\n', f);
}

static void print_crash_time(FILE *f, const char *value)
{
	char buf[64];
	struct tm tm;
	char *end;
	time_t t;

	errno = 0;
	t = (time_t)strtoll(value, &end, 10);
	if (errno || *end || !*value || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm)) {
		print_field(f, "Crash time", value);
		return;
	}
	fprintf(f, "%16s: %s (@%s)\n", "Crash time", buf, value);
}

static void print_other_key(void *ctx, const char *key, size_t keylen,
			    const char *value)
{
	_cleanup_free_ char *k = strndup(key, keylen);

	if (!is_labelled(key, keylen) && k)
		print_field(ctx, k, value);
}

static void print_notes(FILE *f, const struct rpd_core *core)
{
	for (size_t i = 0; i < ARRAY_SIZE(info_labels); i++) {
		const char *v = rpd_core_info(core, info_labels[i].key);

		if (!v)
			continue;
		if (!strcmp(info_labels[i].key, "crash_time"))
			print_crash_time(f, v);
		else if (!strcmp(info_labels[i].key, "truncated"))
			print_field(f, info_labels[i].label,
				    strcmp(v, "1") ? "no" : "yes");
		else
			print_field(f, info_labels[i].label, v);
	}
	for_each_info(core, print_other_key, f);
}

static void print_segments(FILE *f, const struct info *in)
{
	const struct rpd_core *core = in->ac->core;

	fprintf(f, "\nSegments:\n  %3s  %-10s  %-10s  %-10s  %-10s  %-5s  %s\n",
		"#", "VADDR", "PADDR", "MEMSZ", "FILESZ", "FLAGS", "FIRMWARE");
	for (size_t i = 0; i < rpd_core_nsegments(core); i++) {
		const struct rpd_segment *s = rpd_core_segment(core, i);
		const struct rpd_segmap_entry *m = segmap_of_load(in, i);
		char flags[4];

		flags_string(s->flags, flags);
		fprintf(f,
			"  %3zu  0x%08llx  0x%08llx  0x%08llx  0x%08llx  %-5s  ",
			i, (unsigned long long)s->vaddr,
			(unsigned long long)s->paddr,
			(unsigned long long)s->memsz,
			(unsigned long long)s->filesz, flags);
		if (m && m->firmware_index >= 0)
			fprintf(f, "segment %d%s\n", m->firmware_index,
				m->flags & RPD_SEGMAP_PARTIAL ? ", partial" :
								"");
		else
			fprintf(f, "%s\n", origin_kind(m));
	}
	for (size_t i = 0; i < in->nsegmap; i++) {
		const struct rpd_segmap_entry *m = &in->segmap[i];

		if (m->load_index == RPD_SEGMAP_NO_LOAD)
			fprintf(f,
				"  %3s  0x%08llx  %-10s  %-10s  %-10s  %-5s  segment %d, not dumped\n",
				"-", (unsigned long long)m->vaddr, "-", "-",
				"-", "-", m->firmware_index);
	}
}

static void print_traces(FILE *f, const struct rpd_core *core)
{
	struct rpd_trace_desc d;
	uint32_t format;

	if (!rpd_core_ntraces(core))
		return;
	fprintf(f, "\nTrace buffers:\n  %-32s  %-10s  %-10s  %s\n", "NAME",
		"ADDRESS", "SIZE", "FORMAT");
	for (size_t i = 0; rpd_core_trace(core, i, &d, &format) == 0; i++) {
		_cleanup_free_ char *name = term_escape(*d.name ? d.name : "-");

		fprintf(f, "  %-32s  0x%08llx  0x%08llx  %s\n", name ?: "?",
			(unsigned long long)d.da, (unsigned long long)d.len,
			trace_format_name(format));
	}
}

static void print_info(FILE *f, const struct info *in)
{
	const struct analyzed_core *ac = in->ac;

	print_field(f, "File", ac->path);
	fprintf(f, "%16s: %llu bytes, %llu on disk\n", "Core size",
		(unsigned long long)rpd_core_size(ac->core),
		(unsigned long long)in->disk_size);
	print_notes(f, ac->core);
	fprintf(f, "%16s: %zu\n", "Contexts", rpd_core_ncontexts(ac->core));
	if (ac->fw)
		print_field(f, "Firmware used", rpd_firmware_path(ac->fw));
	else
		print_field(f, "Firmware used", "none");
	if (ac->fw_problem[0])
		print_field(f, ac->fw ? "Warning" : "Why none", ac->fw_problem);
	print_segments(f, in);
	print_traces(f, ac->core);
}

/* ---- JSON ---- */

static void json_other_key(void *ctx, const char *key, size_t keylen,
			   const char *value)
{
	char name[128];

	snprintf(name, sizeof(name), "%.*s", (int)keylen, key);
	json_string(ctx, name, value);
}

static void json_info_int(struct json_writer *j, const struct rpd_core *c,
			  const char *key)
{
	const char *v = rpd_core_info(c, key);
	char *end;
	long long n;

	errno = 0;
	n = v ? strtoll(v, &end, 10) : 0;
	if (v && *v && !errno && !*end)
		json_int(j, key, n);
	else
		json_null(j, key);
}

static void json_segments(struct json_writer *j, const struct info *in)
{
	const struct rpd_core *core = in->ac->core;
	char flags[4];

	json_begin_array(j, "segments");
	for (size_t i = 0; i < rpd_core_nsegments(core); i++) {
		const struct rpd_segment *s = rpd_core_segment(core, i);
		const struct rpd_segmap_entry *m = segmap_of_load(in, i);

		flags_string(s->flags, flags);
		json_begin_object(j, NULL);
		json_uint(j, "index", i);
		json_uint(j, "vaddr", s->vaddr);
		json_uint(j, "paddr", s->paddr);
		json_uint(j, "memsz", s->memsz);
		json_uint(j, "filesz", s->filesz);
		json_string(j, "flags", flags);
		json_string(j, "origin", origin_kind(m));
		if (m && m->firmware_index >= 0)
			json_int(j, "firmware_segment", m->firmware_index);
		else
			json_null(j, "firmware_segment");
		json_bool(j, "partial", m && (m->flags & RPD_SEGMAP_PARTIAL));
		if (m)
			json_uint(j, "source_da", m->source_da);
		json_end_object(j);
	}
	json_end_array(j);

	json_begin_array(j, "not_dumped");
	for (size_t i = 0; i < in->nsegmap; i++) {
		if (in->segmap[i].load_index != RPD_SEGMAP_NO_LOAD)
			continue;
		json_begin_object(j, NULL);
		json_int(j, "firmware_segment", in->segmap[i].firmware_index);
		json_uint(j, "vaddr", in->segmap[i].vaddr);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_traces(struct json_writer *j, const struct rpd_core *core)
{
	struct rpd_trace_desc d;
	uint32_t format;

	json_begin_array(j, "trace_buffers");
	for (size_t i = 0; rpd_core_trace(core, i, &d, &format) == 0; i++) {
		json_begin_object(j, NULL);
		json_string(j, "name", d.name);
		json_uint(j, "da", d.da);
		json_uint(j, "len", d.len);
		json_string(j, "format", trace_format_name(format));
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_info(struct json_writer *j, const struct info *in)
{
	const struct analyzed_core *ac = in->ac;
	const struct rpd_core *c = ac->core;
	const char *truncated = rpd_core_info(c, "truncated");

	json_begin_object(j, NULL);
	json_string(j, "file", ac->path);
	json_uint(j, "size", in->disk_size);
	json_uint(j, "core_size", rpd_core_size(c));
	json_string(j, "remote", rpd_core_info(c, "name"));
	json_string(j, "firmware", rpd_core_info(c, "firmware"));
	json_string(j, "build_id", rpd_core_info(c, "build_id"));
	json_string(j, "kernel", rpd_core_info(c, "kernel"));
	json_string(j, "crash_type", rpd_core_info(c, "crash_type"));
	json_info_int(j, c, "crash_time");
	json_string(j, "crash_reason", rpd_core_info(c, "crash_reason"));
	json_string(j, "crash_message", rpd_core_info(c, "crash_message"));
	json_info_int(j, c, "crash_sequence");
	json_string(j, "layout", rpd_core_info(c, "layout"));
	json_string(j, "firmware_match", rpd_core_info(c, "firmware_match"));
	json_bool(j, "truncated", truncated && !strcmp(truncated, "1"));
	json_string(j, "registers", rpd_core_info(c, "registers"));
	json_uint(j, "contexts", rpd_core_ncontexts(c));
	json_string(j, "firmware_used",
		    ac->fw ? rpd_firmware_path(ac->fw) : NULL);
	json_string(j, "firmware_problem",
		    ac->fw_problem[0] ? ac->fw_problem : NULL);
	json_begin_object(j, "info");
	for_each_info(c, json_other_key, j);
	json_end_object(j);
	json_segments(j, in);
	json_traces(j, c);
	json_end_object(j);
	json_finish(j);
}

int verb_info(const struct analyze_options *o, struct output *out, int argc,
	      char **argv)
{
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	struct info in = { .ac = &ac };
	struct stat st;
	int r;

	r = analyzed_core_open_args(o, argc, argv, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	r = load_segmap(&in);
	if (r >= 0 && stat(ac.path, &st) == 0)
		in.disk_size = (uint64_t)st.st_size;
	if (r >= 0 && out->is_json)
		json_info(&out->json, &in);
	else if (r >= 0)
		print_info(out->f, &in);
	free(in.segmap);
	return r < 0 ? EXIT_ANALYZE_ERROR : EXIT_ANALYZE_OK;
}
