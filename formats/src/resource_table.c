// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * resource_table.c - parse a remoteproc resource table.
 *
 * The table is validated with the rules of the kernel's find_table() and
 * rproc_handle_resources(): version 1, reserved words zero, the offset array
 * inside the table, and each entry's header and fixed-size body inside it.
 * The kernel refuses to boot firmware whose table breaks any of these
 * rules, so such a table can never describe a running remote: it is an
 * error here too. Entry types we do not use are checked only as far as the
 * kernel checks them, and otherwise skipped.
 */

#include "resource_table.h"
#include "rproc/crash_record.h"
#include "util.h"

/* include/linux/remoteproc.h */
enum fw_resource_type {
	RSC_CARVEOUT = 0,
	RSC_DEVMEM = 1,
	RSC_TRACE = 2,
	RSC_VDEV = 3,
};

/* struct resource_table without offset[] */
#define RSC_TABLE_HDR_SIZE 16
#define RSC_HDR_SIZE 4 /* struct fw_rsc_hdr: u32 type */
#define RSC_NAME_LEN 32

/* struct fw_rsc_carveout and fw_rsc_devmem: da, pa, len, flags, reserved,
 * name[32] */
#define RSC_MEM_SIZE 52
#define RSC_MEM_RESERVED 16
/* struct fw_rsc_trace and rproc_rsc_crash_record: da, len, reserved,
 * name[32] */
#define RSC_TRACE_SIZE 44
#define RSC_TRACE_DA 0
#define RSC_TRACE_LEN 4
#define RSC_TRACE_RESERVED 8
#define RSC_TRACE_NAME 12
/* struct fw_rsc_vdev: id, notifyid, dfeatures, gfeatures, config_len,
 * status, num_of_vrings, reserved[2], then vrings and config space */
#define RSC_VDEV_SIZE 24
#define RSC_VDEV_CONFIG_LEN 16
#define RSC_VDEV_NUM_VRINGS 21
#define RSC_VDEV_RESERVED 22
#define RSC_VRING_SIZE 20

/* One entry of the table: its type and the bytes after its header. */
struct rsc_entry {
	size_t index;
	uint32_t type;
	const uint8_t *body;
	uint64_t avail;
};

static const char *rsc_type_name(uint32_t type)
{
	switch (type) {
	case RSC_CARVEOUT:
		return "carveout";
	case RSC_DEVMEM:
		return "devmem";
	case RSC_TRACE:
		return "trace";
	case RSC_VDEV:
		return "vdev";
	case RPROC_RSC_CRASH_RECORD:
		return "crash record";
	default:
		return "unknown";
	}
}

/* The body of the entry must hold @size bytes, as the kernel's handlers
 * check before they touch it. */
static int check_body(const struct rsc_entry *e, uint64_t size,
		      const char *name)
{
	if (e->avail < size)
		return rpd_fail(
			-EINVAL,
			"%s: entry %zu: %s resource of %llu bytes is truncated (%llu bytes left in the table)",
			name, e->index, rsc_type_name(e->type),
			(unsigned long long)size, (unsigned long long)e->avail);
	return 0;
}

static int check_reserved(const struct rsc_entry *e, uint32_t reserved,
			  const char *name)
{
	if (reserved)
		return rpd_fail(
			-EINVAL,
			"%s: entry %zu: %s resource has non-zero reserved bytes",
			name, e->index, rsc_type_name(e->type));
	return 0;
}

/* da, len and name of a trace or crash record entry (same layout). */
static int parse_trace_like(const struct rsc_entry *e, const char *name,
			    struct rpd_trace_desc *out)
{
	const uint8_t *b = e->body;
	int r;

	r = check_body(e, RSC_TRACE_SIZE, name);
	if (r < 0)
		return r;
	r = check_reserved(e, get_le32(b + RSC_TRACE_RESERVED), name);
	if (r < 0)
		return r;
	out->da = get_le32(b + RSC_TRACE_DA);
	out->len = get_le32(b + RSC_TRACE_LEN);
	memset(out->name, 0, sizeof(out->name));
	memcpy(out->name, b + RSC_TRACE_NAME,
	       strnlen((const char *)b + RSC_TRACE_NAME, RSC_NAME_LEN));
	return 0;
}

static int add_trace(struct rpd_rsc_table *t, const struct rsc_entry *e,
		     const char *name)
{
	struct rpd_trace_desc desc, *traces;
	int r;

	r = parse_trace_like(e, name, &desc);
	if (r < 0)
		return r;
	traces = reallocarray(t->traces, t->ntraces + 1, sizeof(*traces));
	if (!traces)
		return rpd_fail(-ENOMEM, "%s: out of memory", name);
	traces[t->ntraces++] = desc;
	t->traces = traces;
	return 0;
}

