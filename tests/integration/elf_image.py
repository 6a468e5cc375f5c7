# SPDX-License-Identifier: LGPL-2.1-or-later
"""An independent reader of ELF images (32 or 64 bit, little-endian) for
the tests: program headers and notes, parsed without the project's code."""
import struct


def elf_phdrs(data):
    is64 = data[4] == 2
    if is64:
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    else:
        phoff, = struct.unpack_from("<I", data, 0x1c)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x2a)
    out = []
    for i in range(phnum):
        off = phoff + i * phentsize
        if is64:
            t, fl, o, va, pa, fs, ms, _ = struct.unpack_from("<IIQQQQQQ",
                                                             data, off)
        else:
            t, o, va, pa, fs, ms, fl, _ = struct.unpack_from("<IIIIIIII",
                                                             data, off)
        out.append(dict(type=t, offset=o, vaddr=va, paddr=pa, filesz=fs,
                        memsz=ms, flags=fl))
    return out


def elf_notes(data):
    notes = []
    for ph in elf_phdrs(data):
        if ph["type"] != 4:  # PT_NOTE
            continue
        pos, end = ph["offset"], ph["offset"] + ph["filesz"]
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
            pos += 12
            name = data[pos:pos + namesz].rstrip(b"\0").decode()
            pos += (namesz + 3) & ~3
            notes.append((name, ntype, data[pos:pos + descsz]))
            pos += (descsz + 3) & ~3
    return notes
