// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config.c - read /etc/rproc-collect.conf over the built-in defaults.
 *
 * The syntax is the subset of systemd's configuration files that a flat
 * list of limits needs: one [Collect] section, Key=Value lines, comments
 * starting with '#' or ';', blank lines. Everything else is an error that
 * names the file, the line and the key: a collector that silently ignored
 * a misspelt MaxUse= would fill the disk.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "macro.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* Where a parse error is, for the message. */
struct config_pos {
	const char *path;
	unsigned line;
	const char *key;
};

static int bad_value(const struct config_pos *pos, const char *value,
		     const char *expected)
{
	return log_error_errno(-EINVAL,
			       "%s:%u: %s: invalid value '%s' (expected %s)",
			       pos->path, pos->line, pos->key, value, expected);
}

void config_defaults(struct collect_config *cfg)
{
	/* systemd-coredump's defaults for the same two limits. */
	*cfg = (struct collect_config){
		.max_use = { .percent = 10,
			     .is_percent = true,
			     .min_bytes = MIB,
			     .max_bytes = 4 * GIB },
		.keep_free = { .percent = 15,
			       .is_percent = true,
			       .max_bytes = 4 * GIB },
		.max_dumps_per_remote = 8,
		.max_dump_size = 4 * GIB,
		.oversize = OVERSIZE_TRUNCATE,
		.compress_level = 6,
		.compress_threads = 0,
		.read_threads = 0,
		.recover = false,
		.crash_loop_max = 5,
		.crash_loop_minutes = 10,
	};
	cfg->storage_dir = strdup(CONFIG_DEFAULT_STORAGE);
	cfg->sysfs_root = strdup("/sys");
}

void config_free(struct collect_config *cfg)
{
	free(cfg->storage_dir);
	free(cfg->firmware_path);
	free(cfg->sysfs_root);
	cfg->storage_dir = cfg->firmware_path = cfg->sysfs_root = NULL;
}

uint64_t config_size_resolve(const struct config_size *size, uint64_t fs_bytes)
{
	uint64_t v;

	if (!size->is_percent)
		return size->bytes;
	/* fs_bytes / 100 first: no overflow for any filesystem size. */
	v = fs_bytes / 100 * size->percent +
	    fs_bytes % 100 * size->percent / 100;
	if (v < size->min_bytes)
		v = size->min_bytes;
	if (size->max_bytes && v > size->max_bytes)
		v = size->max_bytes;
	return v;
}

/* A decimal number up to max: 0, -EINVAL (not one), -ERANGE (too big). */
static int parse_number(const char *value, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*value))
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno == ERANGE || (!errno && !*end && v > max))
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_uint(const struct config_pos *pos, const char *value,
		      uint64_t max, uint64_t *out)
{
	char expected[64];
	int r = parse_number(value, max, out);

	if (r == -EINVAL && !isdigit((unsigned char)*value))
		return bad_value(pos, value, "a number");
	if (r < 0) {
		snprintf(expected, sizeof(expected), "a number up to %" PRIu64,
			 max);
		return bad_value(pos, value, expected);
	}
	return 0;
}

/* "123", "64K", "512M", "4G", "1T" (powers of 1024) or "infinity". */
static int parse_bytes(const struct config_pos *pos, const char *value,
		       uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	const char *expected = "a size such as 512M, 4G or infinity";
	char *end;
	unsigned long long v;
	const char *s;
	unsigned shift = 0;

	if (!strcmp(value, "infinity")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*value))
		return bad_value(pos, value, expected);
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno)
		return bad_value(pos, value, expected);
	if (*end) {
		s = strchr(suffixes, *end);
		if (!s || !*s || end[1])
			return bad_value(pos, value, expected);
		shift = 10 * (unsigned)(s - suffixes + 1);
	}
	if (shift && v > UINT64_MAX >> shift)
		return bad_value(pos, value, expected);
	*out = (uint64_t)v << shift;
	return 0;
}

/* A size, or a percentage of the store's filesystem ("10%"). */
static int parse_size(const struct config_pos *pos, const char *value,
		      struct config_size *out)
{
	size_t len = strlen(value);
	uint64_t v;
	int r;

	if (len && value[len - 1] == '%') {
		char digits[8];

		if (len > sizeof(digits))
			return bad_value(pos, value, "a percentage 0% to 100%");
		memcpy(digits, value, len - 1);
		digits[len - 1] = '\0';
		if (parse_number(digits, 100, &v) < 0)
			return bad_value(pos, value, "a percentage 0% to 100%");
		*out = (struct config_size){ .percent = (unsigned)v,
					     .is_percent = true };
		return 0;
	}
	r = parse_bytes(pos, value, &v);
	if (r < 0)
		return r;
	*out = (struct config_size){ .bytes = v };
	return 0;
}

static int parse_bool(const struct config_pos *pos, const char *value,
		      bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(value, yes[i]) || !strcasecmp(value, no[i])) {
			*out = !strcasecmp(value, yes[i]);
			return 0;
		}
	}
	return bad_value(pos, value, "yes or no");
}

