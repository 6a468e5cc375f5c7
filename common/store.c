// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * store.c - opening the store safely, committing into it, listing it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "store.h"

#define MAX_SEQ 1000

/* Refuses a store another user could fill or read; the caller closes. */
static int check_ownership(struct store *s, const char *path)
{
	struct stat st;

	if (fstat(s->dir_fd, &st) < 0)
		return log_error_errno(-errno, "%s: %m", path);
	if (st.st_uid != geteuid())
		return log_error_errno(
			-EPERM,
			"%s: owned by uid %u, not by us (uid %u): refusing to store dumps there",
			path, (unsigned)st.st_uid, (unsigned)geteuid());
	if (!(st.st_mode & 077))
		return 0;
	log_warning("%s: mode %04o lets others read crash dumps; setting 0700",
		    path, (unsigned)(st.st_mode & 07777));
	if (fchmod(s->dir_fd, 0700) < 0)
		return log_error_errno(-errno, "%s: chmod 0700: %m", path);
	return 0;
}

int store_open(const char *path, struct store *s)
{
	int r;

	*s = (struct store){ .dir_fd = -1 };
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return log_error_errno(
			-errno, "%s: cannot create store directory: %m", path);
	s->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dir_fd < 0) {
		r = -errno;
		if (r == -ELOOP || r == -ENOTDIR)
			return log_error_errno(
				r,
				"%s: not a directory (a symbolic link?): refusing to store dumps there",
				path);
		return log_error_errno(r, "%s: cannot open store directory: %m",
				       path);
	}
	r = check_ownership(s, path);
	if (r >= 0 && !(s->path = strdup(path)))
		r = log_oom();
	if (r < 0)
		store_close(s);
	return r;
}

int store_open_readonly(const char *path, struct store *s)
{
	*s = (struct store){ .dir_fd = -1 };
	s->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0)
		return -errno;
	s->path = strdup(path);
	if (!s->path) {
		store_close(s);
		return -ENOMEM;
	}
	return 0;
}

void store_close(struct store *s)
{
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	free(s->path);
	*s = (struct store){ .dir_fd = -1 };
}

int store_lock(struct store *s)
{
	while (flock(s->dir_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return log_error_errno(-errno, "%s: cannot lock: %m",
					       s->path);
	s->locked = true;
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->locked)
		flock(s->dir_fd, LOCK_UN);
	s->locked = false;
}

int store_commit(struct store *s, struct atomic_file *f, const char *base,
		 const char *suffix, char **final_name)
{
	for (unsigned seq = 1; seq < MAX_SEQ; seq++) {
		char *name;
		int r;

		if ((seq == 1 ?
			     asprintf(&name, "%s%s", base, suffix) :
			     asprintf(&name, "%s.%u%s", base, seq, suffix)) < 0)
			return log_oom();
		free(f->name);
		f->name = name;
		r = atomic_file_commit(f, false);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return r;
		/* Committed: nothing may fail from here on. */
		*final_name = TAKE_PTR(f->name);
		return 0;
	}
	return log_error_errno(-EEXIST, "%s/%s%s: %u dumps of that name exist",
			       s->path, base, suffix, MAX_SEQ);
}

/* Adds name if it is a regular file holding a dump: 1, 0 or -ENOMEM. */
static int add_file(const struct store *s, const char *name, int stat_flags,
		    struct store_file **files, size_t *n, size_t *cap)
{
	enum dump_kind kind = dump_name_kind(name);
	struct store_file *f;
	struct stat st;

	if (kind == DUMP_KIND_NONE ||
	    fstatat(s->dir_fd, name, &st, stat_flags) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct store_file *p = reallocarray(*files, ncap, sizeof(*p));

		if (!p)
			return -ENOMEM;
		*files = p;
		*cap = ncap;
	}
	f = &(*files)[*n];
	*f = (struct store_file){ .name = strdup(name),
				  .kind = kind,
				  .st = st };
	if (!f->name)
		return -ENOMEM;
	f->named = dump_name_parse(name, &f->id);
	(*n)++;
	return 1;
}

int store_list(const struct store *s, bool follow_links,
	       struct store_file **files, size_t *n)
{
	int stat_flags = follow_links ? 0 : AT_SYMLINK_NOFOLLOW;
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;
	int r = 0;

	*files = NULL;
	*n = 0;
	fd = openat(s->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "%s: %m", s->path);
	dir = fdopendir(fd);
	if (!dir)
		return log_error_errno(-errno, "%s: %m", s->path);
	fd = -1; /* the DIR owns it now */
	while (r >= 0 && (errno = 0, de = readdir(dir)))
		r = add_file(s, de->d_name, stat_flags, files, n, &cap);
	if (r >= 0 && errno)
		r = log_error_errno(-errno, "%s: %m", s->path);
	else if (r < 0)
		r = log_oom();
	closedir(dir);
	if (r < 0) {
		store_files_free(*files, *n);
		*files = NULL;
		*n = 0;
	}
	return r < 0 ? r : 0;
}

void store_files_free(struct store_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
}
