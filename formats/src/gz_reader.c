// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gz_reader.c - random access to the data of a .core.gz (gz_format.h).
 *
 * The file is never inflated as a whole. The reader keeps an index of the
 * members it has seen: where each starts in the file and in the inflated
 * data. The index grows lazily, by hopping from member to member with BSIZE
 * and reading each member's ISIZE from its trailer, only as far as a read
 * needs. A read then inflates just the members it overlaps; the last one
 * inflated is kept, so that small sequential reads inflate each member once.
 *
 * A reader is not thread-safe: the index and the cached member change on
 * every read.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#define ZLIB_CONST
#include <zlib.h>

#include "gz_format.h"
#include "rproc/rprocdump.h"
#include "util.h"

/* A member with data; empty members are skipped and not indexed. */
struct gz_member {
	uint64_t coff;	/* where the member starts in the file */
	uint64_t uoff;	/* where its data starts in the inflated data */
	uint32_t csize; /* BSIZE + 1 */
	uint32_t usize; /* ISIZE, not 0 */
};

struct rpd_gz_reader {
	int fd;
	char *name;
	uint64_t file_size; /* at open: the file must not change */

	/* Members [0, nmembers) cover inflated bytes [0, scan_uoff). */
	struct gz_member *members;
	size_t nmembers;
	size_t capacity;
	uint64_t scan_coff; /* the first member not scanned yet */
	uint64_t scan_uoff;
	bool scan_complete; /* the end-of-file marker was reached */

	z_stream zs;
	bool zs_ready;
	uint8_t *member_buf; /* one member as stored */
	uint8_t *data_buf;   /* the data of members[cached] */
	size_t cached;	     /* SIZE_MAX: none */
};

/* Fails with a message naming the file and the member at @coff. */
static int __attribute__((format(printf, 4, 5)))
member_fail(const struct rpd_gz_reader *r, int err, uint64_t coff,
	    const char *fmt, ...)
{
	char what[256];
	va_list ap;

	errno = err < 0 ? -err : err; /* for a %m in fmt */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return rpd_fail(err, "%s: member at offset %#" PRIx64 ": %s", r->name,
			coff, what);
}

static int read_error(const struct rpd_gz_reader *r, int err, uint64_t coff)
{
	if (err == -ENODATA)
		return member_fail(r, -ENODATA, coff,
				   "the file shrank while it was read");
	return member_fail(r, err, coff, "read failed: %m");
}

/* ---- member headers ---- */

/*
 * A gzip member without a BGZF block size. At the start of the file that is
 * most likely a core someone compressed with gzip: say what to do about it.
 */
static int not_bgzf(const struct rpd_gz_reader *r, uint64_t coff)
{
	if (!coff)
		return rpd_fail(
			-EBADMSG,
			"%s: gzip file without BGZF block sizes (not written by rproc-collect); inflate it with gunzip first",
			r->name);
	return member_fail(r, -EBADMSG, coff,
			   "gzip header without a BGZF block size");
}

/* Checks the fields up to XLEN (GZ_FIXED_HEADER_SIZE bytes at @h). */
static int check_fixed_header(const struct rpd_gz_reader *r, uint64_t coff,
			      const uint8_t *h)
{
	uint8_t flg = h[GZ_OFF_FLG];

	if (h[0] != GZ_ID1 || h[1] != GZ_ID2) {
		if (!coff)
			return rpd_fail(
				-EBADMSG,
				"%s: not a gzip file (starts with %02x %02x)",
				r->name, h[0], h[1]);
		return member_fail(r, -EBADMSG, coff,
				   "no gzip magic (%02x %02x)", h[0], h[1]);
	}
	if (h[GZ_OFF_CM] != GZ_CM_DEFLATE)
		return member_fail(r, -EBADMSG, coff,
				   "compression method %u is not deflate",
				   h[GZ_OFF_CM]);
	if (flg & GZ_FRESERVED)
		return member_fail(r, -EBADMSG, coff,
				   "reserved header flags %#x are set", flg);
	if (!(flg & GZ_FEXTRA))
		return not_bgzf(r, coff);
	return 0;
}