static int parse_unsigned(const struct config_pos *pos, const char *value,
			  unsigned min, unsigned max, unsigned *out)
{
	uint64_t v;
	int r;

	r = parse_uint(pos, value, max, &v);
	if (r >= 0 && v < min) {
		char expected[64];

		snprintf(expected, sizeof(expected), "%u to %u", min, max);
		return bad_value(pos, value, expected);
	}
	if (r >= 0)
		*out = (unsigned)v;
	return r;
}

static int parse_path(const struct config_pos *pos, const char *value,
		      char **out)
{
	char *copy;

	if (value[0] != '/')
		return bad_value(pos, value, "an absolute path");
	copy = strdup(value);
	if (!copy)
		return log_oom();
	free(*out);
	*out = copy;
	return 0;
}

static int parse_oversize(const struct config_pos *pos, const char *value,
			  enum oversize_policy *out)
{
	if (!strcmp(value, "truncate"))
		*out = OVERSIZE_TRUNCATE;
	else if (!strcmp(value, "drop"))
		*out = OVERSIZE_DROP;
	else
		return bad_value(pos, value, "truncate or drop");
	return 0;
}

static int parse_key(struct collect_config *cfg, const struct config_pos *pos,
		     const char *value)
{
	const char *key = pos->key;
	uint64_t v;
	int r;

	if (!strcmp(key, "StorageDir"))
		return parse_path(pos, value, &cfg->storage_dir);
	if (!strcmp(key, "FirmwarePath"))
		return parse_path(pos, value, &cfg->firmware_path);
	if (!strcmp(key, "MaxUse"))
		return parse_size(pos, value, &cfg->max_use);
	if (!strcmp(key, "KeepFree"))
		return parse_size(pos, value, &cfg->keep_free);
	if (!strcmp(key, "MaxDumpSize")) {
		r = parse_bytes(pos, value, &v);
		if (r >= 0 && v == 0)
			return bad_value(pos, value, "a size above 0");
		if (r >= 0)
			cfg->max_dump_size = v;
		return r;
	}
	if (!strcmp(key, "OversizeDump"))
		return parse_oversize(pos, value, &cfg->oversize);
	if (!strcmp(key, "MaxDumpsPerRemote"))
		return parse_unsigned(pos, value, 0, 100000,
				      &cfg->max_dumps_per_remote);
	if (!strcmp(key, "CompressLevel")) {
		unsigned level;

		r = parse_unsigned(pos, value, 1, 9, &level);
		if (r >= 0)
			cfg->compress_level = (int)level;
		return r;
	}
	if (!strcmp(key, "CompressThreads"))
		return parse_unsigned(pos, value, 0, 256,
				      &cfg->compress_threads);
	if (!strcmp(key, "ReadThreads"))
		return parse_unsigned(pos, value, 0, 16, &cfg->read_threads);
	if (!strcmp(key, "Recover"))
		return parse_bool(pos, value, &cfg->recover);
	if (!strcmp(key, "CrashLoopMax"))
		return parse_unsigned(pos, value, 0, 100000,
				      &cfg->crash_loop_max);
	if (!strcmp(key, "CrashLoopMinutes"))
		return parse_unsigned(pos, value, 1, 7 * 24 * 60,
				      &cfg->crash_loop_minutes);
	return log_error_errno(-EINVAL, "%s:%u: %s: unknown key", pos->path,
			       pos->line, key);
}

static char *strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One line; *in_section tells whether [Collect] has been seen. */
static int parse_line(struct collect_config *cfg, struct config_pos *pos,
		      char *line, bool *in_section)
{
	char *eq, *value;

	line = strip(line);
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[') {
		*in_section = !strcmp(line, "[Collect]");
		if (!*in_section)
			return log_error_errno(
				-EINVAL,
				"%s:%u: unknown section %s (expected [Collect])",
				pos->path, pos->line, line);
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq)
		return log_error_errno(-EINVAL,
				       "%s:%u: expected Key=Value, got '%s'",
				       pos->path, pos->line, line);
	*eq = '\0';
	pos->key = strip(line);
	value = strip(eq + 1);
	if (!*pos->key)
		return log_error_errno(-EINVAL, "%s:%u: missing key before '='",
				       pos->path, pos->line);
	if (!*in_section)
		return log_error_errno(
			-EINVAL, "%s:%u: %s: outside the [Collect] section",
			pos->path, pos->line, pos->key);
	if (!*value)
		return log_error_errno(-EINVAL, "%s:%u: %s: empty value",
				       pos->path, pos->line, pos->key);
	return parse_key(cfg, pos, value);
}

int config_load(const char *path, struct collect_config *cfg)
{
	struct config_pos pos = { .path = path };
	bool in_section = false;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	f = fopen(path, "re");
	if (!f && errno == ENOENT)
		return 0;
	if (!f)
		return log_error_errno(-errno, "%s: %m", path);
	while (r >= 0 && getline(&line, &cap, f) >= 0) {
		pos.line++;
		r = parse_line(cfg, &pos, line, &in_section);
	}
	if (r >= 0 && ferror(f))
		r = log_error_errno(-EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return r;
}
