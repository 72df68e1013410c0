"""Many pages at once: a ZIP file (or a folder) of saved pages of one plan website.

A plan website has one page per goal, action plan or action. Saved page by page
(HTML, or text copied from it) and put in one ZIP, they become one plan:

1. The archive is checked before anything is unpacked (:func:`check_archive`):
   the number of entries, the sum of the unpacked sizes, each member's
   compression ratio (a zip bomb), names that point outside the archive
   (``../``, absolute paths), folders nested too deep, an archive inside the
   archive and encrypted members are refused with a clear message. While the
   pages are unpacked the bytes are counted again (the directory can lie).
2. Every page (``.html``, ``.htm``, ``.txt``, ``.md``) is read on its own by
   :func:`~koers.importers.pipeline.import_document` (readers, noise, family).
3. The pages' drafts are merged (:func:`merge_pages`), in the order of their
   names (``index`` first, shallow folders first): a page's top item whose code
   (or, failing that, whose title) is an item of another page becomes that
   item's content; a page whose own title is such an item brings its items in as
   that item's children; a coded item whose code extends another item's code
   (``PE1-01-03`` under ``PE1-01``) goes under it; the rest stays at the top.
   A link made by title alone carries a warning. Every element keeps its page's
   name in its source.

:func:`zip_folder` packs a folder's pages in memory, so that ``koers import`` on a
folder reads exactly as the upload of the same pages in a ZIP.
"""

import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path, PurePosixPath

from koers.importers.draft import Draft, DraftItem, Warning
from koers.importers.errors import DocumentError
from koers.importers.limits import (
    MESSAGES as LIMIT_MESSAGES,
)
from koers.importers.limits import (
    RATIO_FLOOR,
    ImportLimits,
    UnpackedCount,
    check,
    limit_error,
    megabytes,
    member_chunks,
    stated_entries,
)
from koers.importers.lines import Line, Source

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".text", ".md", ".markdown")
ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz")
MAX_FOLDER_DEPTH = 12
CODE_SEPARATORS = "-./_ "
TITLE_MIN = 4  # shorter titles ('Doel') are never linked by title alone

MESSAGES = {
    "broken_zip": "The ZIP file is damaged and cannot be read.",
    "unsafe_name": (
        "The ZIP file contains a file name that points outside the archive ('%(name)s'); "
        "nothing was read."
    ),
    "nested_archive": (
        "The ZIP file contains another archive ('%(name)s'); unpack it and put its pages "
        "in the one ZIP file."
    ),
    "too_deep_folders": (
        "A file in the ZIP file lies %(value)s folders deep; the limit is %(limit)s."
    ),
    "encrypted_zip": (
        "The ZIP file is protected with a password; make a ZIP file without a password."
    ),
    "no_pages": "The ZIP file or folder contains no pages (.html, .htm, .txt or .md).",
}


def archive_error(code: str, **params) -> DocumentError:
    return DocumentError(code, MESSAGES[code], **params)


# -- checking and unpacking -----------------------------------------------------------------


