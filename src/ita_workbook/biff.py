"""An .xls's BIFF records (MS-XLS 2.1): its workbook stream, taken out of the OLE file once, and its
records walked from any offset within a bound that a forged file cannot stretch."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

BOUNDSHEET, EOF = 0x0085, 0x000A  # a sheet's place in the stream; the end of a substream


def workbook_stream(xls: bytes) -> bytes | None:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an .xls; b"" when it has neither, None when
    olefile cannot open it (calamine read it: an .xls olefile cannot read is one calamine reads
    differently, and what is looked for in the records is then left unlooked for)."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(xls)) as ole:
            stream = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            return ole.openstream(stream).read() if stream else b""
    except (OSError, ValueError, IndexError, TypeError, struct.error):  # olefile's own errors are OSErrors
        return None


class Records:
    """One pass's walks over a stream's records. All the walks of one Records together step over at
    most a record per 4 bytes of the stream: a forged file's sheets all pointing at its start cost
    one pass, not one a sheet."""

    def __init__(self, data: bytes):
        self.data = data
        self.budget = len(data) // 4

    def at(self, pos: int) -> Iterator[tuple[int, bytes]]:
        """(record type, body) from `pos` to the end of its substream."""
        data = self.data
        while pos + 4 <= len(data) and self.budget > 0:
            self.budget -= 1
            kind, size = struct.unpack_from("<HH", data, pos)
            yield kind, data[pos + 4:pos + 4 + size]
            if kind == EOF:
                return
            pos += 4 + size

    def sheet_starts(self) -> list[int]:
        """Each sheet's substream's offset, in the workbook's order (its BOUNDSHEET records)."""
        return [struct.unpack_from("<I", body)[0] for kind, body in self.at(0) if kind == BOUNDSHEET and len(body) >= 4]
