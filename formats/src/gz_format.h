/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gz_format.h - the .core.gz container: its specification, and the
 * constants gz_writer.c and gz_reader.c share.
 *
 * A .core.gz file is a sequence of independent gzip members (RFC 1952) in
 * the BGZF layout (the "Blocked GNU Zip Format" of the SAM/BAM
 * specification), so that:
 *   - gzip, gunzip and zcat read it as one ordinary gzip file: concatenated
 *     members inflate to the concatenation of their data;
 *   - members are compressed in parallel, each on its own;
 *   - a reader finds the member holding any offset by reading member headers
 *     and trailers only, and inflates just the members a read overlaps.
 *
 * Member layout (multi-byte fields little-endian):
 *
 *   offset  size  field
 *   0       1     ID1    0x1f
 *   1       1     ID2    0x8b
 *   2       1     CM     8 (deflate)
 *   3       1     FLG    0x04 (FEXTRA)
 *   4       4     MTIME  0 (the core says when the crash happened)
 *   8       1     XFL    2 if written with level 9, 4 with level 1, else 0
 *   9       1     OS     0xff (unknown)
 *   10      2     XLEN   6
 *   12      1     SI1    'B'
 *   13      1     SI2    'C'
 *   14      2     SLEN   2
 *   16      2     BSIZE  size of the whole member minus 1
 *   18      n     raw deflate data (RFC 1951)
 *   18+n    4     CRC32  of the inflated data
 *   22+n    4     ISIZE  size of the inflated data
 *
 * The writer cuts its input into members of RPD_GZ_MEMBER_INPUT (0xff00)
 * bytes; only the last member with data may hold fewer. 0xff00 bytes that
 * do not compress at all still fit 64 KiB with the header and trailer
 * (deflate stores them with 5 bytes per stored block), so BSIZE always fits
 * its 16 bits.
 *
 * The file ends with the 28-byte BGZF end-of-file marker, an empty member:
 *
 *   1f 8b 08 04 00 00 00 00 00 ff 06 00 42 43 02 00
 *   1b 00 03 00 00 00 00 00 00 00 00 00
 *
 * so a file cut short at a member boundary is told apart from a whole one.
 *
 * The reader accepts more than the writer writes, so that files of other
 * BGZF writers open too:
 *   - FLG may also have FTEXT, FHCRC, FNAME and FCOMMENT (the fields are
 *     skipped); reserved FLG bits are an error;
 *   - the extra field may hold other subfields besides 'B','C' (SLEN 2);
 *   - ISIZE may be up to 65536;
 *   - empty members may appear anywhere; the last member must be empty.
 * Every member is checked: the header fields above, BSIZE + 1 covering its
 * header and trailer and staying within the file, the deflate data ending
 * exactly at the trailer, the inflated size equal to ISIZE and its CRC32
 * equal to CRC32.
 *
 * Truncation: bytes held by complete members read back even when the file
 * was cut after them. The size of the data is known only when the
 * end-of-file marker is present; without it rpd_gz_reader_size() and reads
 * past the last complete member fail with -ENODATA ("truncated").
 */
#ifndef RPD_GZ_FORMAT_H
#define RPD_GZ_FORMAT_H

/* Header fields. */
#define GZ_ID1 0x1f
#define GZ_ID2 0x8b
#define GZ_CM_DEFLATE 8
#define GZ_OS_UNKNOWN 0xff

#define GZ_XFL_SLOWEST 2
#define GZ_XFL_FASTEST 4

/* FLG bits. */
#define GZ_FTEXT 0x01
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_FRESERVED 0xe0

/* Field offsets in a member. */
enum {
	GZ_OFF_CM = 2,
	GZ_OFF_FLG = 3,
	GZ_OFF_MTIME = 4,
	GZ_OFF_XFL = 8,
	GZ_OFF_OS = 9,
	GZ_OFF_XLEN = 10,
	GZ_OFF_EXTRA = 12, /* first subfield */
	GZ_OFF_BSIZE = 16, /* in the header the writer writes */
};

/* A gzip header up to XLEN, and a BGZF header with its one subfield. */
#define GZ_FIXED_HEADER_SIZE 12
#define GZ_BGZF_HEADER_SIZE 18
#define GZ_BGZF_XLEN 6
#define GZ_SUBFIELD_HEADER_SIZE 4
#define GZ_BC_SLEN 2

/* CRC32 and ISIZE. */
#define GZ_TRAILER_SIZE 8

/* BSIZE is 16 bits: no member exceeds 64 KiB. */
#define GZ_MAX_MEMBER_SIZE 0x10000

/* Largest ISIZE accepted; the BGZF specification's limit. */
#define GZ_MAX_ISIZE 0x10000

#define GZ_EOF_MEMBER_SIZE 28

#endif /* RPD_GZ_FORMAT_H */