def check_archive(data: bytes, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """Refuse a hostile or unreadable archive before unpacking; return its page members."""
    check("too_many_entries", stated_entries(data), limits.max_zip_entries)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise archive_error("broken_zip") from error
    check("too_many_entries", len(infos), limits.max_zip_entries)
    declared = 0
    pages = []
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise archive_error("unsafe_name", name=name[:200])
        if info.is_dir():
            continue
        check_depth(len([part for part in parts if part]) - 1)
        lower = name.lower()
        if lower.endswith(ARCHIVE_SUFFIXES):
            raise archive_error("nested_archive", name=name[:200])
        if not is_page(name):
            continue
        if info.flag_bits & 0x1:
            raise archive_error("encrypted_zip")
        declared += info.file_size
        if info.file_size > RATIO_FLOOR:
            check(
                "compression_ratio",
                info.file_size // max(info.compress_size, 1),
                limits.max_compression_ratio,
            )
        pages.append(info)
    if declared > limits.max_unpacked_bytes:
        raise limit_error(
            "too_large_unpacked",
            value=megabytes(declared),
            limit=megabytes(limits.max_unpacked_bytes),
        )
    if not pages:
        raise archive_error("no_pages")
    return sorted(pages, key=lambda info: page_order(info.filename))


def check_depth(depth: int) -> None:
    if depth > MAX_FOLDER_DEPTH:
        raise archive_error("too_deep_folders", value=depth, limit=MAX_FOLDER_DEPTH)


def is_page(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    if any(part.startswith(".") or part == "__MACOSX" for part in path.parts):
        return False
    return path.suffix.lower() in PAGE_SUFFIXES


def page_order(name: str) -> tuple:
    """Shallow folders first, ``index`` pages first in their folder, then by name with
    the numbers in it compared as numbers (page 2 before page 10)."""
    path = PurePosixPath(name.replace("\\", "/"))
    natural = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", path.as_posix().lower())
        if part
    )
    return len(path.parts), path.stem.lower() not in ("index", "default", "home"), natural


def unpack_pages(data: bytes, limits: ImportLimits) -> list[tuple[str, bytes]]:
    """(name, bytes) of every page, checked first and counted while unpacking."""
    infos = check_archive(data, limits)
    archive = zipfile.ZipFile(io.BytesIO(data))
    pages = []
    unpacked = UnpackedCount(limits)
    for info in infos:
        try:
            content = b"".join(member_chunks(archive, info, unpacked))
        except DocumentError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
            raise archive_error("broken_zip") from error
        except RuntimeError as error:  # an encrypted member zipfile did not flag
            raise archive_error("encrypted_zip") from error
        pages.append((info.filename, content))
    return pages


def zip_folder(folder: Path, limits: ImportLimits) -> bytes:
    """The pages of a folder (and its sub-folders) packed into a ZIP in memory; files
    outside the folder (links) and other files are left out."""
    root = folder.resolve()
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if not path.is_file() or not is_page(relative):
                continue
            if not path.resolve().is_relative_to(root):
                continue
            check_depth(relative.count("/"))
            total += path.stat().st_size
            if total > limits.max_unpacked_bytes:
                raise limit_error(
                    "too_large_unpacked",
                    value=megabytes(total),
                    limit=megabytes(limits.max_unpacked_bytes),
                )
            archive.writestr(relative, path.read_bytes())
    return buffer.getvalue()


# -- reading -----------------------------------------------------------------------------------


def import_archive(data: bytes, filename: str, *, family=None, limits: ImportLimits, progress=None):
    """Every page read on its own, then merged: an ImportResult of format ``zip``."""
    from koers.importers.pipeline import ImportResult, finish_draft, import_document

    pages = unpack_pages(data, limits)
    read: list[tuple[str, Draft, str]] = []
    skipped: list[Warning] = []
    for number, (name, content) in enumerate(pages, start=1):
        try:
            result = import_document(
                content, PurePosixPath(name).name, family=family, limits=page_limits(limits)
            )
        except DocumentError as error:
            if error.code in LIMIT_MESSAGES:  # a hostile page: the whole archive is refused
                raise
            skipped.append(
                Warning(
                    "page_unreadable",
                    "The page %(file)s was left out: it cannot be read.",
                    Source(file=name),
                    {"file": name},
                )
            )
        else:
            read.append((name, result.draft, result.detected))
        if progress is not None:
            progress(number, len(pages))
    if not read:
        raise DocumentError(
            "unreadable", "The file cannot be read: it is damaged or not what its name says."
        )
    detected = Counter(found for _name, _draft, found in read).most_common(1)[0][0]
    merged = merge_pages([(name, draft) for name, draft, _found in read], family or detected)
    merged.warnings[:0] = skipped
    finish_draft(merged, filename, limits)
    document = merged.to_plan_document()
    document["source"].update({"file": PurePosixPath(filename).name, "format": "zip"})
    return ImportResult("zip", merged.family, detected, {}, merged, document)


def page_limits(limits: ImportLimits) -> ImportLimits:
    """One page may be as large as the archive's unpacked limit allows."""
    return limits.but(max_bytes=max(limits.max_bytes, limits.max_unpacked_bytes))


def read_archive_lines(data: bytes, limits: ImportLimits) -> list[Line]:
    """The lines of every page, one after the other, each with its page's name."""
    from koers.importers.readers import read_document

    lines: list[Line] = []
    for name, content in unpack_pages(data, limits):
        try:
            _fmt, page = read_document(content, PurePosixPath(name).name, limits=limits)
        except DocumentError as error:
            if error.code in LIMIT_MESSAGES:
                raise
            continue
        lines += [replace(line, source=replace(line.source, file=name)) for line in page]
        check("too_many_lines", len(lines), limits.max_paragraphs)
    return lines


# -- merging -----------------------------------------------------------------------------------


def title_key(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip(" .:;–-").casefold()


def code_key(code: str) -> str:
    return re.sub(r"\s+", "", code).upper()


def merge_pages(pages: list[tuple[str, Draft]], family: str) -> Draft:
    """One draft of the pages' drafts, linked by codes and titles (see the module)."""
    for name, draft in pages:
        _mark_file(draft, name)
    merged = Draft(family=family)
    presets = Counter(draft.preset for _name, draft in pages)
    merged.preset = presets.most_common(1)[0][0]
    merged.levels = max((draft.levels for _name, draft in pages), key=len, default=())
    for _name, draft in pages:
        merged.years.update(draft.years)
        merged.warnings += draft.warnings
    linker = _Linker(pages)
    roots_per_page: Counter = Counter()
    for number, (name, draft) in enumerate(pages):
        page_item = linker.page_target(number, draft)
        if page_item is not None:
            target, by_title = page_item
            carrier = DraftItem(
                draft.title, target.kind, Source(file=name), children=list(draft.items)
            )
            if draft.context:
                carrier.sections["description"] = list(draft.context)
            linker.absorb(target, carrier, name, by_title)
            continue
        if draft.context:
            merged.context += draft.context
        for item in draft.items:
            if linker.link(number, item, name):
                continue
            linker.roots.append(item)
            roots_per_page[number] += 1
    merged.items = [item for item in linker.roots if id(item) not in linker.gone]
    if roots_per_page:
        main = roots_per_page.most_common(1)[0][0]
        merged.title = pages[main][1].title
    elif pages:
        merged.title = pages[0][1].title
    merged.warnings += linker.warnings
    return merged


def _mark_file(draft: Draft, name: str) -> None:
    """Every element of the page's draft says which page it came from."""
    for _depth, item in draft.walk():
        item.source = replace(item.source, file=name)
        for milestone in item.milestones:
            milestone.source = replace(milestone.source, file=name)
        for line in item.budget:
            line.source = replace(line.source, file=name)
    for warning in draft.warnings:
        warning.source = replace(warning.source or Source(), file=name)


class _Linker:
    """The items of every page, found by code and title, and the links made so far."""

    def __init__(self, pages: list[tuple[str, Draft]]):
        self.page_of: dict[int, int] = {}
        self.parent: dict[int, DraftItem | None] = {}
        self.by_code: dict[str, list[DraftItem]] = {}
        self.by_title: dict[str, list[DraftItem]] = {}
        self.gone: set[int] = set()  # items merged into another
        self.roots: list[DraftItem] = []
        self.warnings: list[Warning] = []
        for number, (_name, draft) in enumerate(pages):
            for item in draft.items:
                self._index(item, None, number)

    def _index(self, item: DraftItem, parent: DraftItem | None, page: int) -> None:
        self.page_of[id(item)] = page
        self.parent[id(item)] = parent
        if item.code:
            self.by_code.setdefault(code_key(item.code), []).append(item)
        if len(title_key(item.title)) >= TITLE_MIN:
            self.by_title.setdefault(title_key(item.title), []).append(item)
        for child in item.children:
            self._index(child, item, page)

    # -- finding --

    def _candidates(self, found: list[DraftItem], page: int, item: DraftItem | None):
        return [
            other
            for other in found
            if id(other) not in self.gone
            and self.page_of.get(id(other)) != page
            and (item is None or not self._within(other, item))
        ]

    def _best(self, candidates: list[DraftItem]) -> DraftItem:
        # A mention inside another page's tree (a listing) before a page's own top item.
        return min(candidates, key=lambda other: (self.parent.get(id(other)) is None,))

    def target(self, page: int, item: DraftItem | None, code: str, title: str):
        """(the item of another page this one is, linked by title?) or None."""
        if code:
            found = self._candidates(self.by_code.get(code_key(code), []), page, item)
            if found:
                return self._best(found), False
        key = title_key(title)
        if len(key) >= TITLE_MIN:
            found = self._candidates(self.by_title.get(key, []), page, item)
            found = [other for other in found if not (code and other.code)]  # codes differ
            if len(found) == 1:
                # A title that starts with a code ('AP1.1 Meer bomen') links as surely as a code.
                return found[0], not _leading_code(title)
        return None

    def page_target(self, page: int, draft: Draft):
        """The item of another page that this whole page is about: its title names it,
        and its own items do not (a page that is one item links through that item)."""
        if not draft.title:
            return None
        if len(draft.items) == 1 and title_key(draft.items[0].title) == title_key(draft.title):
            return None
        code = _leading_code(draft.title)
        found = self.target(page, None, code, draft.title)
        if found is None:
            return None
        target = found[0]
        if any(self._within(target, item) for item in draft.items):
            return None
        return found

    def _within(self, item: DraftItem, ancestor: DraftItem) -> bool:
        node: DraftItem | None = item
        seen = 0
        while node is not None and seen < 10_000:
            if node is ancestor:
                return True
            node = self.parent.get(id(node))
            seen += 1
        return False

    def _code_parent(self, page: int, item: DraftItem) -> DraftItem | None:
        """The item whose code this item's code extends most closely (PE1-01 → PE1)."""
        code = code_key(item.code)
        for cut in range(len(code) - 1, 0, -1):
            if code[cut] not in CODE_SEPARATORS or code[cut - 1] in CODE_SEPARATORS:
                continue
            found = self._candidates(self.by_code.get(code[:cut], []), page, item)
            if found:
                return self._best(found)
        return None

    # -- linking --

    def link(self, page: int, item: DraftItem, name: str) -> bool:
        """Link a page's top item into another page's tree; False when it stays a root."""
        found = self.target(page, item, item.code, item.title)
        if found is not None:
            self.absorb(found[0], item, name, found[1])
            return True
        if item.code:
            parent = self._code_parent(page, item)
            if parent is not None:
                parent.children.append(item)
                self.parent[id(item)] = parent
                return True
        return False

    def absorb(self, target: DraftItem, item: DraftItem, name: str, by_title: bool) -> None:
        """``item`` (a page) becomes the content of ``target`` (its mention elsewhere)."""
        self.gone.add(id(item))
        if by_title:
            self.warnings.append(
                Warning(
                    "page_linked_by_title",
                    "The page %(file)s was linked to '%(title)s' by its title only; check it.",
                    replace(target.source),
                    {"file": name, "title": target.title[:100]},
                )
            )
        for section, lines in item.sections.items():
            target.sections.setdefault(section, [])
            target.sections[section] += lines
        target.code = target.code or item.code
        target.timing = target.timing or item.timing
        target.timing_text = target.timing_text or item.timing_text
        target.status = target.status or item.status
        target.progress = target.progress if target.progress is not None else item.progress
        target.owner = target.owner or item.owner
        target.policy = target.policy or item.policy
        target.departments += [d for d in item.departments if d not in target.departments]
        known = {(m.title, m.period) for m in target.milestones}
        target.milestones += [m for m in item.milestones if (m.title, m.period) not in known]
        target.budget += item.budget
        for child in item.children:
            same = next(
                (
                    mine
                    for mine in target.children
                    if id(mine) not in self.gone
                    and (
                        (child.code and code_key(mine.code) == code_key(child.code))
                        or (not child.code and title_key(mine.title) == title_key(child.title))
                    )
                ),
                None,
            )
            if same is not None and same is not child:
                self.absorb(same, child, name, False)
            else:
                target.children.append(child)
                self.parent[id(child)] = target


LEADING_CODE = re.compile(r"^\s*([A-Z]{1,6}[\w]*[-.]\d[\w.-]*|\d+(?:\.\d+)+)\b")


def _leading_code(title: str) -> str:
    match = LEADING_CODE.match(title)
    return match[1] if match else ""
