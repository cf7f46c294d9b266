"""Static files as the server sends them: content-hashed names cached for good, gzip and brotli copies.

`collectstatic` (run by `make run`) copies everything to STATIC_ROOT; this storage then gives each of our own
files a content-hashed name (Django's manifest) and writes `.gz`/`.br` beside every file, which WhiteNoise
serves by the browser's Accept-Encoding. The front end's build (static/dist/) is hashed by Vite already and
its chunks import each other by those names, so it keeps them: renamed once more, a page would preload one
name while the code imports another.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

VITE_PREFIX = "dist/"


class _IncrementalCompressor(Compressor):
    """Skips a file whose `.br`/`.gz` already match it (WhiteNoise stamps them with the file's mtime), so a
    `make run` after an unchanged build does not compress every file again."""

    def compress(self, path: str) -> list[str]:
        mtime = os.stat(path).st_mtime
        wanted = [s for s, on in ((".br", self.use_brotli), (".gz", self.use_gzip)) if on]
        existing = [path + s for s in wanted if os.path.exists(path + s)]
        if len(existing) == len(wanted) > 0 and all(os.stat(p).st_mtime == mtime for p in existing):
            return existing
        result: list[str] = super().compress(path)
        return result


class MedicStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def post_process(
        self, paths: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Iterator[tuple[str, Any, Any]]:
        ours = {name: value for name, value in paths.items() if not name.startswith(VITE_PREFIX)}
        yield from super().post_process(ours, *args, **kwargs)
        if kwargs.get("dry_run"):
            return
        vite = [name for name in paths if name.startswith(VITE_PREFIX) and not name.startswith("dist/.vite/")]
        for name, compressed_name in self.compress_files(vite):
            yield name, compressed_name, True

    def stored_name(self, name: str) -> str:
        if name.startswith(VITE_PREFIX):
            return name
        try:
            stored: str = super().stored_name(name)
        except ValueError:
            # Not collected (collectstatic has not run since the file appeared): its plain name, served from
            # the source folders when WhiteNoise uses the finders, rather than a broken page.
            return name
        return stored

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _IncrementalCompressor(**kwargs)
