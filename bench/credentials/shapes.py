# ruff: noqa: E501  (sample file contents are kept whole on one line)
"""File shapes of a real HIS host that are hard on a scanner, and a realistic tree built from them.

Every shape is dense in the portal's anchors (``BHYT`` is on every screen, column and log line of a
HIS) but holds no portal credential: a scanner that reports anything in them is wrong, and a
scanner whose cost grows with the length of a line or the number of anchors in it is slow here.

- ``bundle_js``: a minified single-line JavaScript bundle (forms with password fields, BHYT
  labels, API calls, tokens of other services);
- ``json_line``: a single-line JSON API answer (a patient list with card numbers);
- ``query_log``: a log of short lines full of query strings and tokens of other services;
- ``sql_extended``: a mysqldump with multi-MB extended INSERT lines of a patient table;
- ``base64_blob`` / ``hex_blob``: encoded attachments (one long line, and 76-column lines);
- ``utf16_log``: a Windows service log in UTF-16 LE with a BOM;
- ``near_miss``: long lines of key names that look like the portal's and are not;
- ``binary``: a shared library (NUL bytes, a few strings).

:func:`realistic_tree` mixes them with configuration files, node_modules-like noise, claim XML
and binaries around the planted positives of :mod:`corpus` (its truth file scores the result).
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

import corpus

SHAPES_VERSION = 1

FIRST = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hữu"]
LAST = ["An", "Bình", "Châu", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sơn", "Tâm"]
CARD_PREFIX = ["DN4", "HS4", "GD4", "TE1", "HT2", "CN3", "BT2", "HN2"]


class Noise:
    """Anchor-dense text without a portal credential in it."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def name(self) -> str:
        r = self.r
        return f"{r.choice(FIRST)} {r.choice(MIDDLE)} {r.choice(LAST)}"

    def card(self) -> str:
        return f"{self.r.choice(CARD_PREFIX)}{self.r.randint(10, 99)}{self.r.randint(10**9, 10**10 - 1)}"

    def hexs(self, n: int) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def b64(self, n: int) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def other_jwt(self) -> str:
        return f"eyJhbGciOiJSUzI1NiJ9.{self.b64(self.r.randint(60, 120))}.{self.b64(43)}"

    def ident(self) -> str:
        r = self.r
        return r.choice("abcdefghijklmnopqrstuvwxyz") + r.choice(["", str(r.randint(0, 99))])

    # --- JavaScript -------------------------------------------------------------------------------

    def js_piece(self) -> str:
        r = self.r
        a, b, c = self.ident(), self.ident(), self.ident()
        pick = r.randrange(12)
        if pick == 0:
            return (
                f'{{key:"maTheBHYT",title:"Mã thẻ BHYT",dataIndex:"maTheBHYT",width:{r.randint(80, 200)},'
                f'render:function({a}){{return {a}?{a}.toUpperCase():""}}}},'
            )
        if pick == 1:
            return (
                f'{a}.post("/api/bhyt/kiemTraThe",{{maThe:{b}.maTheBHYT,hoTen:{b}.hoTen,ngaySinh:{b}.ngaySinh}})'
                f".then(function({c}){{return {c}.data}});"
            )
        if pick == 2:
            return (
                f'{{name:"password",label:"Mật khẩu",rules:[{{required:!0,message:"Vui lòng nhập mật khẩu"}},'
                f'{{min:{r.randint(6, 10)},message:"Mật khẩu tối thiểu {r.randint(6, 10)} ký tự"}}]}},'
            )
        if pick == 3:
            return f'headers:{{Authorization:"Bearer "+{a}.token,"Content-Type":"application/json"}},'
        if pick == 4:
            return f"{a}.bhxhToken={b}.data.access_token,{a}.bhytExpire={b}.data.expires_in;"
        if pick == 5:
            return f'var {a}="Cổng giám định BHYT",{b}="Tra cứu thẻ BHYT",{c}="Lịch sử KCB BHYT";'
        if pick == 6:
            return f'function {a}({b},{c}){{if(!{b}.soTheBhyt)throw new Error("Thiếu số thẻ BHYT");return {c}({b})}}'
        if pick == 7:
            return f'{a}.defaults.baseURL="/his/api/v{r.randint(1, 3)}",{a}.defaults.timeout={r.randint(1, 9)}e4;'
        if pick == 8:
            return f'const {a}={{sentryDsn:"https://{self.hexs(32)}@sentry.benhvien.vn/{r.randint(1, 9)}",mapKey:"{self.b64(39)}"}};'
        if pick == 9:
            return f'case"BHYT_{r.randint(1, 99)}":return{{...{a},tyLeBhyt:{r.randint(40, 100)},mucHuong:{r.randint(1, 5)}}};'
        if pick == 10:
            return f'{a}.setItem("bhyt_last_card","{self.card()}"),{a}.setItem("ui_theme","dark");'
        return f"for(var {a}=0;{a}<{b}.length;{a}++){c}+={b}[{a}]*{r.randint(2, 9)};"

    def vendor_piece(self) -> str:
        """Library code (React, a UI kit, a date and a lodash-like library): no anchor, and the
        generic words (token, user, password) where libraries have them."""
        r = self.r
        a, b, c = self.ident(), self.ident(), self.ident()
        pick = r.randrange(10)
        if pick == 0:
            return f"function {a}({b},{c}){{var {a}0={b}.length;for(var {a}1=0;{a}1<{a}0;{a}1++)if({c}({b}[{a}1],{a}1,{b}))return {a}1;return -1}}"
        if pick == 1:
            return f'{a}.createElement("div",{{className:"ant-{r.choice(["btn", "form-item", "table-cell", "modal"])}-{b}",style:{{padding:{r.randint(0, 24)}}}}},{c}.children)'
        if pick == 2:
            return f"case {r.randint(0, 255)}:{a}.tokens.push({{type:{b},value:{c}.slice({a}.pos,{a}.end)}});break;"
        if pick == 3:
            return f'{a}=typeof navigator!="undefined"&&/Trident|Edge/.test(navigator.userAgent),{b}={a}?"ms":"webkit";'
        if pick == 4:
            return f'{{key:"{a}",value:function({b}){{return this._{a}.get({b})||null}}}},'
        if pick == 5:
            return f'createElement("input",{{type:"password",autoComplete:"current-password",onChange:{a}}}),'
        if pick == 6:
            return f'var {a}={{YYYY:"year",MM:"month",DD:"day",HH:"hour",mm:"minute",ss:"second"}};'
        if pick == 7:
            return f"{a}.prototype.{b}=function({c}){{return this.__data__.set({c},{r.randint(0, 9)}),this}};"
        if pick == 8:
            return f"if({a}.cancelToken){a}.cancelToken.throwIfRequested();{b}.headers={b}.headers||{{}};"
        return f'"{self.hexs(8)}":function({a},{b},{c}){{"use strict";{c}.d({b},{{Z:function(){{return {a}}}}})}},'

    # --- logs -------------------------------------------------------------------------------------

    def log_line(self) -> str:
        r = self.r
        t = f"2025-03-12 {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}"
        pick = r.randrange(8)
        if pick == 0:
            return f'{t} INFO [KiemTraTheBHYT] maThe={self.card()} hoTen="{self.name()}" ketQua=000 thoiGian={r.randint(20, 900)}ms'
        if pick == 1:
            return f"{t} INFO GET /his/api/benhnhan?ma_the_bhyt={self.card()}&page={r.randint(1, 40)}&size=20 200 {r.randint(3, 400)}ms"
        if pick == 2:
            return f"{t} DEBUG GET /pacs/wado?studyUID=1.2.840.{r.randint(10**6, 10**7)}&token={self.other_jwt()}&contentType=image/jpeg 200"
        if pick == 3:
            return f"{t} INFO POST /lis/api/ketqua?access_token={self.b64(40)}&ma_xn=XN{r.randint(1000, 9999)} 201"
        if pick == 4:
            return f"{t} WARN [DongBoBHYT] retry {r.randint(1, 5)}/5 maLk={self.hexs(12)} soTheBhyt={self.card()}"
        if pick == 5:
            return f"{t} INFO sms gateway sent otp to 09{r.randint(10**7, 10**8 - 1)} session={self.hexs(32)} ttl=300"
        if pick == 6:
            return f"{t} INFO [XuatXML130] hoso={self.hexs(16)} tongTienBhyt={r.randint(10**4, 10**7)} trangThai=DaGui"
        return f"{t} ERROR [Zalo] token expired for oa={r.randint(10**8, 10**9)} refresh_token={self.b64(48)}"

    # --- SQL --------------------------------------------------------------------------------------

    def sql_row(self, i: int) -> str:
        r = self.r
        return (
            f"({i},'{self.card()}','{self.name()}','19{r.randint(40, 99)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}',"
            f"'{r.choice(['Nam', 'Nữ'])}','{r.randint(1, 99):02d}{r.randint(0, 999):03d}',{r.randint(40, 100)},"
            f"'{self.hexs(32)}','Tổ {r.randint(1, 30)}, phường {r.randint(1, 20)}')"
        )


