// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * core_open.c - find the core a verb works on, and the firmware it ran.
 *
 * The core is a file named on the command line or the newest stored dump
 * that matches. The firmware is the one given with --firmware; else the one
 * the core names (info note "firmware"), looked up as the kernel would, and
 * else a file named after the core's build-id. A firmware found by name or
 * build-id is used only if its build-id matches the core's: symbols of
 * another build explain nothing and mislead, and the core is untrusted
 * input that must not steer which file is opened. A firmware without a
 * build-id, or a core without one, needs --firmware.
 *
 * The core's build-id is used only when it is 4..128 even hex digits, and
 * its firmware name only when every component is printable, not empty and
 * does not start with '.'; so a path built from them stays in its directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
#include "firmware_search.h"
#include "log.h"
#include "macro.h"
#include "stored_dumps.h"

#define MAX_FIRMWARE_DIRS 64
#define DEBUG_BUILD_ID_DIR "/usr/lib/debug/.build-id"
#define BUILD_ID_MIN_HEX 4   /* 2 bytes */
#define BUILD_ID_MAX_HEX 128 /* 64 bytes */
#define FIRMWARE_NAME_MAX 255

static bool is_regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The path of the newest stored dump matching match (NULL: any). Readable
 * dumps win over unreadable ones, so that a damaged file does not hide the
 * newest good dump; an unreadable one is returned only if nothing else
 * matches, for its error to be reported.
 */
static int find_stored_core(const char *dir, const char *match, char **path)
{
	const struct stored_dump *found = NULL;
	struct stored_dumps s;
	int r;

	r = stored_dumps_scan(dir, &s);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s.n; i++) {
		const struct stored_dump *d = &s.dumps[i];

		if (match && !stored_dump_matches(d, match))
			continue;
		if (!found || (found->error && !d->error))
			found = d;
		if (!found->error)
			break;
	}
	if (found) {
		*path = strdup(found->path);
		log_debug("dump %s%s%s: %s", match ? "matching '" : "",
			  match ?: "newest", match ? "'" : "", found->path);
	}
	stored_dumps_free(&s);
	if (!found && match)
		return log_error_errno(-ENOENT, "no dump in %s matches '%s'",
				       dir, match);
	if (!found)
		return log_error_errno(-ENOENT, "no dump stored in %s", dir);
	return *path ? 0 : log_oom();
}

/* Even hex digits, 4..128 of them: what a GNU build-id note can hold. */
static bool build_id_is_valid(const char *id)
{
	size_t n = strspn(id, "0123456789abcdefABCDEF");

	return !id[n] && n % 2 == 0 && n >= BUILD_ID_MIN_HEX &&
	       n <= BUILD_ID_MAX_HEX;
}

/* The core's build-id if it is valid, else NULL with a warning. */
static const char *core_build_id(const struct analyzed_core *ac)
{
	const char *id = rpd_core_info(ac->core, "build_id");

	if (!id || !*id || build_id_is_valid(id))
		return id && *id ? id : NULL;
	log_warning("%s: ignoring the core's build-id: not %d to %d hex digits",
		    ac->path, BUILD_ID_MIN_HEX, BUILD_ID_MAX_HEX);
	return NULL;
}

/* A firmware name from the core that stays in the firmware directories:
 * components printable ASCII, none empty or starting with '.'. */
static bool firmware_name_is_confined(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > FIRMWARE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return false;
		if ((i == 0 || name[i - 1] == '/') && (c == '.' || c == '/'))
			return false;
	}
	return name[len - 1] != '/';
}

/*
 * Checks fw against the core's build-id. Returns true if it may be used:
 * a match, or, for the firmware the user named (chosen), anything; a note
 * for the user (a mismatch, or why nothing could be checked) goes to
 * problem.
 */
