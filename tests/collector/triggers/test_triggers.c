// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_triggers.c - rproc-collect started the three ways a system starts
 * it, against a mocked sysfs and mocked uevents.
 *
 * Runs under umockdev-wrapper: the preloaded libumockdev redirects /sys of
 * this program and of every rproc-collect it starts to a testbed, and the
 * testbed's uevents reach their libudev monitors. The testbed holds what
 * the kernel would show after a crash: a remoteproc device with its
 * attributes and /sys/class/devcoredump/devcdN with failing_device and
 * data, the data being a dump recorded from the test firmware crashing in
 * QEMU. This file also plays the kernel's part on release: once a
 * collector has written to a dump's data, the dump disappears with a
 * "remove" uevent.
 *
 *   --devcd devcdN   what the udev RUN rule and rproc-collect@.service run
 *   --monitor        the daemon: dumps present at its start, dumps added
 *                    while it runs, several at once
 *
 * Every stored core must have the documented name and mode, pass gunzip -t
 * and the GDB/libdwfl checks of tests/e2e (check_stored.py), and
 * its dump must have been released; a dump of another device must be left
 * untouched and nothing stored for it.
 *
 * Usage: test_triggers --collect BIN --checker "PYTHON SCRIPT --dwfl BIN"
 *                      --recorded DIR [--recorded DIR] [--filter GLOB]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include "testutil.h"

#define MAX_DUMPS 8
/* A collection of the recorded dumps takes well under a second. */
#define WAIT_SECONDS 60

static struct {
	const char *collect;	 /* rproc-collect */
	const char *checker;	 /* command checking a stored core */
	const char *recorded[2]; /* recording directories */
} opt;

/* One devcoredump in the testbed. */
struct fake_dump {
	char devcd[16];
	char *syspath;	 /* /sys/devices/virtual/devcoredump/devcdN */
	char *data_file; /* its data attribute, in the testbed */
	void *bytes;	 /* what the kernel would export */
	size_t len;
	bool released; /* a collector wrote to data */
};

struct world {
	UMockdevTestbed *tb;
	char *dir;	/* the test's scratch directory */
	char *store;	/* StorageDir= */
	char *firmware; /* FirmwarePath= */
	char *config;
	char *log; /* rproc-collect's stderr */
	struct fake_dump dumps[MAX_DUMPS];
	unsigned n_dumps;
	pid_t monitor;
};

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static const char *scenario_name(const char *recorded)
{
	const char *slash = strrchr(recorded, '/');

	return slash ? slash + 1 : recorded;
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	void *buf = test_read_file(from, &len);
	char *dir = strdup(to), *slash = strrchr(dir, '/');

	*slash = '\0';
	free(test_write_file(dir, slash + 1, buf, len));
	free(dir);
	free(buf);
}

/* ---- the mocked kernel ------------------------------------------------ */

/**
 * add_remoteproc() - a remote processor whose firmware crashed.
 * @w:        the test
 * @index:    N of remoteprocN
 * @recorded: recording whose fw.elf it runs, installed in FirmwarePath= as
 *            "<scenario>.elf" (the sysfs firmware attribute)
 *
 * Returns the remoteproc's syspath (static storage is not enough: two
 * remotes); the caller frees it.
 */
static char *add_remoteproc(struct world *w, int index, const char *recorded)
{
	const char *scenario = scenario_name(recorded);
	char *fw_src = xasprintf("%s/fw.elf", recorded);
	char *fw_dst = xasprintf("%s/%s.elf", w->firmware, scenario);
	char *parent =
		xasprintf("/devices/platform/soc/%x.m4", 0x30000000 + index);
	char *text;
	GError *err = NULL;

	copy_file(fw_src, fw_dst);
	/* umockdev's export format; sysfs text attributes end in a newline. */
	text = xasprintf("P: %s/remoteproc/remoteproc%d\n"
			 "E: SUBSYSTEM=remoteproc\n"
			 "A: name=m4_%d\\n\n"
			 "A: firmware=%s.elf\\n\n"
			 "A: state=crashed\\n\n"
			 "A: recovery=disabled\\n\n"
			 "A: coredump=enabled\\n\n"
			 "\n"
			 "P: %s\n"
			 "E: SUBSYSTEM=platform\n"
			 "E: DRIVER=stm32-rproc\n",
			 parent, index, index, scenario, parent);
	if (!umockdev_testbed_add_from_string(w->tb, text, &err))
		fail_msg("testbed: %s", err->message);
	free(text);
	free(fw_src);
	free(fw_dst);
	text = xasprintf("/sys%s/remoteproc/remoteproc%d", parent, index);
	free(parent);
	return text;
}