SQL_HEADER = [
    "-- MySQL dump 10.13  Distrib 8.0.36",
    "/*!40101 SET NAMES utf8mb4 */;",
    "DROP TABLE IF EXISTS `benh_nhan_bhyt`;",
    "CREATE TABLE `benh_nhan_bhyt` (",
    "  `id` int NOT NULL,",
    "  `ma_the_bhyt` varchar(15) NOT NULL,",
    "  `ho_ten` varchar(255),",
    "  `ngay_sinh` date,",
    "  `gioi_tinh` varchar(5),",
    "  `ma_dkbd` varchar(5),",
    "  `muc_huong` int,",
    "  `checksum_the` char(32),",
    "  `dia_chi` varchar(500),",
    "  PRIMARY KEY (`id`)",
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
    "LOCK TABLES `benh_nhan_bhyt` WRITE;",
]


def _fill(piece: Callable[[], str], size: int, sep: str = "") -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        text = piece()
        parts.append(text)
        total += len(text) + len(sep)
    return sep.join(parts)


# --- the shapes: each returns bytes of about ``size`` ---------------------------------------------


def bundle_dense(n: Noise, size: int) -> bytes:
    """An application bundle without its libraries: a portal word every hundred bytes."""
    return ("/*! his-app v4.2.1 */\n" + '"use strict";' + _fill(n.js_piece, size) + "\n").encode("utf-8")