static bool firmware_fits(const struct rpd_firmware *fw, const char *core_id,
			  bool chosen, char *problem, size_t size)
{
	const char *path = rpd_firmware_path(fw);

	problem[0] = '\0';
	switch (rpd_firmware_check_build_id(fw, core_id)) {
	case RPD_BUILD_ID_MATCH:
		log_debug("%s: build-id %s matches the core's", path, core_id);
		return true;
	case RPD_BUILD_ID_UNRECORDED:
		snprintf(
			problem, size,
			chosen ?
				"%s: not checked: the core records no build-id" :
				"%s: not used: the core records no build-id "
				"(name it with --firmware)",
			path);
		return chosen;
	case RPD_BUILD_ID_ABSENT:
		snprintf(
			problem, size,
			chosen ?
				"%s: not checked: the firmware has no build-id (the core's is %s)" :
				"%s: not used: the firmware has no build-id (the core's is %s; name it with --firmware)",
			path, core_id);
		return chosen;
	case RPD_BUILD_ID_MISMATCH:
		break;
	}
	snprintf(problem, size,
		 "%s: build-id %s does not match the core's %s (another build)",
		 path, rpd_firmware_build_id_hex(fw), core_id);
	return false;
}

/* Opens path as the firmware if it is the core's build; see above. */
static struct rpd_firmware *try_firmware(const char *path, const char *core_id,
					 char *problem, size_t size)
{
	struct rpd_firmware *fw;

	if (rpd_firmware_open(path, &fw) < 0) {
		snprintf(problem, size, "%s", rpd_error());
		log_debug("%s", problem);
		return NULL;
	}
	if (!firmware_fits(fw, core_id, false, problem, size)) {
		log_debug("%s", problem);
		rpd_firmware_free(fw);
		return NULL;
	}
	return fw;
}

/*
 * A firmware file named after the build-id: "ID" or "ID.elf" in the
 * firmware search path, or the debuginfo convention
 * /usr/lib/debug/.build-id/xx/yyyy.debug.
 */
static struct rpd_firmware *find_by_build_id(const struct analyze_options *o,
					     const char *core_id)
{
	static const char *const suffixes[] = { "", ".elf" };
	char *dirs[MAX_FIRMWARE_DIRS];
	struct rpd_firmware *fw = NULL;
	char problem[256], *path;
	size_t n;

	if (!build_id_is_valid(core_id)) /* checked by the caller too */
		return NULL;
	n = firmware_search_path(NULL, o->firmware_dirs, dirs,
				 MAX_FIRMWARE_DIRS);
	for (size_t i = 0; i < n && !fw; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(suffixes) && !fw; k++) {
			if (asprintf(&path, "%s/%s%s", dirs[i], core_id,
				     suffixes[k]) < 0)
				break;
			if (is_regular_file(path))
				fw = try_firmware(path, core_id, problem,
						  sizeof(problem));
			free(path);
		}
	}
	firmware_search_free(dirs, n);
	if (fw || asprintf(&path, "%s/%.2s/%s.debug", DEBUG_BUILD_ID_DIR,
			   core_id, core_id + 2) < 0)
		return fw;
	if (is_regular_file(path))
		fw = try_firmware(path, core_id, problem, sizeof(problem));
	free(path);
	return fw;
}

/* The firmware the core names, in --firmware-dir and the kernel's path. */
static void find_by_name(const struct analyze_options *o,
			 struct analyzed_core *ac, const char *name,
			 const char *core_id)
{
	_cleanup_free_ char *path = NULL, *tried = NULL;
	int r;

	if (!firmware_name_is_confined(name)) {
		snprintf(ac->fw_problem, sizeof(ac->fw_problem),
			 "the core's firmware name is not a plain relative "
			 "name; not looked up (use --firmware)");
		log_warning("%s: %s", ac->path, ac->fw_problem);
		return;
	}
	r = firmware_find(NULL, o->firmware_dirs, name, &path, &tried);
	if (r == -ENOENT)
		snprintf(ac->fw_problem, sizeof(ac->fw_problem),
			 "firmware '%s' not found in %s", name, tried);
	else if (r == -EINVAL)
		snprintf(ac->fw_problem, sizeof(ac->fw_problem),
			 "firmware name '%s' is not a relative path", name);
	else if (r < 0) /* -ENOMEM */
		snprintf(ac->fw_problem, sizeof(ac->fw_problem),
			 "looking for firmware '%s': out of memory", name);
	else
		ac->fw = try_firmware(path, core_id, ac->fw_problem,
				      sizeof(ac->fw_problem));
}

