"""Judge a table (a spreadsheet's sheet, a document's table): account lists.

Staff keep portal accounts in sheets headed "STT | Hệ thống | Tài khoản | Mật khẩu | Ghi chú".
The header row names each column (folded: "Mật khẩu" -> ``MatKhau``, judged by the same key-name
vocabulary as a configuration file), and the rows under it carry the values. A row is about the
portal when it says so itself (a cell naming BHXH/BHYT or a portal host, a portal username), or,
in a table where no row names its system, when the sheet does (its name, the title rows above
the header, the file's name). A row that names another system (Email, Wi-Fi) is never portal,
and neither is a row without a system of its own in a table whose other rows name theirs.
Sheets laid out vertically ("Tài khoản | 75901_BV" on one row, "Mật khẩu | ..." on the next) are
read as label/value pairs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from hisguard.scanners.credentials.extract import split_userpass
from hisguard.scanners.credentials.judge import Judge, Observation
from hisguard.scanners.credentials.keynames import KeyClass
from hisguard.scanners.credentials.readers.fold import key_name, strip_marks
from hisguard.scanners.credentials.readers.parts import SEPARATOR
from hisguard.scanners.inventory import Secret

HEADER_ROWS = 20  # the header is among a sheet's first rows (a title and a blank line before it)
MAX_LABEL = 60
NEAR_ROWS = 8
SECRET_KINDS = ("password", "password_hash", "token", "session", "userpass")
# Column labels about a credential but not holding one: a date, an expiry, a note, a hint.
NOT_SECRET_LABEL = re.compile(r"ngay|thoigian|hethan|ghichu|goiy|nhacnho|lanDoi|trangthai", re.I)
DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class _Column:
    index: int
    label: str
    key: KeyClass


def judge_table(judge: Judge, record: Mapping[str, Any]) -> list[Observation]:
    path = str(record["path"])
    rows = [(int(number), [str(cell) for cell in cells]) for number, cells in record.get("rows") or ()]
    return list(_TableJudge(judge, path, rows).run())


class _TableJudge:
    def __init__(self, judge: Judge, path: str, rows: list[tuple[int, list[str]]]) -> None:
        self.j = judge
        self.path = path
        self.rows = rows

    def run(self) -> Iterator[Observation]:
        found = self._header()
        if found is None:
            yield from self._vertical()
            return
        header_at, columns = found
        title = [cell for _, cells in self.rows[:header_at] for cell in cells if cell]
        sheet = self._verdict([*title, *self._names(), *(c.label for c in columns)])
        if any(c.key.portal for c in columns):
            sheet = "portal"
        body = self.rows[header_at + 1 :]
        credential_columns = {c.index for c in columns if c.key.kind is not None}
        verdicts = [
            self._verdict([c for i, c in enumerate(cells) if i not in credential_columns])
            for _, cells in body
        ]
        per_row = any(v == "portal" for v in verdicts)
        user_columns = [c for c in columns if c.key.kind == "username"]
        for (number, cells), verdict in zip(body, verdicts, strict=True):
            user = next((cells[c.index].strip() for c in user_columns if _filled(cells, c.index)), "")
            portal_user = bool(user) and self._portal_user(user)
            if verdict == "other":
                continue
            if not (verdict == "portal" or portal_user or (sheet == "portal" and not per_row)):
                continue
            portal_class = self._class(cells)
            if user and self.j.values.is_username(user):
                column = next(c for c in user_columns if _filled(cells, c.index))
                yield Observation(
                    "username",
                    self.path,
                    number,
                    column.index + 1,
                    key=column.label,
                    username=user,
                    syntax="table",
                    portal_class=portal_class,
                )
            for column in columns:
                if column.key.kind not in SECRET_KINDS or column.index >= len(cells):
                    continue
                obs = self._secret(number, column.index, column.label, column.key, cells[column.index], user)
                if obs is not None:
                    yield dataclasses.replace(obs, portal_class=portal_class)

    # --- the header ------------------------------------------------------------------------------

    def _header(self) -> tuple[int, list[_Column]] | None:
        for at, (_, cells) in enumerate(self.rows[:HEADER_ROWS]):
            labels = [(i, cell.strip()) for i, cell in enumerate(cells) if cell.strip()]
            if len(labels) < 2 or any(len(label) > MAX_LABEL for _, label in labels):
                continue
            columns = [_Column(i, label, self._classify(label)) for i, label in labels]
            kinds = {c.key.kind for c in columns}
            if kinds & set(SECRET_KINDS) and ("username" in kinds or "userpass" in kinds or len(labels) >= 3):
                return at, columns
        return None

    def _classify(self, label: str) -> KeyClass:
        key = key_name(label)
        kc = self.j.classify(key) if key else self.j.classify("")
        if kc.kind is not None and (kc.other or kc.not_secret or NOT_SECRET_LABEL.search(key)):
            return KeyClass(kind=None, portal=kc.portal, other=kc.other, not_secret=True)
        return kc

    # --- context ---------------------------------------------------------------------------------

    def _names(self) -> list[str]:
        """The sheet's name and the file's name (with the names of the containers around it)."""
        names = []
        for piece in self.path.split(SEPARATOR):
            pure = PurePosixPath(piece)
            names.append(pure.stem)
            names.append(pure.parent.name)
        return [n for n in names if n]

    def _verdict(self, texts: Sequence[str]) -> str | None:
        """``portal`` when the texts name the portal, ``other`` when they name another system."""
        verdict = None
        for text in texts:
            if not text.strip():
                continue
            if self.j.host_class(text):
                return "portal"
            folded = strip_marks(text)
            words = re.findall(r"[A-Za-z0-9_.\-]+", folded)
            squashed = "".join(words).lower()
            if any(token in squashed for token in self.j.rules.portal_tokens):
                return "portal"
            inner = self.j.identifiers_verdict(" ".join(words))
            if inner == "portal":
                return "portal"
            if inner == "other" and verdict is None:
                verdict = "other"
        return verdict

    def _portal_user(self, user: str) -> bool:
        return bool(self.j.rules.username_re.match(user))

    def _class(self, cells: Sequence[str]) -> str:
        for cell in cells:
            found = self.j.host_class(cell)
            if found:
                return found
        training = any("daotao" in strip_marks(c).lower().replace(" ", "") for c in cells)
        return "training" if training else "facility"

    # --- values ----------------------------------------------------------------------------------

    def _secret(
        self, number: int, index: int, label: str, key: KeyClass, value: str, user: str
    ) -> Observation | None:
        value = value.strip()
        kind = key.kind or "password"
        if DATE.match(value):
            return None
        if kind == "userpass":
            split = split_userpass(value)
            if split is None:
                return None
            user, value, _ = split
            kind = "password"
        secret_kind = self.j.values.secret_kind(kind, value, True, False)
        if secret_kind is None:
            return None
        return Observation(
            "secret",
            self.path,
            number,
            index + 1,
            key=label,
            secret_kind=secret_kind,
            value=Secret(value),
            username=user if self.j.values.is_username(user) else "",
            syntax="table",
        )

    def _vertical(self) -> Iterator[Observation]:
        """Label/value rows: a cell naming a credential, the value in the next cell."""
        pairs: list[tuple[int, int, str, KeyClass, str]] = []
        for number, cells in self.rows:
            for i, cell in enumerate(cells[:-1]):
                label = cell.strip()
                if not label or len(label) > MAX_LABEL or not cells[i + 1].strip():
                    continue
                kc = self._classify(label)
                if kc.kind is not None and not kc.other:
                    pairs.append((number, i, label, kc, cells[i + 1].strip()))
                    break
        if not pairs:
            return
        context = self._verdict([*self._names(), *(cell for _, cells in self.rows for cell in cells)])
        users = [(n, v) for n, _, _, kc, v in pairs if kc.kind == "username" and self.j.values.is_username(v)]
        for number, index, label, kc, value in pairs:
            near = [v for n, v in users if abs(n - number) <= NEAR_ROWS]
            portal = kc.portal or context == "portal" or any(self._portal_user(v) for v in near)
            if not portal:
                continue
            if kc.kind == "username":
                if self.j.values.is_username(value):
                    yield Observation(
                        "username", self.path, number, index + 2, key=label, username=value, syntax="table"
                    )
                continue
            if kc.kind not in SECRET_KINDS:
                continue
            obs = self._secret(number, index + 1, label, kc, value, near[0] if near else "")
            if obs is not None:
                yield obs


def _filled(cells: Sequence[str], index: int) -> bool:
    return index < len(cells) and bool(cells[index].strip())
