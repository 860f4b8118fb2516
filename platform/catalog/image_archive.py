"""Read garment images out of an uploaded ZIP without trusting its names or sizes."""

import posixpath
import zipfile
from typing import BinaryIO

from core.exceptions import ApplicationError


class ImageArchive:
    """The image files of a ZIP, found by their path or, failing that, their file name."""

    def __init__(self, source: BinaryIO | None, *, max_member_bytes: int) -> None:
        self._max = max_member_bytes
        self._zip: zipfile.ZipFile | None = None
        self._by_path: dict[str, zipfile.ZipInfo] = {}
        self._by_name: dict[str, list[zipfile.ZipInfo]] = {}
        if source is None:
            return
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ApplicationError(
                "The images file is not a readable ZIP archive.", code="bad_zip"
            ) from exc
        for info in self._zip.infolist():
            path = info.filename.replace("\\", "/")
            if (
                info.is_dir()
                or path.startswith("__MACOSX/")
                or posixpath.basename(path).startswith(".")
            ):
                continue
            self._by_path[path.lower()] = info
            self._by_name.setdefault(posixpath.basename(path).lower(), []).append(info)

    def read(self, name: str) -> bytes:
        """The bytes of ``name``; raises LookupError/ValueError with a readable reason."""
        info = self.find(name)
        assert self._zip is not None  # find() raised otherwise
        try:
            with self._zip.open(info) as member:
                data = member.read(self._max + 1)  # never trust the declared size
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ValueError(f"Image {name!r} is damaged inside the ZIP.") from exc
        if len(data) > self._max:
            raise ValueError(f"Image {name!r} is larger than {self._max // (1024 * 1024)} MB.")
        return data

    def find(self, name: str) -> zipfile.ZipInfo:
        """The member for ``name`` without reading it; raises LookupError/ValueError like read."""
        if self._zip is None:
            raise LookupError(f"Image {name!r} is listed but no ZIP of images was uploaded.")
        key = name.replace("\\", "/").lower().lstrip("/")
        info = self._by_path.get(key)
        if info is None:
            candidates = self._by_name.get(posixpath.basename(key), [])
            if len(candidates) > 1:
                raise LookupError(
                    f"Image {name!r} matches several files in the ZIP; give its folder."
                )
            info = candidates[0] if candidates else None
        if info is None:
            raise LookupError(f"Image {name!r} is not in the ZIP.")
        if info.file_size > self._max:
            raise ValueError(f"Image {name!r} is larger than {self._max // (1024 * 1024)} MB.")
        return info
