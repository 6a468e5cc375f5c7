// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gdb.c - the "gdb" verb: GDB on the firmware and the stored core, as
 * coredumpctl debug does for host processes. GDB cannot read the .core.gz
 * container, so the core is inflated to a private temporary file that is
 * removed when GDB exits, even when the user interrupts it.
 *
 * Without the firmware GDB has no symbols and shows bare addresses, which
 * looks like an answer but is none; so the verb refuses unless the user asks
 * for it with --no-firmware.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze.h"
#include "inflate.h"
#include "io_util.h"
#include "log.h"
#include "macro.h"
#include "verb_options.h"

#define DEFAULT_DEBUGGER "gdb-multiarch"

struct gdb_args {
	const char *what;
	const char *debugger;
	bool no_firmware;
	char **extra; /* after "--", for GDB */
	int nextra;
};

static int parse_gdb_options(int argc, char **argv, struct gdb_args *a)
{
	enum { OPT_DEBUGGER = 256, OPT_NO_FIRMWARE };
	static const struct option options[] = {
		{ "debugger", required_argument, NULL, OPT_DEBUGGER },
		{ "no-firmware", no_argument, NULL, OPT_NO_FIRMWARE },
		{}
	};
	int c, npositional;

	/* "+": stop at the first non-option, so that GDB's own options after
	 * "--" are never taken for ours. */
	optind = 0;
	while ((c = verb_getopt(argc, argv, "+", options)) != -1) {
		switch (c) {
		case OPT_DEBUGGER:
			a->debugger = optarg;
			break;
		case OPT_NO_FIRMWARE:
			a->no_firmware = true;
			break;
		default:
			return -EINVAL;
		}
	}
	for (npositional = 0; optind + npositional < argc; npositional++)
		if (!strcmp(argv[optind + npositional], "--"))
			break;
	if (npositional > 1) {
		log_error(
			"gdb: one CORE or MATCH at most (GDB's arguments go after \"--\")");
		return -EINVAL;
	}
	a->what = npositional ? argv[optind] : NULL;
	if (optind + npositional < argc) {
		a->extra = argv + optind + npositional + 1;
		a->nextra = argc - optind - npositional - 1;
	}
	if (!a->debugger)
		a->debugger = getenv("RPROC_ANALYZE_DEBUGGER");
	if (!a->debugger || !*a->debugger)
		a->debugger = DEFAULT_DEBUGGER;
	return 0;
}

/* Inflates the core to a new 0600 file in $TMPDIR, else /var/tmp (which
 * outlives a reboot's tmpfs and holds large files). */
static int inflate_to_temp(const char *core_path, char **tmp_path)
{
	const char *dir = getenv("TMPDIR");
	_cleanup_free_ char *path = NULL;
	int fd, r;

	if (!dir || !*dir)
		dir = "/var/tmp";
	if (asprintf(&path, "%s/rproc-analyze-XXXXXX.core", dir) < 0)
		return log_oom();
	fd = mkostemps(path, strlen(".core"), O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "%s: %m", path);
	r = core_inflate_to_fd(core_path, fd);
	close(fd);
	if (r < 0) {
		unlink(path);
		return r;
	}
	*tmp_path = TAKE_PTR(path);
	return 0;
}

/* debugger [GDB-ARGS...] [FIRMWARE] -c CORE */
static char **debugger_argv(const struct gdb_args *a, const char *fw_path,
			    char *core_path)
{
	char **argv = calloc(a->nextra + 5, sizeof(*argv));
	int n = 0;

	if (!argv)
		return NULL;
	argv[n++] = (char *)a->debugger;
	for (int i = 0; i < a->nextra; i++)
		argv[n++] = a->extra[i];
	if (fw_path)
		argv[n++] = (char *)fw_path;
	argv[n++] = (char *)"-c";
	argv[n++] = core_path;
	return argv;
}

/*
 * Runs argv and waits for it. A close-on-exec pipe carries the child's
 * errno when exec fails, so that "not installed" is reported as ours, not
 * passed off as the debugger's exit status. SIGINT and SIGQUIT go to the
 * debugger (it uses Ctrl-C to stop the inferior); we ignore them meanwhile,
 * as system() does, to remove the temporary file afterwards.
 */
static int run_debugger(char **argv)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int, old_quit;
	int pipefd[2], child_errno = 0, status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error_errno(-errno, "pipe: %m");
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		execvp(argv[0], argv);
		child_errno = errno;
		write_full(pipefd[1], &child_errno, sizeof(child_errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], &child_errno, sizeof(child_errno)) <= 0)
		child_errno = 0;
	close(pipefd[0]);
	if (pid < 0) {
		status = log_error_errno(-errno, "fork: %m");
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (pid < 0)
		return status;
	if (child_errno)
		return log_error_errno(-child_errno, "cannot run %s: %m",
				       argv[0]);
	if (WIFSIGNALED(status))
		return log_error_errno(-EINTR, "%s killed by signal %d (%s)",
				       argv[0], WTERMSIG(status),
				       strsignal(WTERMSIG(status)));
	return WEXITSTATUS(status);
}

static int debug_core(const struct gdb_args *a, const struct analyzed_core *ac)
{
	const char *fw_path = ac->fw ? rpd_firmware_path(ac->fw) : NULL;
	_cleanup_free_ char *tmp_path = NULL;
	_cleanup_free_ char **argv = NULL;
	int r;

	r = inflate_to_temp(ac->path, &tmp_path);
	if (r < 0)
		return r;
	argv = debugger_argv(a, fw_path, tmp_path);
	r = argv ? run_debugger(argv) : log_oom();
	unlink(tmp_path);
	return r;
}

int verb_gdb(const struct analyze_options *o, struct output *out, int argc,
	     char **argv)
{
	struct gdb_args a = { 0 };
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	int r;

	if (parse_gdb_options(argc, argv, &a) < 0)
		return EXIT_ANALYZE_USAGE;
	r = analyzed_core_open_verb(o, a.what, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;
	if (!ac.fw && !a.no_firmware) {
		log_error(
			"no firmware for %s: %s (--no-firmware runs %s without symbols)",
			ac.path, ac.fw_problem, a.debugger);
		return EXIT_ANALYZE_ERROR;
	}
	if (ac.fw_problem[0])
		log_warning("%s", ac.fw_problem);

	r = debug_core(&a, &ac);
	return r < 0 ? EXIT_ANALYZE_ERROR : r;
}
