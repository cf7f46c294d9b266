"""Static files as the real server sends them: collectstatic with the project's storage, then WhiteNoise
answering with brotli or gzip and caching content-hashed names for good."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
from whitenoise.compress import Compressor

STATIC = Path(settings.BASE_DIR) / "static"
FOREVER = "max-age=315360000, public, immutable"


def _vite_entry() -> str:
    """The schedule page's entry chunk as `npm run build` named it (a stand-in when not built)."""
    manifest = STATIC / "dist" / ".vite" / "manifest.json"
    if manifest.exists():
        return str(json.loads(manifest.read_text())["src/main.tsx"]["file"])
    return "assets/main-AbC_12-x.js"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory):
    """A source folder with the site's stylesheet and the front end's entry chunk, collected by the real
    storage into a fresh STATIC_ROOT; settings as the server runs them (no finders). Collected once for the
    module: compressing every app's files (Swagger UI's among them) with brotli takes most of a minute."""
    tmp_path = tmp_path_factory.mktemp("collected")
    source, root = tmp_path / "static", tmp_path / "root"
    entry = _vite_entry()
    (source / "css").mkdir(parents=True)
    shutil.copy(STATIC / "css" / "medic.css", source / "css" / "medic.css")
    (source / "dist" / "assets").mkdir(parents=True)
    built = STATIC / "dist" / entry
    if built.exists():
        shutil.copy(built, source / "dist" / entry)
    else:
        (source / "dist" / entry).write_text("export const x = 1;\n" * 2000)
    with override_settings(
        STATICFILES_DIRS=[source],
        STATIC_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "medic.staticfiles.MedicStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield entry


def test_own_files_get_a_content_hashed_name(collected: str) -> None:
    url = static("css/medic.css")
    assert url.startswith("/static/css/medic.") and url != "/static/css/medic.css"


def test_the_front_end_keeps_vites_names(collected: str) -> None:
    """Its chunks import each other by Vite's names: a second hash would make the page fetch both."""
    assert static(f"dist/{collected}") == f"/static/dist/{collected}"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_dist_asset_is_compressed_and_cached_for_good(collected: str, encoding: str) -> None:
    response = Client().get(f"/static/dist/{collected}", HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert response["Cache-Control"] == FOREVER
    assert "Accept-Encoding" in response["Vary"]


def test_a_hashed_stylesheet_is_compressed_and_cached_for_good(collected: str) -> None:
    response = Client().get(static("css/medic.css"), HTTP_ACCEPT_ENCODING="br")
    assert response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == FOREVER


def test_an_unhashed_name_is_cached_briefly(collected: str) -> None:
    response = Client().get("/static/css/medic.css", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


def test_collecting_again_does_not_compress_the_unchanged_build_again(
    collected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run` collects on every start: the front end's large chunks must not be compressed each time."""
    compressed: list[str] = []
    original = Compressor.compress

    def spy(self: Compressor, path: str) -> list[str]:
        compressed.append(path)
        result: list[str] = original(self, path)
        return result

    monkeypatch.setattr(Compressor, "compress", spy)
    call_command("collectstatic", interactive=False, verbosity=0)
    assert not [path for path in compressed if "/dist/" in path]
    assert (Path(settings.STATIC_ROOT) / "dist" / f"{collected}.br").exists()
