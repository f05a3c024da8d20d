"""What a photo or video upload is, found from its content; photos re-encoded for storage (issue 13, point 3).

Pure functions on bytes and file objects, no database: the attachments service applies the policy
limits and stores the results. The file name and the browser's content type are never trusted.

- Photos: JPEG, PNG or WebP as Pillow reads them. The stored copy is the image turned upright (EXIF
  orientation applied), downscaled to the policy's longer side and saved as JPEG *without* EXIF, so
  the GPS position a phone writes into every photo never reaches the server's disk; plus a thumbnail.
- Videos: MP4 / QuickTime (an ISO-BMFF "ftyp" box) or WebM (EBML header with the "webm" doctype),
  stored as uploaded. The length is read from an MP4/QuickTime "mvhd" box; WebM's is not read.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 60_000_000  # a decompression bomb is refused before it is decoded
THUMB_EDGE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 75
HEAD_BYTES = 64
QUICKTIME_BRANDS = {b"qt  "}
# the boxes a player needs before the moov box; others (free, skip, wide, mdat, uuid) are skipped over
MAX_BOXES = 64


class NotMedia(Exception):
    """The content is neither an accepted photo nor an accepted video."""


@dataclass(frozen=True)
class Sniffed:
    media: str  # "photo" or "video" (service.choices.MediaKind)
    content_type: str


@dataclass(frozen=True)
class Photo:
    data: bytes  # the stored copy: JPEG, upright, no EXIF
    thumbnail: bytes  # JPEG, at most THUMB_EDGE on the longer side
    width: int
    height: int


def sniff(head: bytes) -> Sniffed:
    """Photo or video from the first bytes of the file. Raises NotMedia for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("photo", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("photo", "image/png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("photo", "image/webp")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return Sniffed("video", "video/quicktime" if brand in QUICKTIME_BRANDS else "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:HEAD_BYTES]:
        return Sniffed("video", "video/webm")
    raise NotMedia()


def photo_prepare(stream: IO[bytes], *, max_edge: int) -> Photo:
    """The stored copy and thumbnail of a photo. Raises NotMedia when Pillow cannot read it."""
    try:
        with Image.open(stream) as image:
            if image.format not in PHOTO_FORMATS:
                raise NotMedia()
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise NotMedia()
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise NotMedia() from exc
    rgb = upright.convert("RGB")
    rgb.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    stored = _jpeg(rgb, JPEG_QUALITY)
    thumb = rgb.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return Photo(data=stored, thumbnail=_jpeg(thumb, THUMB_QUALITY), width=rgb.width, height=rgb.height)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= argument: none is written
    return out.getvalue()


def video_duration(stream: IO[bytes]) -> Decimal | None:
    """Seconds from the "mvhd" box of an MP4/QuickTime file (one decimal); None when not found or the
    boxes are cut short (a truncated or odd file is judged by its size alone)."""
    try:
        return _duration(stream)
    except (struct.error, IndexError, OSError, ValueError):
        return None


def _duration(stream: IO[bytes]) -> Decimal | None:
    stream.seek(0)
    for _i in range(MAX_BOXES):
        header = stream.read(8)
        if len(header) < 8:
            return None
        size, name = struct.unpack(">I4s", header)
        header_size = 8
        if size == 1:
            size = struct.unpack(">Q", stream.read(8))[0]
            header_size = 16
        if name == b"moov":
            return _mvhd_in(stream, size - header_size)
        if size < header_size:  # 0: the box runs to the end of the file
            return None
        stream.seek(size - header_size, io.SEEK_CUR)
    return None


def _mvhd_in(stream: IO[bytes], length: int) -> Decimal | None:
    end = stream.tell() + length
    while stream.tell() + 8 <= end:
        size, name = struct.unpack(">I4s", stream.read(8))
        if name == b"mvhd":
            version = stream.read(4)[0]
            if version == 1:
                _created, _modified, timescale, duration = struct.unpack(">QQIQ", stream.read(28))
            else:
                _created, _modified, timescale, duration = struct.unpack(">IIII", stream.read(16))
            if not timescale:
                return None
            return (Decimal(duration) / Decimal(timescale)).quantize(Decimal("0.1"))
        if size < 8:
            return None
        stream.seek(size - 8, io.SEEK_CUR)
    return None