/* A device that is not a remote processor, as a Wi-Fi chip would be. */
static char *add_other_device(struct world *w)
{
	GError *err = NULL;

	if (!umockdev_testbed_add_from_string(
		    w->tb,
		    "P: /devices/platform/soc/40000000.wifi\n"
		    "E: SUBSYSTEM=platform\n"
		    "E: DRIVER=wlcore\n",
		    &err))
		fail_msg("testbed: %s", err->message);
	return strdup("/sys/devices/platform/soc/40000000.wifi");
}

/**
 * add_dump() - the devcoredump the kernel creates when a device crashes.
 * @w:       the test
 * @n:       N of devcdN
 * @failing: syspath of the failing device
 * @dump:    file with the dump's bytes
 *
 * umockdev announces a device it adds with an "add" uevent, so the device
 * is added whole, data included, as the kernel fills a dump before adding
 * its device: a monitor must never see a devcd without data.
 */
static struct fake_dump *add_dump(struct world *w, int n, const char *failing,
				  const char *dump)
{
	struct fake_dump *d = &w->dumps[w->n_dumps++];
	char *root = umockdev_testbed_get_root_dir(w->tb);
	char *text, *link, *hex;
	GError *err = NULL;

	assert_true(w->n_dumps <= MAX_DUMPS);
	snprintf(d->devcd, sizeof(d->devcd), "devcd%d", n);
	d->syspath = xasprintf("/sys/devices/virtual/devcoredump/%s", d->devcd);
	d->data_file = xasprintf("%s%s/data", root, d->syspath);
	d->bytes = test_read_file(dump, &d->len);
	if (!d->bytes)
		fail_msg("cannot read %s", dump);

	/* failing_device is relative, as sysfs makes it. */
	link = xasprintf("../../..%s", failing + strlen("/sys/devices"));
	hex = malloc(2 * d->len + 1);
	for (size_t i = 0; i < d->len; i++)
		sprintf(hex + 2 * i, "%02x", ((unsigned char *)d->bytes)[i]);
	hex[2 * d->len] = '\0';
	text = xasprintf("P: %s\nE: SUBSYSTEM=devcoredump\n"
			 "L: failing_device=%s\nH: data=%s\n",
			 d->syspath + strlen("/sys"), link, hex);
	if (!umockdev_testbed_add_from_string(w->tb, text, &err))
		fail_msg("testbed: %s", err->message);
	free(hex);
	free(text);
	free(link);
	g_free(root);
	return d;
}

/* Streamed, not test_read_file(): a collector may be writing it now. */
static bool data_intact(const struct fake_dump *d)
{
	FILE *f = fopen(d->data_file, "rb");
	char buf[4096];
	size_t off = 0, n;
	bool same = f != NULL;

	while (same && (n = fread(buf, 1, sizeof(buf), f))) {
		same = off + n <= d->len &&
		       !memcmp(buf, (char *)d->bytes + off, n);
		off += n;
	}
	if (f)
		fclose(f);
	return same && off == d->len;
}

/*
 * The kernel's side of a release: any write to data frees the dump, and the
 * device goes away. Called while waiting for collectors.
 */
static void kernel_release_written(struct world *w)
{
	for (unsigned i = 0; i < w->n_dumps; i++) {
		struct fake_dump *d = &w->dumps[i];

		if (d->released || data_intact(d))
			continue;
		d->released = true;
		umockdev_testbed_uevent(w->tb, d->syspath, "remove");
		umockdev_testbed_remove_device(w->tb, d->syspath);
	}
}

/* ---- rproc-collect ---------------------------------------------------- */