/* The first crash record entry wins, as a firmware has one record. */
static int add_crash_record(struct rpd_rsc_table *t, const struct rsc_entry *e,
			    const char *name)
{
	struct rpd_trace_desc desc;
	int r;

	r = parse_trace_like(e, name, &desc);
	if (r < 0 || t->have_crash_record)
		return r;
	t->have_crash_record = true;
	t->crash_record_da = desc.da;
	t->crash_record_len = desc.len;
	return 0;
}

static int check_mem(const struct rsc_entry *e, const char *name)
{
	int r = check_body(e, RSC_MEM_SIZE, name);

	if (r < 0)
		return r;
	return check_reserved(e, get_le32(e->body + RSC_MEM_RESERVED), name);
}

/* The vrings and config space follow the fixed part: all must fit. */
static int check_vdev(const struct rsc_entry *e, const char *name)
{
	uint64_t size;
	int r;

	r = check_body(e, RSC_VDEV_SIZE, name);
	if (r < 0)
		return r;
	size = RSC_VDEV_SIZE +
	       (uint64_t)e->body[RSC_VDEV_NUM_VRINGS] * RSC_VRING_SIZE +
	       get_le32(e->body + RSC_VDEV_CONFIG_LEN);
	r = check_body(e, size, name);
	if (r < 0)
		return r;
	return check_reserved(e, get_le16(e->body + RSC_VDEV_RESERVED), name);
}

static int handle_entry(struct rpd_rsc_table *t, const struct rsc_entry *e,
			const char *name)
{
	switch (e->type) {
	case RSC_CARVEOUT:
	case RSC_DEVMEM:
		return check_mem(e, name);
	case RSC_TRACE:
		return add_trace(t, e, name);
	case RSC_VDEV:
		return check_vdev(e, name);
	case RPROC_RSC_CRASH_RECORD:
		return add_crash_record(t, e, name);
	default:
		/* The kernel skips types it does not know; so do we. */
		return 0;
	}
}

/* The fixed header of the table, as find_table() checks it. */
static int check_table_header(const uint8_t *p, size_t size, const char *name)
{
	uint32_t ver, num;

	if (size < RSC_TABLE_HDR_SIZE)
		return rpd_fail(
			-EINVAL,
			"%s: %zu bytes are too few for a resource table header",
			name, size);
	ver = get_le32(p);
	if (ver != 1)
		return rpd_fail(
			-EINVAL,
			"%s: version %u is not supported (the kernel accepts 1)",
			name, ver);
	if (get_le32(p + 8) || get_le32(p + 12))
		return rpd_fail(-EINVAL, "%s: non-zero reserved bytes", name);
	num = get_le32(p + 4);
	if (RSC_TABLE_HDR_SIZE + 4 * (uint64_t)num > size)
		return rpd_fail(-EINVAL,
				"%s: %u entry offsets do not fit in %zu bytes",
				name, num, size);
	return 0;
}

/**
 * rpd_rsc_table_parse() - parse a remoteproc resource table
 * @buf: the table's bytes (the .resource_table section)
 * @size: its size
 * @name: prefix of error messages, naming the file and section
 * @out: the trace and crash record entries found
 *
 * Each entry offset must leave room for the entry header inside the table,
 * as in the kernel's rsc_table_for_each_entry(); each entry we know must
 * hold its whole fixed-size body.
 *
 * Return: 0 or a negative errno (-EINVAL for a malformed table).
 */
int rpd_rsc_table_parse(const void *buf, size_t size, const char *name,
			struct rpd_rsc_table *out)
{
	const uint8_t *p = buf;
	uint32_t num;
	int r;

	memset(out, 0, sizeof(*out));
	r = check_table_header(p, size, name);
	if (r < 0)
		return r;

	num = get_le32(p + 4);
	for (size_t i = 0; i < num; i++) {
		uint32_t offset = get_le32(p + RSC_TABLE_HDR_SIZE + 4 * i);
		struct rsc_entry e;

		if (offset < RSC_TABLE_HDR_SIZE || offset >= size ||
		    size - offset < RSC_HDR_SIZE) {
			rpd_rsc_table_release(out);
			return rpd_fail(
				-EINVAL,
				"%s: entry %zu: offset 0x%x is outside the table (size 0x%zx)",
				name, i, offset, size);
		}
		e = (struct rsc_entry){
			.index = i,
			.type = get_le32(p + offset),
			.body = p + offset + RSC_HDR_SIZE,
			.avail = size - offset - RSC_HDR_SIZE,
		};
		r = handle_entry(out, &e, name);
		if (r < 0) {
			rpd_rsc_table_release(out);
			return r;
		}
	}
	return 0;
}

void rpd_rsc_table_release(struct rpd_rsc_table *table)
{
	free(table->traces);
	memset(table, 0, sizeof(*table));
}