/*
 * find_bsize() - find the BGZF block size in a member's extra field
 * @x: the @xlen bytes of the extra field
 * @bsize: set to BSIZE, the member's size minus 1
 *
 * The field is a list of subfields (SI1, SI2, SLEN, SLEN bytes); BGZF's is
 * 'B','C' with SLEN 2, and others may come before or after it.
 */
static int find_bsize(const struct rpd_gz_reader *r, uint64_t coff,
		      const uint8_t *x, size_t xlen, uint32_t *bsize)
{
	size_t pos = 0;

	while (pos < xlen) {
		const uint8_t *sub = x + pos;
		size_t slen;

		if (xlen - pos < GZ_SUBFIELD_HEADER_SIZE)
			return member_fail(
				r, -EBADMSG, coff,
				"malformed extra field: %zu stray bytes",
				xlen - pos);
		slen = get_le16(sub + 2);
		pos += GZ_SUBFIELD_HEADER_SIZE;
		if (slen > xlen - pos)
			return member_fail(
				r, -EBADMSG, coff,
				"malformed extra field: subfield of %zu bytes overruns XLEN %zu",
				slen, xlen);
		if (sub[0] == 'B' && sub[1] == 'C' && slen == GZ_BC_SLEN) {
			*bsize = get_le16(x + pos);
			return 0;
		}
		pos += slen;
	}
	return not_bgzf(r, coff);
}

/*
 * read_member_size() - read a member's header up to its extra field
 * @coff: where the member starts
 * @csize: set to the member's size (BSIZE + 1)
 *
 * Reads the header into member_buf, in one pread for the header the writer
 * writes. The size is checked to cover the header read and the trailer,
 * not yet to lie within the file.
 */
static int read_member_size(struct rpd_gz_reader *r, uint64_t coff,
			    uint32_t *csize)
{
	uint64_t avail = r->file_size - coff;
	uint8_t *h = r->member_buf;
	size_t have, header_len;
	uint32_t bsize;
	int ret;

	if (avail < GZ_FIXED_HEADER_SIZE)
		return member_fail(
			r, -ENODATA, coff,
			"truncated: the file ends inside its header");
	have = (size_t)MIN(avail, GZ_BGZF_HEADER_SIZE);
	ret = pread_full(r->fd, h, have, coff);
	if (ret < 0)
		return read_error(r, ret, coff);
	ret = check_fixed_header(r, coff, h);
	if (ret < 0)
		return ret;

	header_len = GZ_FIXED_HEADER_SIZE + get_le16(h + GZ_OFF_XLEN);
	if (header_len + GZ_TRAILER_SIZE > GZ_MAX_MEMBER_SIZE)
		return member_fail(
			r, -EBADMSG, coff,
			"extra field of %zu bytes does not fit a BGZF member",
			header_len - GZ_FIXED_HEADER_SIZE);
	if (header_len > avail)
		return member_fail(
			r, -ENODATA, coff,
			"truncated: the file ends inside its header");
	if (header_len > have) {
		ret = pread_full(r->fd, h + have, header_len - have,
				 coff + have);
		if (ret < 0)
			return read_error(r, ret, coff);
	}

	ret = find_bsize(r, coff, h + GZ_OFF_EXTRA,
			 header_len - GZ_FIXED_HEADER_SIZE, &bsize);
	if (ret < 0)
		return ret;
	*csize = bsize + 1;
	if (*csize < header_len + GZ_TRAILER_SIZE)
		return member_fail(r, -EBADMSG, coff,
				   "BSIZE %" PRIu32
				   " is smaller than its header and trailer",
				   bsize);
	return 0;
}

/* ---- the index ---- */

static int add_member(struct rpd_gz_reader *r, const struct gz_member *m)
{
	if (r->nmembers == r->capacity) {
		size_t capacity = r->capacity ? 2 * r->capacity : 64;
		struct gz_member *members;

		members = reallocarray(r->members, capacity, sizeof(*members));
		if (!members)
			return rpd_fail(-ENOMEM, "%s: out of memory", r->name);
		r->members = members;
		r->capacity = capacity;
	}
	r->members[r->nmembers++] = *m;
	return 0;
}

