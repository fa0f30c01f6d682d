"""What a file is, from its first bytes: a name or a declared type says nothing (a renamed .exe stays an .exe)."""

from __future__ import annotations

from typing import Literal

Sniffed = Literal["jpeg", "png", "mp4"]
MP4_BRANDS = (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV")


def sniff(head: bytes) -> Sniffed | None:
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    return None


def describe(head: bytes) -> str:
    """A few words on what a refused file looks like, for the message."""
    if head[:2] == b"MZ":
        return "Windows 可执行程序"
    if head[:4] == b"PK\x03\x04":
        return "压缩包或 Office 文档"
    if head[:4] == b"%PDF":
        return "PDF 文件"
    if head[4:8] == b"ftyp":
        return "非 MP4 的视频（如 MOV）"
    return "无法识别的文件"
