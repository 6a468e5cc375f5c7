// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * monitor.c - rproc-collect --monitor: collect devcoredumps as libudev
 * announces them.
 *
 * For systems where neither systemd nor a udev RUN rule starts the
 * collector. Two orderings matter. The monitor listens before it enumerates
 * the dumps already present, so a dump created in between is seen at least
 * once; a short history of the names seen makes "at least once" exactly
 * once. And each dump is collected in a child process: a large dump takes
 * seconds to read and compress, and the kernel deletes a dump five minutes
 * after creating it, so another remote crashing meanwhile must not wait
 * behind it. At most MONITOR_MAX_JOBS children run at once; further dumps
 * wait in a queue.
 *
 * All collection goes through collect_devcd(), like the udev rule's and the
 * systemd unit's; this file only decides when and in which process.
 */
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect_devcd.h"
#include "log.h"
#include "monitor.h"

/*
 * Each collection already compresses on all CPUs; parallelism here is for
 * reading several dumps before the kernel's timeout, not for CPU.
 */
#define MONITOR_MAX_JOBS 4
/*
 * The kernel keeps one dump per failing device, so more waiting dumps than
 * this means something else is very wrong; they are logged and skipped.
 */
#define MONITOR_QUEUE_MAX 64
/*
 * devcd numbers are never reused within a boot, so remembering the last
 * names is enough to drop the duplicates the start-up overlap produces.
 * Larger than everything that can be running or queued at once.
 */
#define MONITOR_HISTORY 128
/* "devcd" and a decimal int */
#define DEVCD_NAME_MAX 16

/* A child process collecting one dump, or the store's leftovers (devcd ""). */
struct monitor_job {
	pid_t pid;
	char devcd[DEVCD_NAME_MAX];
};

struct monitor {
	const struct collect_config *cfg;
	struct udev *udev;
	struct udev_monitor *events;
	int signal_fd;
	sigset_t old_mask; /* restored in the children */
	bool stopping;

	struct monitor_job jobs[MONITOR_MAX_JOBS];
	unsigned n_jobs;

	char queue[MONITOR_QUEUE_MAX][DEVCD_NAME_MAX];
	unsigned queue_head, queue_len;

	char history[MONITOR_HISTORY][DEVCD_NAME_MAX];
	unsigned history_next;
};

/* Only "devcd<digits>" reaches collect_devcd(): it becomes a sysfs path. */
static bool is_devcd_name(const char *name)
{
	size_t len = strlen(name);

	if (len <= 5 || len >= DEVCD_NAME_MAX || strncmp(name, "devcd", 5))
		return false;
	return strspn(name + 5, "0123456789") == len - 5;
}

static bool seen_recently(const struct monitor *m, const char *devcd)
{
	for (unsigned i = 0; i < MONITOR_HISTORY; i++)
		if (!strcmp(m->history[i], devcd))
			return true;
	return false;
}

static void remember(struct monitor *m, const char *devcd)
{
	strcpy(m->history[m->history_next], devcd);
	m->history_next = (m->history_next + 1) % MONITOR_HISTORY;
}

/* Runs in the child: nothing of the parent's event loop is touched. */
static void __attribute__((noreturn))
run_job(struct monitor *m, const char *devcd)
{
	int r;

	sigprocmask(SIG_SETMASK, &m->old_mask, NULL);
	r = *devcd ? collect_devcd(m->cfg, devcd) : collect_leftovers(m->cfg);
	_exit(r < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

static int start_job(struct monitor *m, const char *devcd)
{
	struct monitor_job *job = &m->jobs[m->n_jobs];
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return log_error_errno(-errno,
				       "%s: cannot fork a collector: %m",
				       *devcd ? devcd : "leftovers");
	if (pid == 0)
		run_job(m, devcd);

	job->pid = pid;
	strcpy(job->devcd, devcd);
	m->n_jobs++;
	return 0;
}

/* Starts queued dumps while there is room; a failed fork keeps the queue. */
static void start_queued(struct monitor *m)
{
	while (m->queue_len && m->n_jobs < MONITOR_MAX_JOBS) {
		if (start_job(m, m->queue[m->queue_head]) < 0)
			return;
		m->queue_head = (m->queue_head + 1) % MONITOR_QUEUE_MAX;
		m->queue_len--;
	}
}

/**
 * schedule() - collect a dump once, now or when a job slot frees up.
 * @m:      the monitor
 * @devcd:  sysfs name of the dump, "devcdN"
 * @origin: how it was found ("present at start", "added"), for the log
 */
static void schedule(struct monitor *m, const char *devcd, const char *origin)
{
	unsigned tail;

	if (!is_devcd_name(devcd)) {
		log_warning("%s: not a devcoredump name, ignored", devcd);
		return;
	}
	if (seen_recently(m, devcd))
		return;
	if (m->queue_len == MONITOR_QUEUE_MAX) {
		log_error("%s: %s, but %u dumps already wait: not collected",
			  devcd, origin, m->queue_len);
		return;
	}
	remember(m, devcd);
	tail = (m->queue_head + m->queue_len) % MONITOR_QUEUE_MAX;
	strcpy(m->queue[tail], devcd);
	m->queue_len++;
	log_info("%s: %s, collecting%s", devcd, origin,
		 m->n_jobs < MONITOR_MAX_JOBS ? "" : " when a collection ends");
	start_queued(m);
}

static void job_ended(struct monitor *m, pid_t pid, int status)
{
	unsigned i;

	for (i = 0; i < m->n_jobs && m->jobs[i].pid != pid; i++)
		;
	if (i == m->n_jobs)
		return;

	/* collect_devcd() has logged what happened; only a crash is news. */
	if (WIFSIGNALED(status))
		log_error("%s: collector (pid %d) killed by signal %d",
			  *m->jobs[i].devcd ? m->jobs[i].devcd : "leftovers",
			  pid, WTERMSIG(status));
	m->jobs[i] = m->jobs[--m->n_jobs];
}

static void reap_jobs(struct monitor *m)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		job_ended(m, pid, status);
	start_queued(m);
}

/*
 * With systemd-udevd running, its "udev" events are the ones to read: they
 * come after udevd has processed the device, in sequence. Without udevd
 * (busybox mdev, a minimal initramfs) nobody re-sends events on that group
 * and only the kernel's own exist.
 */
static const char *event_source(struct udev *udev)
{
	struct udev_queue *queue = udev_queue_new(udev);
	bool udevd = queue && udev_queue_get_udev_is_active(queue);

	udev_queue_unref(queue);
	return udevd ? "udev" : "kernel";
}

static int listen_devcoredump(struct monitor *m)
{
	const char *source = event_source(m->udev);
	int r;

	m->events = udev_monitor_new_from_netlink(m->udev, source);
	if (!m->events)
		return log_error_errno(errno ? -errno : -ENOMEM,
				       "cannot listen to %s events: %m",
				       source);
	r = udev_monitor_filter_add_match_subsystem_devtype(
		m->events, "devcoredump", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(m->events);
	if (r < 0)
		return log_error_errno(r, "cannot listen to %s events: %m",
				       source);
	log_info("listening to %s devcoredump events", source);
	return 0;
}

/* The dumps that were there before we listened. */
static int schedule_present(struct monitor *m)
{
	struct udev_enumerate *e = udev_enumerate_new(m->udev);
	struct udev_list_entry *entry;
	unsigned n = 0;
	int r;

	if (!e)
		return log_oom();
	r = udev_enumerate_add_match_subsystem(e, "devcoredump");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		udev_enumerate_unref(e);
		return log_error_errno(
			r, "cannot list the devcoredumps present: %m");
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e))
	{
		const char *path = udev_list_entry_get_name(entry);
		const char *slash = strrchr(path, '/');

		schedule(m, slash ? slash + 1 : path, "present at start");
		n++;
	}
	udev_enumerate_unref(e);
	log_info("%u devcoredump(s) present at start", n);
	return 0;
}

