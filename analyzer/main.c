// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rproc-analyze - explain a remote processor crash from its stored core.
 *
 * This file parses the options every verb shares, wherever they appear on
 * the command line (before or after the verb, as with coredumpctl), and
 * hands the rest to the verb, which parses its own options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "log.h"

typedef int verb_fn(const struct analyze_options *o, struct output *out,
		    int argc, char **argv);

struct verb {
	const char *name;
	verb_fn *run;
	const char *usage; /* synopsis, summary and the verb's own options */
};

static const struct verb verbs[] = {
	{ "list", verb_list,
	  "list [OPTIONS] [MATCH]\n"
	  "\n"
	  "List the stored dumps, newest first: time (UTC), remote, firmware,\n"
	  "reason, size on disk, complete or truncated, file. Only the headers\n"
	  "and notes of each core are read. MATCH is a remote name, a firmware\n"
	  "name or part of a file name.\n"
	  "\n"
	  "  -S, --since=TIME    dumps at or after TIME (YYYY-MM-DD[ HH:MM[:SS]]\n"
	  "                      UTC, or @SECONDS since the epoch)\n"
	  "  -U, --until=TIME    dumps at or before TIME\n"
	  "  -r, --remote=NAME   dumps of this remote processor\n"
	  "      --firmware=NAME dumps of this firmware (name or file)\n" },
	{ "info", verb_info,
	  "info [CORE|MATCH]\n"
	  "\n"
	  "Show the notes of a dump (remote, firmware and build-id, kernel,\n"
	  "crash type, time and reason), its segments with the firmware segment\n"
	  "each one mirrors, its trace buffers and the firmware found for it.\n" },
	{ "crash", verb_crash,
	  "crash [OPTIONS] [CORE|MATCH]\n"
	  "\n"
	  "Explain the crash: crash type, where the registers came from (crash\n"
	  "record, Zephyr coredump, or the exception frame recovered from\n"
	  "memory), the crashed task, fault status decoded, a symbolized\n"
	  "backtrace and a signature grouping identical crashes.\n"
	  "\n"
	  "  -a, --all           every thread too, as the threads verb shows it\n" },
	{ "threads", verb_threads,
	  "threads [CORE|MATCH]\n"
	  "\n"
	  "Every thread (RTOS task) of the remote: state, what it is blocked\n"
	  "on, priority, stack use, overflow, and its backtrace from the\n"
	  "context it saved.\n" },
	{ "trace", verb_trace,
	  "trace [OPTIONS] [CORE|MATCH]\n"
	  "\n"
	  "Print the remote's trace buffers, oldest to newest.\n"
	  "\n"
	  "      --format=FORMAT  decode as FORMAT instead of detecting it: rtrc,\n"
	  "                       text, st, ti-sysmin, zephyr, zephyr-header\n"
	  "      --index=N        only the Nth trace buffer (from 0)\n"
	  "      --zephyr-pos-symbol=NAME\n"
	  "                       symbol of ram_console's write position (pos)\n" },
	{ "verify", verb_verify,
	  "verify [CORE|MATCH]\n"
	  "\n"
	  "Compare every dumped read-only range of the firmware (code, rodata,\n"
	  "vector table) with the firmware image and list what differs.\n"
	  "Exit status 4 when something differs, 1 when nothing could be\n"
	  "checked (no read-only byte was dumped).\n" },
	{ "extract", verb_extract,
	  "extract [OPTIONS] [CORE|MATCH] -o FILE\n"
	  "\n"
	  "Write the dump as a plain (inflated) ELF core for other tools.\n"
	  "\n"
	  "  -o, --output=FILE   file to write, - for standard output (not a\n"
	  "                      terminal)\n"
	  "      --force         replace an existing FILE\n" },
	{ "gdb", verb_gdb,
	  "gdb [OPTIONS] [CORE|MATCH] [-- GDB-ARGS...]\n"
	  "\n"
	  "Run gdb-multiarch on the firmware and the inflated core, in a\n"
	  "temporary file removed afterwards. GDB-ARGS are passed to GDB.\n"
	  "\n"
	  "      --debugger=CMD  debugger to run (default $RPROC_ANALYZE_DEBUGGER,\n"
	  "                      else gdb-multiarch)\n"
	  "      --no-firmware   run without firmware (no symbols) when none is\n"
	  "                      found\n" },
};