/*
 * scan_member() - add the next member to the index
 *
 * Reads its header for its size and its trailer for ISIZE; the data is
 * checked only when a read inflates it. An empty member that ends the file
 * is the end-of-file marker.
 */
static int scan_member(struct rpd_gz_reader *r)
{
	struct gz_member m = { .coff = r->scan_coff, .uoff = r->scan_uoff };
	uint8_t trailer[GZ_TRAILER_SIZE];
	int ret;

	if (m.coff == r->file_size)
		return rpd_fail(
			-ENODATA,
			"%s: truncated: no end-of-file member after %#" PRIx64
			" bytes of data",
			r->name, m.uoff);
	ret = read_member_size(r, m.coff, &m.csize);
	if (ret < 0)
		return ret;
	if (!range_within(m.coff, m.csize, r->file_size))
		return member_fail(
			r, -ENODATA, m.coff,
			"truncated: its %" PRIu32
			" bytes run past the end of the file at %#" PRIx64,
			m.csize, r->file_size);

	ret = pread_full(r->fd, trailer, sizeof(trailer),
			 m.coff + m.csize - GZ_TRAILER_SIZE);
	if (ret < 0)
		return read_error(r, ret, m.coff);
	m.usize = get_le32(trailer + 4);
	if (m.usize > GZ_MAX_ISIZE)
		return member_fail(r, -EBADMSG, m.coff,
				   "ISIZE %" PRIu32 " exceeds BGZF's %u",
				   m.usize, GZ_MAX_ISIZE);
	if (m.usize) {
		ret = add_member(r, &m);
		if (ret < 0)
			return ret;
	}

	r->scan_coff += m.csize;
	r->scan_uoff += m.usize;
	if (!m.usize && r->scan_coff == r->file_size)
		r->scan_complete = true;
	return 0;
}

/*
 * find_member() - find the member holding inflated offset @off
 * @index: set to its index in r->members
 *
 * Scans members as far as needed. Returns 1 if found, 0 if @off is at or
 * past the end of the data, or a negative errno (a bad or missing member
 * before @off: the data cannot be known to end there).
 */
static int find_member(struct rpd_gz_reader *r, uint64_t off, size_t *index)
{
	size_t lo = 0, hi;

	while (off >= r->scan_uoff) {
		int ret;

		if (r->scan_complete)
			return 0;
		ret = scan_member(r);
		if (ret < 0)
			return ret;
	}

	/* The last member starting at or before off. */
	hi = r->nmembers;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->members[mid].uoff <= off)
			lo = mid;
		else
			hi = mid;
	}
	*index = lo;
	return 1;
}

/* ---- inflating ---- */

/* Skips a NUL-terminated header field (FNAME, FCOMMENT) at *pos. */
static int skip_string(const struct rpd_gz_reader *r, const struct gz_member *m,
		       size_t *pos, size_t end, const char *what)
{
	const uint8_t *nul = memchr(r->member_buf + *pos, 0, end - *pos);

	if (!nul)
		return member_fail(r, -EBADMSG, m->coff,
				   "%s runs into the trailer", what);
	*pos = (size_t)(nul - r->member_buf) + 1;
	return 0;
}

/*
 * member_data_offset() - parse a member read whole into member_buf
 * @data_off: set to where its deflate data starts
 *
 * Checks the header again (the bytes were read anew) and skips the
 * optional fields other BGZF writers may add.
 */