def bundle_js(n: Noise, size: int) -> bytes:
    # Mostly library code, with the application's own screens (a fifth) spread through it.
    body = _fill(lambda: n.js_piece() if n.r.random() < 0.2 else n.vendor_piece(), size)
    return ("/*! his-web v4.2.1 */\n" + '"use strict";' + body + "\n").encode("utf-8")


def json_line(n: Noise, size: int) -> bytes:
    def patient() -> str:
        r = n.r
        return json.dumps(
            {
                "id": r.randint(1, 10**7),
                "maTheBHYT": n.card(),
                "hoTen": n.name(),
                "mucHuongBHYT": r.randint(40, 100),
                "ghiChu": "Đã kiểm tra thẻ BHYT trên cổng giám định",
                "etag": n.hexs(32),
            },
            ensure_ascii=False,
        )

    body = _fill(patient, size, ",")
    return ('{"code":0,"message":"OK","data":[' + body + "]}\n").encode("utf-8")


def query_log(n: Noise, size: int) -> bytes:
    return (_fill(n.log_line, size, "\n") + "\n").encode("utf-8")


def sql_extended(n: Noise, size: int, line_bytes: int = 4 * 1024 * 1024) -> bytes:
    out = ["\n".join(SQL_HEADER) + "\n"]
    total = 0
    i = 1
    while total < size:
        rows: list[str] = []
        length = 0
        while length < min(line_bytes, size - total) and length < line_bytes:
            row = n.sql_row(i)
            i += 1
            rows.append(row)
            length += len(row) + 1
        line = "INSERT INTO `benh_nhan_bhyt` VALUES " + ",".join(rows) + ";\n"
        out.append(line)
        total += len(line)
    out.append("UNLOCK TABLES;\n")
    return "".join(out).encode("utf-8")


