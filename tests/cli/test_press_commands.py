"""The office's commands for pre-release access, run as real processes."""

from __future__ import annotations

import hashlib
import json

from tests.features.press.packs import open_pack
from tests.fixtures.press import TARGET, TIMES, private_site
from tests.helpers import run_cli


def test_user_add_list_disable(tmp_path, demo_settings):
    site = private_site(tmp_path, demo_settings)
    added = run_cli("user", "add", "wang.wei", "--role", "press", "--password-stdin", settings=site,
                    input_text="a-secret-password\n")
    assert added.returncode == 0, added.stderr
    assert "a-secret-password" not in added.stdout + added.stderr
    again = run_cli("user", "add", "wang.wei", "--role", "reviewer", "--password-stdin", settings=site,
                    input_text="another-password\n")
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    short = run_cli("user", "add", "li", "--role", "press", "--password-stdin", settings=site, input_text="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    no_tty = run_cli("user", "add", "li", "--role", "press", settings=site, input_text="")
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    bad_role = run_cli("user", "add", "li", "--role", "admin", "--password-stdin", settings=site, input_text="x" * 12)
    assert bad_role.returncode == 2
    listed = json.loads(run_cli("user", "list", "--json", settings=site).stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("wang.wei", "press", False)]
    assert "password" not in json.dumps(listed)
    assert run_cli("user", "disable", "wang.wei", settings=site).returncode == 0
    assert json.loads(run_cli("user", "list", "--json", settings=site).stdout)[0]["disabled"] is True
    missing = run_cli("user", "disable", "nobody", settings=site)
    assert missing.returncode == 1 and "no account named 'nobody'" in missing.stderr
    table = run_cli("user", "list", settings=site)
    assert table.returncode == 0 and "wang.wei" in table.stdout and "disabled" in table.stdout


def test_pack_and_access_log_commands(tmp_path, demo_settings):
    site = private_site(tmp_path, demo_settings)
    run_cli("user", "add", "zhang", "--role", "reviewer", "--password-stdin", settings=site,
            input_text="zhang-reviewer-pw\n")
    assert "no pre-release access logged" in run_cli("access-log", TARGET, settings=site).stdout
    refused = run_cli("pack", TARGET, "--out", str(tmp_path / "out"), settings=site, now=TIMES["window"])
    assert refused.returncode == 1 and "needs --user NAME" in refused.stderr
    unknown = run_cli("pack", "no-such-release", settings=site, now=TIMES["after"])
    assert unknown.returncode == 1 and "no release 'no-such-release'" in unknown.stderr
    made = run_cli("pack", TARGET, "--out", str(tmp_path / "out"), "--user", "zhang", settings=site,
                   now=TIMES["window"], timeout=300)
    assert made.returncode == 0, made.stderr
    zip_path = tmp_path / "out" / f"EMBARGOED-until-2026-12-10-1000-Beijing_{TARGET}-briefing-pack.zip"
    assert str(zip_path) in made.stdout and zip_path.is_file()
    manifest = open_pack(zip_path).manifest
    assert manifest["generated_for"] == {"name": "zhang", "role": "reviewer", "via": "cli"}
    log = json.loads(run_cli("access-log", TARGET, "--json", settings=site).stdout)
    assert [(e["user_name"], e["what"], e["channel"]) for e in log] == [("zhang", "pack", "cli")]
    assert log[0]["sha256"] == hashlib.sha256(zip_path.read_bytes()).hexdigest()
    printed = run_cli("access-log", TARGET, settings=site)
    assert "zhang" in printed.stdout and "Beijing time" in printed.stdout
    public = run_cli("pack", TARGET, "--out", str(tmp_path / "public"), settings=site, now=TIMES["after"], timeout=300)
    assert public.returncode == 0 and (tmp_path / "public" / f"{TARGET}-briefing-pack.zip").is_file()
    assert len(json.loads(run_cli("access-log", TARGET, "--json", settings=site).stdout)) == 1