/* Looks the firmware up by the core's name for it, then by build-id; on
 * failure, fw_problem says why. */
static void find_firmware(const struct analyze_options *o,
			  struct analyzed_core *ac)
{
	const char *name = rpd_core_info(ac->core, "firmware");
	const char *core_id = core_build_id(ac);

	ac->fw_problem[0] = '\0';
	if (name && *name) {
		find_by_name(o, ac, name, core_id);
		if (ac->fw)
			return;
	}
	if (core_id && *core_id) {
		ac->fw = find_by_build_id(o, core_id);
		if (ac->fw) {
			/* The right build, whatever the name search found. */
			ac->fw_problem[0] = '\0';
			return;
		}
	}
	if (!ac->fw_problem[0])
		snprintf(ac->fw_problem, sizeof(ac->fw_problem),
			 "the core names no firmware%s; use --firmware",
			 core_id && *core_id ? " and no file has its build-id" :
					       " and records no build-id");
}

/* The core itself: the file named, or the newest matching stored dump. */
static int locate_core(const struct analyze_options *o, const char *what,
		       char **path)
{
	if (what && is_regular_file(what)) {
		*path = strdup(what);
		return *path ? 0 : log_oom();
	}
	/* Names of remotes, firmware and stored files have no slash
	 * (firmware may, but then it is matched by its base name). */
	if (what && strchr(what, '/'))
		return log_error_errno(-ENOENT, "%s: no such file", what);
	return find_stored_core(o->store_dir, what, path);
}

int analyzed_core_open(const struct analyze_options *o, const char *what,
		       struct analyzed_core *ac)
{
	int r;

	*ac = (struct analyzed_core){ 0 };
	r = locate_core(o, what, &ac->path);
	if (r < 0)
		return r;
	r = rpd_core_open(ac->path, &ac->core);
	/* -ENOENT means "no dump matches" to the verbs; the file was there a
	 * moment ago, so this is an I/O problem. */
	if (r < 0) {
		log_error("%s", rpd_error());
		analyzed_core_close(ac);
		return r == -ENOENT ? -EIO : r;
	}
	if (o->firmware) {
		r = rpd_firmware_open(o->firmware, &ac->fw);
		if (r < 0) {
			log_error("%s", rpd_error());
			analyzed_core_close(ac);
			return r == -ENOENT ? -EIO : r;
		}
		/* The user's choice stands; a mismatch is only a warning. */
		firmware_fits(ac->fw, core_build_id(ac), true, ac->fw_problem,
			      sizeof(ac->fw_problem));
	} else {
		find_firmware(o, ac);
	}
	log_debug("%s: firmware %s%s%s", ac->path,
		  ac->fw ? rpd_firmware_path(ac->fw) : "none",
		  ac->fw_problem[0] ? ": " : "", ac->fw_problem);
	return 0;
}

void analyzed_core_close(struct analyzed_core *ac)
{
	rpd_firmware_free(ac->fw);
	rpd_core_free(ac->core);
	free(ac->path);
	*ac = (struct analyzed_core){ 0 };
}

int analyzed_core_open_verb(const struct analyze_options *o, const char *what,
			    struct analyzed_core *ac)
{
	int r = analyzed_core_open(o, what, ac);

	if (r == 0)
		return EXIT_ANALYZE_OK;
	return r == -ENOENT ? EXIT_ANALYZE_NO_MATCH : EXIT_ANALYZE_ERROR;
}

int analyzed_core_open_args(const struct analyze_options *o, int argc,
			    char **argv, struct analyzed_core *ac)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		log_error("%s: takes one CORE or MATCH and no option", argv[0]);
		return EXIT_ANALYZE_USAGE;
	}
	return analyzed_core_open_verb(o, argc > 1 ? argv[1] : NULL, ac);
}
