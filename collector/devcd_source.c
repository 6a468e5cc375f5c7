// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * devcd_source.c - find a devcoredump's remoteproc and talk to both.
 *
 * /sys/class/devcoredump/devcdN/failing_device links to the device that
 * crashed; it is a remoteproc when its "subsystem" link ends in
 * "remoteproc" (class/remoteproc). Attributes are read as the strings the
 * kernel prints, never as enum numbers, which differ between versions.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "devcd_source.h"
#include "io_util.h"
#include "log.h"
#include "macro.h"

#define ATTR_MAX 256

static bool is_devcd_name(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && len < 16 && !strncmp(name, "devcd", 5) &&
	       strspn(name + 5, "0123456789") == len - 5;
}

/* An attribute's value without its trailing newline; -errno. */
static int read_attr(int dir_fd, const char *attr, char **out)
{
	_cleanup_close_ int fd = -1;
	char buf[ATTR_MAX], *value;
	ssize_t n;

	fd = openat(dir_fd, attr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	value = strdup(buf);
	if (!value)
		return -ENOMEM;
	free(*out);
	*out = value;
	return 0;
}

static int write_attr(int dir_fd, const char *attr, const char *value)
{
	_cleanup_close_ int fd = -1;

	/* O_TRUNC as in "echo recover > recovery"; sysfs ignores it. */
	fd = openat(dir_fd, attr, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_full(fd, value, strlen(value));
}

/* The last component of a symbolic link's target. */
static int link_basename(int dir_fd, const char *link, char *out, size_t size)
{
	char target[4096];
	ssize_t n;
	char *slash;

	n = readlinkat(dir_fd, link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) >= size)
		return -ENAMETOOLONG;
	strcpy(out, slash);
	return 0;
}

static int read_remoteproc(struct devcd_source *src)
{
	static const char *const attrs[] = { "name", "firmware", "state",
					     "recovery" };
	char **values[] = { &src->name, &src->firmware, &src->state,
			    &src->recovery };

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		int r = read_attr(src->rproc_fd, attrs[i], values[i]);

		if (r < 0)
			return log_error_errno(r, "%s/%s: %m", src->device,
					       attrs[i]);
	}
	return 0;
}

int devcd_source_open(const char *sysfs_root, const char *devcd,
		      struct devcd_source *src)
{
	char path[4096], device[256], subsystem[256];
	int dev_fd, r;

	*src = (struct devcd_source){ .devcd_fd = -1, .rproc_fd = -1 };
	if (!is_devcd_name(devcd))
		return log_error_errno(
			-EINVAL, "'%s' is not a devcoredump name (devcd<N>)",
			devcd);
	src->devcd = strdup(devcd);
	if (!src->devcd)
		return log_oom();
	snprintf(path, sizeof(path), "%s/class/devcoredump/%s", sysfs_root,
		 devcd);
	/* class/devcoredump/devcdN itself is a link into devices/. */
	src->devcd_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src->devcd_fd < 0)
		return log_error_errno(-errno, "%s: %m", path);
	dev_fd = openat(src->devcd_fd, "failing_device",
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dev_fd < 0)
		return log_error_errno(-errno, "%s/failing_device: %m", path);
	if (link_basename(src->devcd_fd, "failing_device", device,
			  sizeof(device)) < 0 ||
	    link_basename(dev_fd, "subsystem", subsystem, sizeof(subsystem)) <
		    0)
		snprintf(subsystem, sizeof(subsystem), "%s", "?");
	if (strcmp(subsystem, "remoteproc")) {
		close(dev_fd);
		r = asprintf(&src->device, "%s/%s", subsystem, device);
		if (r < 0) {
			src->device = NULL;
			return log_oom();
		}
		return 0;
	}
	src->rproc_fd = dev_fd;
	src->device = strdup(device);
	if (!src->device)
		return log_oom();
	r = read_remoteproc(src);
	return r < 0 ? r : 1;
}

void devcd_source_close(struct devcd_source *src)
{
	if (src->devcd_fd >= 0)
		close(src->devcd_fd);
	if (src->rproc_fd >= 0)
		close(src->rproc_fd);
	free(src->devcd);
	free(src->device);
	free(src->name);
	free(src->firmware);
	free(src->state);
	free(src->recovery);
	*src = (struct devcd_source){ .devcd_fd = -1, .rproc_fd = -1 };
}

int devcd_source_refresh(struct devcd_source *src)
{
	int r;

	r = read_attr(src->rproc_fd, "state", &src->state);
	if (r < 0)
		return log_error_errno(r, "%s/state: %m", src->device);
	r = read_attr(src->rproc_fd, "recovery", &src->recovery);
	if (r < 0)
		return log_error_errno(r, "%s/recovery: %m", src->device);
	return 0;
}

int devcd_source_open_data(const struct devcd_source *src)
{
	int fd;

	fd = openat(src->devcd_fd, "data", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int devcd_source_release(const struct devcd_source *src)
{
	return write_attr(src->devcd_fd, "data", "1");
}

int devcd_source_recover(const struct devcd_source *src)
{
	int r = write_attr(src->rproc_fd, "recovery", "recover");

	if (r < 0)
		return log_error_errno(r, "%s/recovery: writing 'recover': %m",
				       src->device);
	return 0;
}