static int member_data_offset(struct rpd_gz_reader *r,
			      const struct gz_member *m, size_t *data_off)
{
	const uint8_t *h = r->member_buf;
	size_t end = m->csize - GZ_TRAILER_SIZE;
	size_t pos = GZ_FIXED_HEADER_SIZE + get_le16(h + GZ_OFF_XLEN);
	uint32_t bsize;
	int ret;

	ret = check_fixed_header(r, m->coff, h);
	if (ret < 0)
		return ret;
	if (pos > end)
		return member_fail(r, -EBADMSG, m->coff,
				   "header runs into the trailer");
	ret = find_bsize(r, m->coff, h + GZ_OFF_EXTRA,
			 pos - GZ_FIXED_HEADER_SIZE, &bsize);
	if (ret < 0)
		return ret;
	if (bsize + 1 != m->csize)
		return member_fail(r, -EIO, m->coff,
				   "BSIZE changed while the file was read");

	if (h[GZ_OFF_FLG] & GZ_FNAME) {
		ret = skip_string(r, m, &pos, end, "file name");
		if (ret < 0)
			return ret;
	}
	if (h[GZ_OFF_FLG] & GZ_FCOMMENT) {
		ret = skip_string(r, m, &pos, end, "comment");
		if (ret < 0)
			return ret;
	}
	if (h[GZ_OFF_FLG] & GZ_FHCRC)
		pos += 2;
	if (pos > end)
		return member_fail(r, -EBADMSG, m->coff,
				   "header runs into the trailer");
	*data_off = pos;
	return 0;
}

/* Why inflate() stopped before the end of a member's deflate data. */
static int inflate_fail(const struct rpd_gz_reader *r,
			const struct gz_member *m, int zret)
{
	if (zret == Z_MEM_ERROR)
		return rpd_fail(-ENOMEM, "%s: out of memory", r->name);
	if (zret == Z_DATA_ERROR)
		return member_fail(r, -EBADMSG, m->coff,
				   "corrupt deflate data: %s",
				   r->zs.msg ? r->zs.msg : "invalid");
	if (!r->zs.avail_out)
		return member_fail(r, -EBADMSG, m->coff,
				   "inflates to more than %u bytes",
				   GZ_MAX_ISIZE);
	return member_fail(r, -EBADMSG, m->coff,
			   "deflate data ends before its last block");
}

/*
 * inflate_member() - make members[i]'s data the cached one
 *
 * Reads the whole member, inflates it and checks it against its trailer:
 * the deflate data must end at the trailer, and inflate to ISIZE bytes with
 * the stored CRC32.
 */
static int inflate_member(struct rpd_gz_reader *r, size_t i)
{
	const struct gz_member *m = &r->members[i];
	const uint8_t *trailer;
	uint32_t crc, stored_crc;
	size_t data_off = 0;
	int ret, zret;

	if (r->cached == i)
		return 0;
	r->cached = SIZE_MAX;

	ret = pread_full(r->fd, r->member_buf, m->csize, m->coff);
	if (ret < 0)
		return read_error(r, ret, m->coff);
	ret = member_data_offset(r, m, &data_off);
	if (ret < 0)
		return ret;
	trailer = r->member_buf + m->csize - GZ_TRAILER_SIZE;
	if (get_le32(trailer + 4) != m->usize)
		return member_fail(r, -EIO, m->coff,
				   "ISIZE changed while the file was read");

	if (inflateReset(&r->zs) != Z_OK)
		return member_fail(r, -EIO, m->coff, "cannot reset inflate");
	r->zs.next_in = r->member_buf + data_off;
	r->zs.avail_in = (uInt)(m->csize - GZ_TRAILER_SIZE - data_off);
	r->zs.next_out = r->data_buf;
	r->zs.avail_out = GZ_MAX_ISIZE;
	zret = inflate(&r->zs, Z_FINISH);
	if (zret != Z_STREAM_END)
		return inflate_fail(r, m, zret);
	if (r->zs.avail_in)
		return member_fail(
			r, -EBADMSG, m->coff,
			"%u bytes between the deflate data and the trailer",
			r->zs.avail_in);
	if (r->zs.total_out != m->usize)
		return member_fail(r, -EBADMSG, m->coff,
				   "inflates to %lu bytes, ISIZE says %" PRIu32,
				   r->zs.total_out, m->usize);

	crc = (uint32_t)crc32(0, r->data_buf, m->usize);
	stored_crc = get_le32(trailer);
	if (crc != stored_crc)
		return member_fail(r, -EBADMSG, m->coff,
				   "CRC32 mismatch: data has %08" PRIx32
				   ", trailer says %08" PRIx32,
				   crc, stored_crc);
	r->cached = i;
	return 0;
}

/* ---- public ---- */

