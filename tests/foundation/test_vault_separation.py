"""Each facility's vault (issue 19): facility A's scan host, given only A's vault secret, opens A's
values and no part of B's; old single-vault inventories still load; one secret that opens several
facilities' portal accounts is a warning of ``inventory show``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hisguard.scanners.cli import cli
from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import Inventory, Secret, load_inventory, vault_notice
from tests.entry_point import hisguard

A_PORTAL = "Qz7-Alpha-Wk93"
B_PORTAL = "Jx4#Beta!Rm28"
B_SUDO = "Hv6$Gamma%Tn51"
B_DB = "Pk8&Delta*Ys07"
B_VALUES = (B_PORTAL, B_SUDO, B_DB)


def _encrypt(value: str, label: str, password: str) -> str:
    from ansible.parsing.vault import VaultLib, VaultSecret

    lib = VaultLib([(label, VaultSecret(password.encode()))])
    text = lib.encrypt(value, vault_id=None if label == "default" else label).decode()
    return "!vault |\n" + textwrap.indent(text, "      ")


def _inventory(root: Path, labels: dict[str, str]) -> Path:
    """Two facilities; ``labels`` maps each facility code to the vault id its values use (the
    password of vault id X is the text "vault-X")."""
    (root / "group_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(
        textwrap.dedent(
            """\
            all:
              children:
                facility_75901:
                  hosts:
                    a-his-01: {ansible_host: 192.0.2.10}
                facility_75902:
                  hosts:
                    b-his-01: {ansible_host: 198.51.100.10}
            """
        ),
        encoding="utf-8",
    )
    for label in labels.values():
        (root / f"vault-{label}.txt").write_text(f"vault-{label}\n", encoding="utf-8")
    values = {"75901": (A_PORTAL,), "75902": B_VALUES}
    for code, label in labels.items():
        password = f"vault-{label}"
        portal = _encrypt(values[code][0], label, password)
        extra = ""
        if code == "75902":  # a host value and a {{ var }} naming a vault value, in B's vault
            extra = (
                f"ansible_become_password: {_encrypt(B_SUDO, label, password)}\n"
                "hisguard_his_db: {engine: postgresql, database: his, user: ro,"
                " password: '{{ vault_b_db }}'}\n"
                f"vault_b_db: {_encrypt(B_DB, label, password)}\n"
            )
        network = "192.0.2.0/24" if code == "75901" else "198.51.100.0/24"
        body = (
            f'facility_name: "Cơ sở {code}"\n'
            f'facility_networks: ["{network}"]\n'
            "hisguard_portal_accounts:\n"
            f"  - name: egw-his\n"
            f'    username: "{code}_BV"\n'
            f"    password: {textwrap.indent(portal, '  ').lstrip()}\n"
            f"{extra}"
        )
        (root / "group_vars" / f"facility_{code}.yml").write_text(body, encoding="utf-8")
    return root


def _vault_id(root: Path, label: str, as_label: str | None = None) -> str:
    return f"{as_label or label}@{root / f'vault-{label}.txt'}"


def _no_part_of_b(text: str) -> None:
    """Not one value of B, nor any 4 characters of one, in ``text``."""
    for value in B_VALUES:
        pieces = {value[i : i + 4] for i in range(len(value) - 3)}
        assert not [piece for piece in pieces if piece in text], "a part of a B value was shown"


@pytest.fixture
def separated(tmp_path: Path) -> Path:
    return _inventory(tmp_path / "inv", {"75901": "75901", "75902": "75902"})


def _a_scan_host(root: Path) -> Inventory:
    return load_inventory([root], vault_ids=[_vault_id(root, "75901")])


def _secrets_of(inventory: Inventory, code: str) -> list[Secret]:
    facility = inventory.facility(code)
    found = [a.password for a in facility.portal_accounts if a.password is not None]
    found += [h.become_password for h in facility.hosts if h.become_password is not None]
    db = facility.settings.get("hisguard_his_db")
    if isinstance(db, dict) and isinstance(db.get("password"), Secret):
        found.append(db["password"])
    return found


def test_a_scan_host_opens_its_own_values(separated: Path) -> None:
    inventory = _a_scan_host(separated)
    [password] = _secrets_of(inventory, "75901")
    assert password.available and password.reveal() == A_PORTAL
    assert vault_notice(inventory.facility("75901")) is None


def test_a_scan_host_cannot_open_b_values_and_sees_no_part_of_them(separated: Path) -> None:
    inventory = _a_scan_host(separated)  # B's vault is not given: the load does not fail
    secrets = _secrets_of(inventory, "75902")
    assert len(secrets) == 3  # the portal password, the sudo password, the {{ var }}
    messages = []
    for secret in secrets:
        assert not secret.available
        with pytest.raises(InventoryError) as caught:
            secret.reveal()
        message = str(caught.value)
        assert "\n" not in message and message.startswith(("facility 75902: ", "host b-his-01: "))
        messages.append(message)
    assert any("in vault '75902'" in m and "--vault-id 75902@FILE" in m for m in messages)
    notice = vault_notice(inventory.facility("75902"))
    assert notice is not None and "\n" not in notice and "vault id 75902" in notice
    _no_part_of_b("\n".join([*messages, notice, repr(inventory), str(inventory.facility("75902"))]))


def test_a_secret_labelled_as_b_still_does_not_open_b(separated: Path) -> None:
    """The label only names the vault: A's secret given as ``75902@`` opens nothing of B."""
    inventory = load_inventory([separated], vault_ids=[_vault_id(separated, "75901", as_label="75902")])
    assert not any(secret.available for secret in _secrets_of(inventory, "75902"))