static pid_t spawn_collect(struct world *w, const char *mode, const char *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(w->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* No daemon outlives a test that aborted. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
		execl(opt.collect, "rproc-collect", "--config", w->config, mode,
		      arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static char *read_log(struct world *w)
{
	size_t len;
	char *buf = test_read_file(w->log, &len);

	buf = realloc(buf, len + 1);
	buf[len] = '\0';
	return buf;
}

static void print_log(struct world *w)
{
	char *log = read_log(w);

	print_message("rproc-collect's log:\n%s", log);
	free(log);
}

static int run_collect_devcd(struct world *w, const char *devcd)
{
	pid_t pid = spawn_collect(w, "--devcd", devcd);
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	kernel_release_written(w);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static bool log_has(struct world *w, const char *text)
{
	char *log = read_log(w);
	bool has = strstr(log, text) != NULL;

	free(log);
	return has;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void wait_for_log(struct world *w, const char *text)
{
	for (int i = 0; i < WAIT_SECONDS * 20; i++) {
		if (log_has(w, text))
			return;
		sleep_ms(50);
	}
	print_log(w);
	fail_msg("rproc-collect never logged \"%s\"", text);
}

static void monitor_start(struct world *w)
{
	w->monitor = spawn_collect(w, "--monitor", NULL);
	/* Listening, and done with the dumps already there. */
	wait_for_log(w, "present at start");
}

static void monitor_stop(struct world *w)
{
	int status;
	pid_t r = 0;

	assert_int_equal(kill(w->monitor, SIGTERM), 0);
	for (int i = 0; i < WAIT_SECONDS * 20 && !r; i++) {
		r = waitpid(w->monitor, &status, WNOHANG);
		if (!r)
			sleep_ms(50);
	}
	if (!r) {
		kill(w->monitor, SIGKILL);
		waitpid(w->monitor, &status, 0);
		print_log(w);
		fail_msg("rproc-collect --monitor did not stop on SIGTERM");
	}
	w->monitor = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		print_log(w);
		fail_msg("rproc-collect --monitor ended with status 0x%x",
			 status);
	}
}

/* ---- the store -------------------------------------------------------- */

/* Stored cores: names ending in .core.gz, not hidden (temp files are). */
static unsigned list_cores(struct world *w, char **names, unsigned max)
{
	DIR *dir = opendir(w->store);
	struct dirent *de;
	unsigned n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 8 ||
		    strcmp(de->d_name + len - 8, ".core.gz"))
			continue;
		if (n < max)
			names[n] = strdup(de->d_name);
		n++;
	}
	closedir(dir);
	return n;
}

static void free_names(char **names, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
}

/* Waits until n cores are stored and every dump of a remote released. */
static void wait_for_cores(struct world *w, unsigned n, unsigned n_released)
{
	for (int i = 0; i < WAIT_SECONDS * 20; i++) {
		unsigned released = 0;

		kernel_release_written(w);
		for (unsigned j = 0; j < w->n_dumps; j++)
			released += w->dumps[j].released;
		if (list_cores(w, NULL, 0) >= n && released >= n_released)
			return;
		sleep_ms(50);
	}
	print_log(w);
	fail_msg("%u core(s) and %u release(s) not seen in %d s", n, n_released,
		 WAIT_SECONDS);
}

/* Runs a shell command, takes it; fails the test, showing why, unless it
 * succeeds. */
static void run_checks(char *cmd)
{
	FILE *p = popen(cmd, "r");
	char line[1024];
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	int status;

	assert_non_null(p);
	assert_non_null(mem);
	while (fgets(line, sizeof(line), p))
		fputs(line, mem);
	status = pclose(p);
	fclose(mem);
	if (status) {
		print_message("%s", out);
		fail_msg("failed (status 0x%x): %s", status, cmd);
	}
	free(out);
	free(cmd);
}

/*
 * The stored core of remote @index running @recorded's firmware: named
 * <rproc-name>.<firmware>.<UTC time>.<boot-id prefix>.core.gz, 0600, and
 * as good as the --input path's (check_stored.py).
 */
static void assert_core(struct world *w, int index, const char *recorded)
{
	char *names[MAX_DUMPS], *pattern, *path;
	unsigned n = list_cores(w, names, MAX_DUMPS), found = 0;
	regex_t re;
	struct stat st;

	/* The firmware's dots become '_': a dot separates the name's fields. */
	pattern = xasprintf("^m4_%d\\.%s_elf\\.[0-9]{8}T[0-9]{6}Z\\."
			    "[0-9a-f]{4,32}\\.core\\.gz$",
			    index, scenario_name(recorded));
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	for (unsigned i = 0; i < n && i < MAX_DUMPS; i++) {
		if (regexec(&re, names[i], 0, NULL, 0))
			continue;
		found++;
		path = xasprintf("%s/%s", w->store, names[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		run_checks(xasprintf("gunzip -t '%s' && %s --recorded '%s' "
				     "--workdir '%s/check-%d' '%s' 2>&1",
				     path, opt.checker, recorded, w->dir, index,
				     path));
		free(path);
	}
	regfree(&re);
	if (found != 1) {
		for (unsigned i = 0; i < n && i < MAX_DUMPS; i++)
			print_message("stored: %s\n", names[i]);
		fail_msg("%u stored cores match %s", found, pattern);
	}
	free(pattern);
	free_names(names, n < MAX_DUMPS ? n : MAX_DUMPS);
}

static void assert_released(const struct fake_dump *d)
{
	if (!d->released)
		fail_msg("%s was not released (data never written)", d->devcd);
}

static void assert_untouched(struct world *w, const struct fake_dump *d)
{
	if (d->released || !data_intact(d)) {
		print_log(w);
		fail_msg("%s of another device was written to", d->devcd);
	}
}

/* ---- fixtures --------------------------------------------------------- */

static int world_setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char *text;

	w->tb = umockdev_testbed_new();
	w->dir = test_tmpdir("triggers");
	w->store = xasprintf("%s/store", w->dir);
	w->firmware = xasprintf("%s/firmware", w->dir);
	w->log = test_write_file(w->dir, "collect.log", "", 0);
	assert_int_equal(mkdir(w->firmware, 0755), 0);
	text = xasprintf("[Collect]\nStorageDir=%s\nFirmwarePath=%s\n",
			 w->store, w->firmware);
	w->config = test_write_file(w->dir, "rproc-collect.conf", text,
				    strlen(text));
	free(text);
	*state = w;
	return 0;
}

static int world_teardown(void **state)
{
	struct world *w = *state;

	if (w->monitor) {
		kill(w->monitor, SIGKILL);
		waitpid(w->monitor, NULL, 0);
	}
	/* For ctest --output-on-failure and -V: what the collector said. */
	print_log(w);
	for (unsigned i = 0; i < w->n_dumps; i++) {
		free(w->dumps[i].syspath);
		free(w->dumps[i].data_file);
		free(w->dumps[i].bytes);
	}
	g_object_unref(w->tb);
	test_rmtree(w->dir);
	free(w->dir);
	free(w->store);
	free(w->firmware);
	free(w->config);
	free(w->log);
	free(w);
	return 0;
}

static char *dump_of(const char *recorded)
{
	return xasprintf("%s/dump.elf", recorded);
}

/* ---- --devcd: the udev RUN rule and rproc-collect@devcdN.service ------- */

static void devcd_collects_remoteproc_dump(void **state)
{
	struct world *w = *state;
	char *rproc = add_remoteproc(w, 0, opt.recorded[0]);
	char *dump = dump_of(opt.recorded[0]);
	struct fake_dump *d = add_dump(w, 1, rproc, dump);
	int status = run_collect_devcd(w, d->devcd);

	if (status)
		print_log(w);
	assert_int_equal(status, 0);
	assert_released(d);
	assert_core(w, 0, opt.recorded[0]);
	free(rproc);
	free(dump);
}

static void devcd_leaves_other_device_alone(void **state)
{
	struct world *w = *state;
	char *other = add_other_device(w);
	char *dump = dump_of(opt.recorded[0]);
	struct fake_dump *d = add_dump(w, 4, other, dump);

	assert_int_equal(run_collect_devcd(w, d->devcd), 0);
	assert_untouched(w, d);
	assert_int_equal(list_cores(w, NULL, 0), 0);
	free(other);
	free(dump);
}

/* ---- --monitor -------------------------------------------------------- */

static void monitor_collects_dump_present_at_start(void **state)
{
	struct world *w = *state;
	char *rproc = add_remoteproc(w, 0, opt.recorded[0]);
	char *dump = dump_of(opt.recorded[0]);
	struct fake_dump *d = add_dump(w, 1, rproc, dump);

	monitor_start(w);
	wait_for_cores(w, 1, 1);
	monitor_stop(w);
	assert_released(d);
	assert_core(w, 0, opt.recorded[0]);
	free(rproc);
	free(dump);
}

static void monitor_collects_added_dump(void **state)
{
	struct world *w = *state;
	char *rproc = add_remoteproc(w, 0, opt.recorded[0]);
	char *dump = dump_of(opt.recorded[0]);
	struct fake_dump *d;

	monitor_start(w);
	d = add_dump(w, 1, rproc, dump);
	wait_for_cores(w, 1, 1);
	monitor_stop(w);
	assert_true(log_has(w, "devcd1: added"));
	assert_released(d);
	assert_core(w, 0, opt.recorded[0]);
	free(rproc);
	free(dump);
}

/*
 * Two remotes crash at once, and a third device's dump arrives with them:
 * two complete cores, the third dump untouched.
 */
static void monitor_collects_simultaneous_dumps(void **state)
{
	struct world *w = *state;
	const char *rec1 = opt.recorded[1] ? opt.recorded[1] : opt.recorded[0];
	char *rproc0 = add_remoteproc(w, 0, opt.recorded[0]);
	char *rproc1 = add_remoteproc(w, 1, rec1);
	char *other = add_other_device(w);
	char *dump0 = dump_of(opt.recorded[0]), *dump1 = dump_of(rec1);
	struct fake_dump *d0, *d1, *d2;

	monitor_start(w);
	d0 = add_dump(w, 1, rproc0, dump0);
	d1 = add_dump(w, 2, rproc1, dump1);
	d2 = add_dump(w, 3, other, dump0);
	wait_for_cores(w, 2, 2);
	/* The third dump's collector has had time to do anything it would. */
	wait_for_log(w, "devcd3: added");
	monitor_stop(w);

	assert_released(d0);
	assert_released(d1);
	assert_untouched(w, d2);
	assert_int_equal(list_cores(w, NULL, 0), 2);
	assert_core(w, 0, opt.recorded[0]);
	assert_core(w, 1, rec1);
	free(rproc0);
	free(rproc1);
	free(other);
	free(dump0);
	free(dump1);
}

/*
 * Six remotes crashed before the monitor started: three collections run
 * beside the one finishing leftover spools, three wait for one to end. A SIGTERM right away stops the listening but
 * not the collecting: the monitor exits (status 0) only once all six are
 * stored and released.
 */
static void monitor_queues_and_finishes_on_sigterm(void **state)
{
	struct world *w = *state;
	char *dump = dump_of(opt.recorded[0]);
	unsigned queued = 0;
	char *log, *p;

	for (int i = 0; i < 6; i++) {
		char *rproc = add_remoteproc(w, i, opt.recorded[0]);

		add_dump(w, i + 1, rproc, dump);
		free(rproc);
	}
	monitor_start(w);
	monitor_stop(w);
	assert_true(log_has(w, "SIGTERM: stopping"));

	log = read_log(w);
	for (p = log; (p = strstr(p, "collecting when a collection ends")); p++)
		queued++;
	assert_int_equal(queued, 3);
	free(log);
	kernel_release_written(w);
	for (unsigned i = 0; i < w->n_dumps; i++)
		assert_released(&w->dumps[i]);
	assert_int_equal(list_cores(w, NULL, 0), 6);
	for (int i = 0; i < 6; i++)
		assert_core(w, i, opt.recorded[0]);
	free(dump);
}

static void usage(void)
{
	fprintf(stderr, "usage: test_triggers --collect BIN --checker CMD "
			"--recorded DIR [--recorded DIR] [--filter GLOB]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "collect", required_argument, NULL, 'c' },
		{ "checker", required_argument, NULL, 'k' },
		{ "recorded", required_argument, NULL, 'r' },
		{ "filter", required_argument, NULL, 'f' },
		{ 0 }
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(devcd_collects_remoteproc_dump,
						world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(devcd_leaves_other_device_alone,
						world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(
			monitor_collects_dump_present_at_start, world_setup,
			world_teardown),
		cmocka_unit_test_setup_teardown(monitor_collects_added_dump,
						world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(
			monitor_collects_simultaneous_dumps, world_setup,
			world_teardown),
		cmocka_unit_test_setup_teardown(
			monitor_queues_and_finishes_on_sigterm, world_setup,
			world_teardown),
	};
	unsigned n_recorded = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.collect = optarg;
			break;
		case 'k':
			opt.checker = optarg;
			break;
		case 'r':
			if (n_recorded == 2)
				usage();
			opt.recorded[n_recorded++] = optarg;
			break;
		case 'f':
			cmocka_set_test_filter(optarg);
			break;
		default:
			usage();
		}
	}
	if (!opt.collect || !opt.checker || !n_recorded || optind != argc)
		usage();
	/* umockdev_in_mock_environment() is false before a testbed exists. */
	if (!strstr(getenv("LD_PRELOAD") ?: "", "libumockdev-preload")) {
		fprintf(stderr,
			"test_triggers: run me under umockdev-wrapper\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