ssize_t rpd_gz_reader_pread(struct rpd_gz_reader *r, void *buf, size_t len,
			    uint64_t off)
{
	uint8_t *p = buf;
	size_t done = 0;

	len = (size_t)MIN(len, (uint64_t)SSIZE_MAX);
	len = (size_t)MIN(len, UINT64_MAX - off);
	while (done < len) {
		const struct gz_member *m;
		uint64_t pos = off + done;
		size_t i, skip, n;
		int ret;

		ret = find_member(r, pos, &i);
		if (ret < 0)
			return ret;
		if (!ret)
			break;
		ret = inflate_member(r, i);
		if (ret < 0)
			return ret;
		m = &r->members[i];
		skip = (size_t)(pos - m->uoff);
		n = MIN(m->usize - skip, len - done);
		memcpy(p + done, r->data_buf + skip, n);
		done += n;
	}
	return (ssize_t)done;
}

int rpd_gz_reader_size(struct rpd_gz_reader *r, uint64_t *size)
{
	while (!r->scan_complete) {
		int ret = scan_member(r);

		if (ret < 0)
			return ret;
	}
	*size = r->scan_uoff;
	return 0;
}

bool rpd_gz_detect(int fd)
{
	uint8_t magic[2];

	return pread_full(fd, magic, sizeof(magic), 0) == 0 &&
	       magic[0] == GZ_ID1 && magic[1] == GZ_ID2;
}

static int reader_init(struct rpd_gz_reader *r)
{
	struct stat st;
	uint32_t csize;

	if (fstat(r->fd, &st) < 0)
		return rpd_fail(-errno, "%s: %m", r->name);
	if (!S_ISREG(st.st_mode))
		return rpd_fail(-ESPIPE, "%s: not a regular file", r->name);
	if (!st.st_size)
		return rpd_fail(-EBADMSG, "%s: empty file, not a gzip file",
				r->name);
	r->file_size = (uint64_t)st.st_size;

	r->member_buf = malloc(GZ_MAX_MEMBER_SIZE);
	r->data_buf = malloc(GZ_MAX_ISIZE);
	if (!r->member_buf || !r->data_buf)
		return rpd_fail(-ENOMEM, "%s: out of memory", r->name);
	/* Raw inflate (-15): the reader parses the gzip framing. */
	if (inflateInit2(&r->zs, -15) != Z_OK)
		return rpd_fail(-ENOMEM, "%s: cannot set up inflate", r->name);
	r->zs_ready = true;

	/* Tell a file that is not a .core.gz at all from the start. */
	return read_member_size(r, 0, &csize);
}

int rpd_gz_reader_open(int fd, const char *name, struct rpd_gz_reader **out)
{
	struct rpd_gz_reader *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return rpd_fail(-ENOMEM, "out of memory");
	r->fd = fd;
	r->cached = SIZE_MAX;
	r->name = strdup(name ? name : "compressed core");
	if (!r->name) {
		free(r);
		return rpd_fail(-ENOMEM, "out of memory");
	}

	ret = reader_init(r);
	if (ret < 0) {
		rpd_gz_reader_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void rpd_gz_reader_free(struct rpd_gz_reader *r)
{
	if (!r)
		return;
	if (r->zs_ready)
		inflateEnd(&r->zs);
	free(r->data_buf);
	free(r->member_buf);
	free(r->members);
	free(r->name);
	free(r);
}

static ssize_t reader_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	return rpd_gz_reader_pread(ctx, buf, len, off);
}

/*
 * A container cut short (a collector killed while spooling) still serves
 * its complete members: what was spooled before the cut is worth keeping,
 * and the devcoredump reader marks the dump truncated.
 */
int rpd_gz_reader_as_reader(struct rpd_gz_reader *r, struct rpd_reader *out)
{
	uint64_t size;
	int ret = rpd_gz_reader_size(r, &size);

	if (ret == -ENODATA)
		size = r->scan_uoff;
	else if (ret < 0)
		return ret;
	*out = (struct rpd_reader){ .pread = reader_pread,
				    .ctx = r,
				    .size = size };
	return 0;
}