def test_both_secrets_open_both_facilities(separated: Path) -> None:
    ids = [_vault_id(separated, "75901"), _vault_id(separated, "75902")]
    inventory = load_inventory([separated], vault_ids=ids)
    assert [s.reveal() for s in _secrets_of(inventory, "75902")] == [B_PORTAL, B_SUDO, B_DB]
    assert vault_notice(inventory.facility("75902")) is None


def _show(root: Path, *options: str, output: str = "table") -> Result:
    return CliRunner().invoke(cli, ["inventory", "show", "-i", str(root), *options, "--format", output])


def test_inventory_show_on_a_scan_host_shows_no_part_of_b(separated: Path) -> None:
    for output in ("table", "json"):
        result = _show(separated, "--vault-id", _vault_id(separated, "75901"), output=output)
        assert result.exit_code == 0, result.output
        _no_part_of_b(result.output)
        assert "warning" not in result.output
    accounts = json.loads(_show(separated, "--vault-id", _vault_id(separated, "75901"), output="json").stdout)
    assert [f["portal_accounts"][0]["password_in_vault"] for f in accounts] == [True, True]


def test_one_secret_for_several_facilities_is_one_warning_line(tmp_path: Path) -> None:
    old = _inventory(tmp_path / "old", {"75901": "default", "75902": "default"})
    result = _show(old, "--vault-password-file", str(old / "vault-default.txt"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("hisguard: warning: ")]
    assert warnings == [
        f"hisguard: warning: vault secret --vault-password-file {old / 'vault-default.txt'} opens the portal "
        "accounts of 2 facilities (75901, 75902): give each facility its own vault id "
        "(ansible-vault encrypt_string --vault-id CODE@FILE)"
    ]
    _no_part_of_b(result.output)
    # Each facility in its own vault: no warning, even with both secrets given.
    separated = _inventory(tmp_path / "new", {"75901": "75901", "75902": "75902"})
    both = ("--vault-id", _vault_id(separated, "75901"), "--vault-id", _vault_id(separated, "75902"))
    assert "warning" not in _show(separated, *both).stderr


def test_an_old_single_vault_inventory_still_loads_and_opens(tmp_path: Path) -> None:
    old = _inventory(tmp_path / "old", {"75901": "default", "75902": "default"})
    inventory = load_inventory([old], str(old / "vault-default.txt"))
    assert [s.reveal() for s in _secrets_of(inventory, "75901")] == [A_PORTAL]
    assert [s.reveal() for s in _secrets_of(inventory, "75902")] == [B_PORTAL, B_SUDO, B_DB]


def test_scanning_b_without_its_secret_is_one_notice_and_a_alone_none(separated: Path) -> None:
    base = ["scan", "network", "-i", str(separated), "--vault-id", _vault_id(separated, "75901"), "--dry-run"]
    only_a = CliRunner().invoke(cli, [*base, "--facility", "75901"])
    assert only_a.exit_code == 0, only_a.output
    assert "notice" not in only_a.stderr
    only_b = CliRunner().invoke(cli, [*base, "--facility", "75902"])
    assert only_b.exit_code == 0, only_b.output
    notices = [line for line in only_b.stderr.splitlines() if "notice" in line]
    assert len(notices) == 1 and notices[0].startswith("hisguard: notice: facility 75902: 3 vault value(s)")
    _no_part_of_b(only_b.output)


def test_bad_vault_ids_are_one_line_errors(
    separated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for value, reason in (("75901@", "expected LABEL@FILE"), ("bad label@x", "expected LABEL@FILE"),
                          ("75901@prompt", "not prompts"), ("75901@/nonexistent", "not found")):  # fmt: skip
        code, _, err = hisguard(
            ["inventory", "show", "-i", str(separated), "--vault-id", value], monkeypatch, capsys
        )
        assert code == 2, (value, err)
        assert reason in err and len(err.strip().splitlines()) == 1 and err.startswith("hisguard: error: ")


def test_the_lab_and_example_keep_each_facilitys_accounts_in_its_own_vault() -> None:
    from hisguard.lab import vault as lab_vault
    from hisguard.scanners.inventory import shared_vault_warnings

    lab = Path(__file__).resolve().parents[2] / "inventories" / "lab"
    own = load_inventory([lab], str(lab_vault.vault_password_file()), [lab_vault.vault_ids()[0]])
    assert all(a.password.available for a in own.facility("75901").portal_accounts if a.password)
    assert not any(a.password.available for a in own.facility("75902").portal_accounts if a.password)
    every = load_inventory([lab], str(lab_vault.vault_password_file()), lab_vault.vault_ids())
    assert shared_vault_warnings(every) == []
    example = lab.parent / "example"
    ids = [f"{code}@{example / f'vault-{code}.example.txt'}" for code in ("75001", "75123")]
    assert (
        shared_vault_warnings(load_inventory([example], str(example / "vault-password.example.txt"), ids))
        == []
    )