static void receive_event(struct monitor *m)
{
	struct udev_device *dev;
	const char *action;

	/* The socket is non-blocking; a failed receive was a filtered event. */
	while ((dev = udev_monitor_receive_device(m->events))) {
		action = udev_device_get_action(dev);
		if (action && !strcmp(action, "add"))
			schedule(m, udev_device_get_sysname(dev), "added");
		udev_device_unref(dev);
	}
}

static void receive_signals(struct monitor *m)
{
	struct signalfd_siginfo si;

	while (read(m->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue; /* reaped below, all at once */
		if (!m->stopping && (m->n_jobs || m->queue_len))
			log_info("SIG%s: stopping once %u running and %u "
				 "waiting collection(s) are done",
				 sigabbrev_np(si.ssi_signo), m->n_jobs,
				 m->queue_len);
		else if (!m->stopping)
			log_info("SIG%s: stopping", sigabbrev_np(si.ssi_signo));
		m->stopping = true;
	}
	reap_jobs(m);
}

/*
 * The event loop. Stopping closes the ears but not the hands: dumps already
 * known are still collected (the kernel would otherwise delete them), then
 * the loop ends when no child is left.
 */
static int monitor_loop(struct monitor *m)
{
	struct pollfd fds[] = {
		{ .fd = m->signal_fd, .events = POLLIN },
		{ .fd = udev_monitor_get_fd(m->events), .events = POLLIN },
	};

	while (!m->stopping || m->n_jobs || m->queue_len) {
		/* With the queue stuck on fork failures, retry each second. */
		int timeout = m->queue_len && !m->n_jobs ? 1000 : -1;
		int nfds = m->stopping ? 1 : 2;

		if (poll(fds, nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return log_error_errno(-errno, "poll: %m");
		}
		if (nfds > 1 && fds[1].revents)
			receive_event(m);
		receive_signals(m);
	}
	return 0;
}

static int block_signals(struct monitor *m)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	m->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (m->signal_fd < 0)
		return -errno;
	return 0;
}

/* Signals, libudev and the event socket. */
static int monitor_start(struct monitor *m)
{
	int r;

	sigprocmask(SIG_SETMASK, NULL, &m->old_mask);
	r = block_signals(m);
	if (r < 0)
		return log_error_errno(r, "cannot set up signal handling: %m");
	m->udev = udev_new();
	if (!m->udev)
		return log_error_errno(-ENOMEM, "cannot initialize libudev");
	return listen_devcoredump(m);
}

/* Waits for the collections already started, which run to their end
 * whatever stopped the monitor, and releases what monitor_start() took. */
static void monitor_finish(struct monitor *m)
{
	while (m->n_jobs && waitpid(-1, NULL, 0) > 0)
		m->n_jobs--;
	udev_monitor_unref(m->events);
	udev_unref(m->udev);
	if (m->signal_fd >= 0)
		close(m->signal_fd);
	sigprocmask(SIG_SETMASK, &m->old_mask, NULL);
}

int monitor_run(const struct collect_config *cfg)
{
	struct monitor m = { .cfg = cfg, .signal_fd = -1 };
	int r;

	r = monitor_start(&m);
	if (r >= 0) {
		/* An earlier collector may have left spool files behind. */
		start_job(&m, "");
		r = schedule_present(&m);
	}
	if (r >= 0)
		r = monitor_loop(&m);
	if (r >= 0)
		log_info("stopped");
	monitor_finish(&m);
	return r;
}