def base64_blob(n: Noise, size: int) -> bytes:
    raw = n.r.randbytes(size * 3 // 8)
    encoded = base64.b64encode(raw).decode("ascii")
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    # One attachment as a single line, one wrapped, as mail spools and XML claims hold them.
    return (
        '{"tenFile":"hoso_bhyt.xml","noiDung":"'
        + encoded
        + '"}\n'
        + "-----BEGIN ATTACHMENT-----\n"
        + wrapped
        + "\n"
    ).encode("ascii")


def hex_blob(n: Noise, size: int) -> bytes:
    raw = n.r.randbytes(size // 4)
    text = raw.hex()
    lines = "\n".join(f"bhyt_blob_{i:06d} {text[i : i + 128]}" for i in range(0, len(text), 128))
    return ("0x" + text + "\n" + lines + "\n").encode("ascii")


def utf16_log(n: Noise, size: int) -> bytes:
    text = _fill(n.log_line, size // 2, "\r\n") + "\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


NEAR_MISS_KEYS = [
    "PasswordBHXHLabel",
    "lblMatKhauBHYT",
    "bhxh_password_hint",
    "BHYT_PASSWORD_MIN_LENGTH",
    "passwordBhytExpiresAt",
    "bhxhTokenUrl",
    "BhytTokenTimeout",
    "bhxh_password_file",
    "showPasswordBHXH",
    "PasswordBHXHRequired",
]


def near_miss(n: Noise, size: int, line_bytes: int = 256 * 1024) -> bytes:
    def piece() -> str:
        r = n.r
        key = r.choice(NEAR_MISS_KEYS)
        value = r.choice(
            [
                '"Mật khẩu cổng BHXH"',
                str(r.randint(6, 64)),
                '"/run/secrets/bhxh"',
                "true",
                '"${BHXH_PASSWORD}"',
                '"https://egw.baohiemxahoi.gov.vn/api/token/take"',
            ]
        )
        return f'"{key}":{value},'

    lines = []
    total = 0
    while total < size:
        line = "{" + _fill(piece, min(line_bytes, size - total)) + '"end":0}'
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def binary(n: Noise, size: int) -> bytes:
    chunk = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + n.r.randbytes(4096)
    strings = b"\x00".join(
        s.encode() for s in ("bhxh_login", "PasswordBHYT", "egw.baohiemxahoi.gov.vn", "token")
    )
    parts = [chunk]
    total = len(chunk)
    while total < size:
        block = n.r.randbytes(8192) + b"\x00" * 512 + strings
        parts.append(block)
        total += len(block)
    return b"".join(parts)


# The pathological shapes of bench_shapes.py: (name, file name, generator, default MB).
SHAPES: list[tuple[str, str, Callable[[Noise, int], bytes], int]] = [
    ("bundle-js-1line", "srv/his-web/assets/index-4f2a9c.js", bundle_js, 6),
    ("bundle-app-only", "srv/his-web/assets/app-77c1e0.js", bundle_dense, 3),
    ("json-1line", "srv/his-api/cache/benhnhan.json", json_line, 6),
    ("log-1M-lines", "var/log/his/api.log", query_log, 110),
    ("sql-extended-insert", "var/backups/his_bhyt.sql", sql_extended, 24),
    ("base64-blob", "var/spool/his/attachments.txt", base64_blob, 12),
    ("hex-blob", "var/lib/his/blobs.txt", hex_blob, 12),
    ("utf16-log", "Users/his/AppData/Local/HIS/logs/service.log", utf16_log, 12),
    ("near-miss-keys", "srv/his-web/config/keys.json", near_miss, 12),
    ("binary", "opt/his/lib/libhis.so", binary, 24),
]


def write_shape(out: Path, name: str, size_mb: float, seed: int = 11) -> Path:
    """One shape's file under ``out`` (a tree of its own); returns the file's path."""
    for shape, rel, make, _ in SHAPES:
        if shape == name:
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(make(Noise(seed), int(size_mb * 1024 * 1024)))
            return path
    raise KeyError(name)


# --- the realistic tree ---------------------------------------------------------------------------


def _node_modules(n: Noise, root: str, count: int) -> list[tuple[str, bytes]]:
    files = []
    packages = ["axios", "lodash", "passport-local", "bcryptjs", "jsonwebtoken", "antd", "dayjs", "qs"]
    for i in range(count):
        pkg = n.r.choice(packages)
        kind = i % 4
        if kind == 0:
            body = json.dumps(
                {
                    "name": pkg,
                    "version": f"{n.r.randint(1, 9)}.{n.r.randint(0, 20)}.0",
                    "main": "index.js",
                    "keywords": ["auth", "password", "token"],
                },
                indent=2,
            )
            files.append((f"{root}/node_modules/{pkg}/package.json", body.encode()))
        elif kind == 1:
            body = "\n".join(
                f"module.exports.{n.ident()}{j} = function (password, token) {{ return hash(password + token, {j}); }};"
                for j in range(n.r.randint(20, 400))
            )
            files.append((f"{root}/node_modules/{pkg}/lib/f{i}.js", body.encode()))
        elif kind == 2:
            body = "\n".join(
                f"export declare function {n.ident()}{j}(opts: {{ password?: string; token?: string }}): void;"
                for j in range(60)
            )
            files.append((f"{root}/node_modules/@types/{pkg}/index{i}.d.ts", body.encode()))
        else:
            files.append(
                (
                    f"{root}/node_modules/{pkg}/README{i}.md",
                    (f"# {pkg}\n\nSet `password` and `token` options.\n" * 30).encode(),
                )
            )
    return files


def _configs(n: Noise, count: int) -> list[tuple[str, bytes]]:
    files = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            body = (
                "server {\n  listen 443 ssl;\n  server_name his.benhvien.vn;\n"
                f"  root /srv/his-web/dist{i};\n  location /api/bhyt/ {{ proxy_pass http://127.0.0.1:{8000 + i}; }}\n"
                "  location /egw/ { proxy_pass https://egw.baohiemxahoi.gov.vn/; }\n}\n"
            )
            files.append((f"etc/nginx/sites-available/his{i}.conf", body.encode()))
        elif kind == 1:
            body = json.dumps(
                {
                    "Logging": {"LogLevel": {"Default": "Warning"}},
                    "Bhyt": {
                        "KiemTraTheUrl": "https://egw.baohiemxahoi.gov.vn/api/egw/KQNhanLichSuKCB2024",
                        "TimeoutSeconds": 30,
                        "PasswordFile": "/run/secrets/bhxh",
                    },
                    "Pacs": {"Url": "http://pacs.benhvien.vn", "Token": n.other_jwt()},
                },
                indent=2,
            )
            files.append((f"opt/his/services/svc{i}/appsettings.json", body.encode()))
        elif kind == 2:
            body = f"[Unit]\nDescription=Dong bo BHYT {i}\n[Service]\nEnvironmentFile=/etc/his/bhyt.env\nExecStart=/opt/his/bin/dongbo --queue bhyt{i}\n"
            files.append((f"etc/systemd/system/his-bhyt-{i}.service", body.encode()))
        else:
            body = "\n".join(
                f"{k}={v}"
                for k, v in [
                    ("app.name", f"his-{i}"),
                    ("bhyt.batch.size", "500"),
                    ("bhyt.xml130.dir", "/srv/xml130"),
                    ("redis.password", n.b64(16)),
                    ("lis.token", n.b64(32)),
                ]
            )
            files.append((f"opt/his/conf/app{i}.properties", body.encode()))
    return files


def _claims(n: Noise, count: int) -> list[tuple[str, bytes]]:
    files = []
    for i in range(count):
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<GIAMDINHHS><THONGTINDONVI><MACSKCB>79001</MACSKCB></THONGTINDONVI>'
            f"<THONGTINHOSO><DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>{base64.b64encode(n.r.randbytes(3000)).decode()}</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>\n"
        )
        files.append((f"srv/xml130/out/{i:05d}.xml", body.encode()))
    return files


def realistic_tree(out: Path, size_mb: int = 200, seed: int = 7) -> dict[str, int]:
    """The planted positives and decoys of :mod:`corpus`, in a tree of realistic HIS shapes.

    Writes ``out/tree`` and ``out/truth.jsonl`` (the positives only: nothing added here is one)."""
    # The positives, the decoys and a tenth of the size in corpus's own filler.
    stats = corpus.generate(out, max(1, size_mb // 10), seed)
    tree = out / "tree"
    n = Noise(seed + 1000)
    written = int(stats["bytes"])
    target = size_mb * 1024 * 1024
    files: list[tuple[str, bytes]] = []
    files += _configs(n, 400)
    files += _node_modules(n, "srv/his-web", 1500)
    files += _claims(n, 200)
    mix: list[tuple[str, Callable[[Noise, int], bytes], int, float]] = [
        ("srv/his-web/dist/assets/chunk-{i}.js", bundle_js, 2_500_000, 0.18),
        ("srv/his-api/cache/ds-{i}.json", json_line, 1_500_000, 0.06),
        ("var/log/his/app-{i}.log", query_log, 6_000_000, 0.30),
        ("var/backups/his-{i}.sql", sql_extended, 8_000_000, 0.16),
        ("var/spool/his/mail-{i}.txt", base64_blob, 1_000_000, 0.05),
        ("Users/his/AppData/Local/HIS/logs/svc-{i}.log", utf16_log, 1_000_000, 0.05),
        ("opt/his/lib/lib{i}.so", binary, 3_000_000, 0.20),
    ]
    written += sum(len(data) for _, data in files)
    budget = max(0, target - written)
    for pattern, make, each, share in mix:
        want = int(budget * share)
        i = 0
        while want > 0:
            size = min(each, want) if want > each // 4 else want
            data = make(n, max(size, 4096))
            files.append((pattern.format(i=i), data))
            want -= len(data)
            i += 1
    for rel, data in files:
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += len(data)
    (out / "done").write_text(
        json.dumps({"size_mb": size_mb, "seed": seed, "bytes": written}), encoding="utf-8"
    )
    return {"bytes": written, "positives": int(stats["positives"]), "files": int(stats["files"]) + len(files)}
