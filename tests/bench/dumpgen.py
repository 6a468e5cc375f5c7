# SPDX-License-Identifier: LGPL-2.1-or-later
"""Devcoredumps that look like a remote's memory, for benchmarks.

make_dump(path, size_mib) writes the exact layout of Linux 6.12's
rproc_coredump() (ELF32 ET_CORE, EM_NONE, one RWX PT_LOAD per region at its
device address) over two regions, a quarter code and the rest RAM, filled
MiB by MiB with a fixed mix: 40% zero runs, 40% code-like bytes (a small
alphabet of Thumb-2 opcode bytes), 20% incompressible data.
"""
import random
import struct

MIB = 1 << 20


def make_dump(path, size_mib):
    code_mib = max(1, size_mib // 4)
    regions = [(0x00000000, code_mib * MIB),
               (0x20000000, (size_mib - code_mib) * MIB)]
    ehdr_size, phdr_size = 52, 32
    offset = ehdr_size + phdr_size * len(regions)
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
    hdr = ident + struct.pack("<HHIIIIIHHHHHH", 4, 0, 1, 0, ehdr_size, 0, 0,
                              ehdr_size, phdr_size, len(regions), 0, 0, 0)
    for da, size in regions:
        hdr += struct.pack("<IIIIIIII", 1, offset, da, da, size, size, 7, 0)
        offset += size
    rnd = random.Random(1)
    code = bytes(rnd.choice(b"\x00\x20\x46\x68\xb5\xbd\xf0\xe7\x4b\x10")
                 for _ in range(MIB))
    noise = rnd.randbytes(MIB)
    zeros = bytes(MIB)
    with open(path, "wb") as f:
        f.write(hdr)
        for i in range(size_mib):
            kind = (i * 7) % 10
            f.write(zeros if kind < 4 else code if kind < 8 else noise)
    return regions


def patched_layout(dump, info):
    """The mainline ELF32 dump `dump` as the rprocdump kernel series exports
    it: a first PT_NOTE holding an RPROC info note of the key=value pairs
    of `info`, the PT_LOADs' data moved after it."""
    phoff, = struct.unpack_from("<I", dump, 28)
    phnum, = struct.unpack_from("<H", dump, 44)
    desc = b"".join(b"%s=%s\0" % (k.encode(), str(v).encode())
                    for k, v in info.items())
    name = b"RPROC\0"
    note = (struct.pack("<III", len(name), len(desc), 1) +
            name + bytes(-len(name) % 4) + desc + bytes(-len(desc) % 4))
    note_off = phoff + 32 * (phnum + 1)
    shift = note_off + len(note) - (phoff + 32 * phnum)
    phdrs = struct.pack("<IIIIIIII", 4, note_off, 0, 0, len(note), 0, 0, 4)
    for i in range(phnum):
        fields = list(struct.unpack_from("<IIIIIIII", dump, phoff + 32 * i))
        fields[1] += shift
        phdrs += struct.pack("<IIIIIIII", *fields)
    ehdr = bytearray(dump[:phoff])
    struct.pack_into("<H", ehdr, 44, phnum + 1)
    return bytes(ehdr) + phdrs + note + dump[phoff + 32 * phnum:]
