// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * extract.c - the "extract" verb: the stored core as a plain ELF core file,
 * for tools that cannot read the .core.gz container (coredumpctl dump).
 * A file appears complete or not at all; standard output is refused when it
 * is a terminal, which binary data would only garble.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "atomic_file.h"
#include "inflate.h"
#include "log.h"
#include "macro.h"
#include "verb_options.h"

struct extract_args {
	const char *what;
	const char *output;
	bool force;
};

static int parse_extract_options(int argc, char **argv, struct extract_args *a)
{
	enum { OPT_FORCE = 256 };
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{}
	};
	int c;

	optind = 0;
	while ((c = verb_getopt(argc, argv, "o:", options)) != -1) {
		switch (c) {
		case 'o':
			a->output = optarg;
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		log_error("extract: one CORE or MATCH at most");
		return -EINVAL;
	}
	if (!a->output) {
		log_error(
			"extract: no output file (-o FILE, or -o - for standard output)");
		return -EINVAL;
	}
	a->what = optind < argc ? argv[optind] : NULL;
	return 0;
}

static int extract_to_stdout(const char *core_path)
{
	if (isatty(STDOUT_FILENO))
		return log_error_errno(
			-EINVAL,
			"refusing to write a core to a terminal (redirect standard output or use -o FILE)");
	return core_inflate_to_fd(core_path, STDOUT_FILENO);
}

static int extract_to_file(const char *core_path, const char *output,
			   bool force)
{
	_cleanup_(atomic_file_release) struct atomic_file f = { .dir_fd = -1,
								.fd = -1 };
	struct stat st;
	int r;

	if (!force && lstat(output, &st) == 0)
		return log_error_errno(
			-EEXIST, "%s: already exists (--force replaces it)",
			output);
	/* A core holds the remote's memory: private like the store's. */
	r = atomic_file_open(output, 0600, &f);
	if (r < 0)
		return r;
	r = core_inflate_to_fd(core_path, f.fd);
	if (r < 0)
		return r;
	r = atomic_file_commit(&f, force);
	if (r == -EEXIST)
		return log_error_errno(
			r, "%s: already exists (--force replaces it)", output);
	return r;
}

int verb_extract(const struct analyze_options *o, struct output *out, int argc,
		 char **argv)
{
	struct extract_args a = { 0 };
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	int r;

	if (parse_extract_options(argc, argv, &a) < 0)
		return EXIT_ANALYZE_USAGE;
	/* Opening validates the core: a damaged one is not passed on. */
	r = analyzed_core_open_verb(o, a.what, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	if (!strcmp(a.output, "-"))
		r = extract_to_stdout(ac.path);
	else
		r = extract_to_file(ac.path, a.output, a.force);
	if (r >= 0 && strcmp(a.output, "-") && !out->is_json)
		log_info("%s written from %s", a.output, ac.path);
	return r < 0 ? EXIT_ANALYZE_ERROR : EXIT_ANALYZE_OK;
}