static void help(void)
{
	printf("Usage: rproc-analyze [OPTIONS] VERB [ARGS]\n"
	       "\n"
	       "Explain a remote processor crash from the core rproc-collect\n"
	       "stored. CORE is a .core or .core.gz file; MATCH selects the\n"
	       "newest stored dump of a remote or firmware name, or whose file\n"
	       "name contains it (default: the newest dump).\n"
	       "\n"
	       "Verbs:\n"
	       "  list [MATCH]          stored dumps, newest first (default)\n"
	       "  info [CORE|MATCH]     notes, segments and firmware of a dump\n"
	       "  crash [CORE|MATCH]    what crashed, where and why\n"
	       "  threads [CORE|MATCH]  every task: state, stack use, backtrace\n"
	       "  trace [CORE|MATCH]    the firmware's trace buffers\n"
	       "  verify [CORE|MATCH]   read-only memory compared with the firmware\n"
	       "  extract [CORE|MATCH]  a plain ELF core for other tools\n"
	       "  gdb [CORE|MATCH]      GDB on the firmware and the core\n"
	       "\n"
	       "Options:\n"
	       "      --json[=pretty|short|off]  output JSON (pretty on a terminal)\n"
	       "  -D, --directory=DIR     store of dumps (default %s)\n"
	       "      --firmware=FILE     firmware ELF the remote was running\n"
	       "      --firmware-dir=DIR  look for firmware in DIR first (repeatable)\n"
	       "      --debug             log every decision (also RPROC_LOG_LEVEL=debug)\n"
	       "  -h, --help              show this help; VERB --help for a verb\n"
	       "      --version           show the version\n"
	       "\n"
	       "Exit status: 0 success, 1 unreadable or malformed input, 2 bad\n"
	       "command line, 3 no stored dump matches, 4 verify found\n"
	       "differences. See rproc-analyze(1).\n",
	       ANALYZE_DEFAULT_STORE);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

enum global_option {
	OPT_JSON,
	OPT_DIRECTORY,
	OPT_FIRMWARE,
	OPT_FIRMWARE_DIR,
	OPT_FORMAT,
	OPT_DEBUG,
	OPT_HELP,
	OPT_VERSION,
};

struct global_option_desc {
	const char *name;
	char short_name; /* 0: none */
	enum { NO_ARG, REQUIRED_ARG, OPTIONAL_ARG } arg;
	enum global_option id;
};

static const struct global_option_desc global_options[] = {
	{ "json", 0, OPTIONAL_ARG, OPT_JSON },
	{ "directory", 'D', REQUIRED_ARG, OPT_DIRECTORY },
	{ "firmware", 0, REQUIRED_ARG, OPT_FIRMWARE },
	{ "firmware-dir", 0, REQUIRED_ARG, OPT_FIRMWARE_DIR },
	{ "format", 0, REQUIRED_ARG, OPT_FORMAT },
	{ "debug", 0, NO_ARG, OPT_DEBUG },
	{ "help", 'h', NO_ARG, OPT_HELP },
	{ "version", 0, NO_ARG, OPT_VERSION },
};

/*
 * Recognizes argv[*i] as a global option: "--name", "--name=value",
 * "--name value", "-X", "-Xvalue" or "-X value". Returns the option (and its
 * value, advancing *i past a separate one), -ENOENT if it is not a global
 * option (the verb's), or -EINVAL after reporting a usage error.
 */
static int match_global_option(int argc, char **argv, int *i,
			       const char **value)
{
	const char *arg = argv[*i];
	const struct global_option_desc *d;
	const char *inline_value = NULL;
	size_t len;

	*value = NULL;
	for (size_t k = 0;
	     k < sizeof(global_options) / sizeof(global_options[0]); k++) {
		d = &global_options[k];
		if (arg[0] == '-' && arg[1] == '-') {
			len = strlen(d->name);
			if (strncmp(arg + 2, d->name, len))
				continue;
			if (arg[2 + len] == '=')
				inline_value = arg + 3 + len;
			else if (arg[2 + len])
				continue;
		} else if (arg[0] == '-' && d->short_name &&
			   arg[1] == d->short_name) {
			if (arg[2])
				inline_value = arg + 2;
		} else {
			continue;
		}

		if (d->arg == NO_ARG && inline_value) {
			log_error("option '--%s' takes no value", d->name);
			return -EINVAL;
		}
		if (d->arg == REQUIRED_ARG && !inline_value) {
			if (*i + 1 >= argc) {
				log_error("option '%s' needs a value", arg);
				return -EINVAL;
			}
			inline_value = argv[++*i];
		}
		*value = inline_value;
		return d->id;
	}
	return -ENOENT;
}

static int parse_json_mode(const char *mode, struct analyze_options *o)
{
	if (!mode) {
		/* Like systemd's "auto": readable on a terminal, compact in a
		 * pipe. */
		o->json = true;
		o->pretty = isatty(STDOUT_FILENO);
	} else if (!strcmp(mode, "pretty") || !strcmp(mode, "short")) {
		o->json = true;
		o->pretty = !strcmp(mode, "pretty");
	} else if (!strcmp(mode, "off")) {
		o->json = false;
	} else {
		log_error("invalid --json mode '%s' (pretty, short or off)",
			  mode);
		return -EINVAL;
	}
	return 0;
}

struct command_line {
	struct analyze_options o;
	bool help;
	bool version;
	int argc; /* the verb and its arguments */
	char **argv;
};

/*
 * Takes the global options out of argv, wherever they are before a "--";
 * what remains, in order, is the verb and its own arguments. argv[0] is the
 * program. Returns 0 or -EINVAL (reported).
 */
static int parse_command_line(int argc, char **argv, struct command_line *cl)
{
	size_t ndirs = 0;
	bool after_dashdash = false;
	const char *value;

	cl->o.store_dir = ANALYZE_DEFAULT_STORE;
	cl->o.firmware_dirs = calloc(argc + 1, sizeof(*cl->o.firmware_dirs));
	cl->argv = calloc(argc + 1, sizeof(*cl->argv));
	if (!cl->o.firmware_dirs || !cl->argv)
		return log_oom();

	for (int i = 1; i < argc; i++) {
		int opt = -ENOENT;

		if (!after_dashdash && !strcmp(argv[i], "--"))
			after_dashdash = true;
		else if (!after_dashdash && argv[i][0] == '-' && argv[i][1])
			opt = match_global_option(argc, argv, &i, &value);

		switch (opt) {
		case -ENOENT:
			cl->argv[cl->argc++] = argv[i];
			break;
		case OPT_JSON:
			if (parse_json_mode(value, &cl->o))
				return -EINVAL;
			break;
		case OPT_DIRECTORY:
			cl->o.store_dir = value;
			break;
		case OPT_FIRMWARE:
			cl->o.firmware = value;
			break;
		case OPT_FIRMWARE_DIR:
			cl->o.firmware_dirs[ndirs++] = value;
			break;
		case OPT_FORMAT:
			cl->o.trace_format = value;
			break;
		case OPT_DEBUG:
			log_set_max_level(LOG_DEBUG);
			break;
		case OPT_HELP:
			cl->help = true;
			break;
		case OPT_VERSION:
			cl->version = true;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int run_verb(const struct verb *verb, struct command_line *cl)
{
	struct output out = { .f = stdout, .is_json = cl->o.json };
	int status;

	json_init(&out.json, stdout, cl->o.pretty);
	status = verb->run(&cl->o, &out, cl->argc, cl->argv);
	if (fflush(stdout) || ferror(stdout)) {
		log_error_errno(-errno, "writing the output: %m");
		return EXIT_ANALYZE_ERROR;
	}
	return status;
}

/* What the command line asks for, as an exit status. */
static int run(struct command_line *cl)
{
	static char list_verb[] = "list";
	const struct verb *verb;

	if (cl->version) {
		printf("rproc-analyze %s\n", RPD_VERSION);
		return EXIT_ANALYZE_OK;
	}
	if (cl->argc == 0 && cl->help) {
		help();
		return EXIT_ANALYZE_OK;
	}
	/* No verb: list the store, as coredumpctl does. */
	if (cl->argc == 0)
		cl->argv[cl->argc++] = list_verb;

	verb = find_verb(cl->argv[0]);
	if (!verb) {
		if (cl->argv[0][0] == '-')
			log_error("unknown option '%s' (see --help)",
				  cl->argv[0]);
		else
			log_error("unknown verb '%s' (see --help)",
				  cl->argv[0]);
		return EXIT_ANALYZE_USAGE;
	}
	if (cl->help) {
		printf("Usage: rproc-analyze [OPTIONS] %s", verb->usage);
		printf("\nSee rproc-analyze --help for the common options.\n");
		return EXIT_ANALYZE_OK;
	}
	return run_verb(verb, cl);
}

int main(int argc, char **argv)
{
	struct command_line cl = { 0 };
	int status;

	log_parse_environment();
	status = parse_command_line(argc, argv, &cl) < 0 ? EXIT_ANALYZE_USAGE :
							   run(&cl);
	free(cl.o.firmware_dirs);
	free(cl.argv);
	return status;
}
