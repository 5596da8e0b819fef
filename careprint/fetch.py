"""The only way a render reads a file: a URL fetcher that serves the project's files, careprint's theme and the font
package, and nothing else: no network, no escape by .. or a symbolic link, no FIFO or device.

Kept apart from careprint.render (which lays out and writes the PDF) because what may be read is a decision of its
own: a project's file first, else the theme's templates/ or styles/ file of the same name (careprint.project.THEME,
which a project overrides file by file), each recorded with its hash so that an incremental build sees a change
(careprint.plan.is_up_to_date finds the same file again by the same name).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from .files import MiB, describe_os_error, read_file, real_path
from .fonts import FONT_FOLDERS
from .project import THEME, THEME_FOLDERS, theme_file

# Files are served under fixed virtual addresses, not their real paths: WeasyPrint names resources after their
# URL, so real paths would make the PDF bytes depend on the folder the project was checked out in. Font files are
# named `font:<family key>/<file>` in the font stylesheets (styles/fonts/, careprint.fonts.FONT_FOLDERS).
PROJECT_URL = "file:///careprint/project/"
FONTS_URL = "font:"


MAX_RESOURCE_BYTES = 32 * MiB  # a picture, a stylesheet or a font file


def shown_url(url: object) -> str:
    """A resource address as a user should see it: a project file from the project, a font as fonts/..."""
    text = str(url)
    if text.startswith(PROJECT_URL):
        return text.removeprefix(PROJECT_URL)
    return "fonts/" + text.removeprefix(FONTS_URL) if text.startswith(FONTS_URL) else text


def make_fetcher(project_root: Path, theme: Path = THEME):
    """A URL fetcher that serves only the project's files, the theme's templates/ and styles/ (for a file the
    project does not have) and the font files; no network, no escape by .. or symlink.

    Its responses carry the bytes alone, never a path: WeasyPrint reads a PNG or JPEG a second time from the disk
    when the response names a local file (images.RasterImage, through URLFetcherResponse.path), and for a file: URL
    that is the virtual path itself, so a real file at /careprint/project/images/x.png would be embedded instead of
    the project's picture."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BytesResponse(URLFetcherResponse):
        path = None  # the bytes fetched are the only source: nothing is read again from the disk

    project = real_path(project_root)
    theme_folders = {folder: real_path(theme / folder) for folder in THEME_FOLDERS}
    font_folders = {key: real_path(folder) for key, folder in FONT_FOLDERS.items()}

    def local_file(url: str) -> tuple[Path, Path, str] | str:
        """The folder a URL may be served from, the file it names there and how the manifest names that folder; or
        why it is refused. A project file is the project's own, else the theme's (careprint.project.theme_file)."""
        if url.startswith(PROJECT_URL):
            name = unquote(urlparse(url).path.removeprefix(urlparse(PROJECT_URL).path))
            found = theme_file(project, name, theme)
            if found == project / name:
                return project, real_path(found), ""
            folder = name.split("/")[0]  # templates or styles: the theme is served from those two folders alone
            return theme_folders[folder], real_path(found), f"{folder}/"
        if url.startswith(FONTS_URL):
            key, _, name = unquote(urlparse(url).path).partition("/")
            if key not in font_folders:
                return f"careprint has no font folder {key!r}"
            return font_folders[key], real_path(font_folders[key] / name), ""
        if "://" in url and not url.startswith("file:"):
            return "the network is never used"
        return "only files inside the project may be used"

    class ProjectFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.refused: list[str] = []
            self.served: dict[str, str] = {}

        def fetch(self, url: str, headers=None):
            found = local_file(url)
            if isinstance(found, str):
                return self._refuse(url, found)
            root, path, prefix = found
            if not path.is_relative_to(root):
                where = "project" if root == project else "theme" if root in theme_folders.values() else \
                    "font package"
                return self._refuse(url, f"the file is outside the {where}")
            if not os.path.lexists(path):
                return self._refuse(url, "the file does not exist")
            try:
                body = read_file(path, MAX_RESOURCE_BYTES)
            except OSError as error:
                return self._refuse(url, describe_os_error(error)[0])
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if url.startswith(PROJECT_URL):  # fonts are part of careprint's own fingerprint (plan.py)
                # named from the project root, as careprint.project.theme_file finds it again (plan.is_up_to_date)
                self.served[prefix + path.relative_to(root).as_posix()] = hashlib.sha256(body).hexdigest()
            return BytesResponse(url, body=body, headers={"Content-Type": content_type})

        def _refuse(self, url: str, why: str):
            shown = shown_url(url)
            self.refused.append(f"{shown}: refused, {why}")
            raise ValueError(f"careprint refused {shown}: {why}")

    return ProjectFetcher()
