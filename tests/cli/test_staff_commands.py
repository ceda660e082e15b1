"""The office's commands for staff accounts, run as real processes."""

from __future__ import annotations

import json

from tests.fixtures.press import private_site
from tests.helpers import run_cli

WHO = ("--display-name", "王伟 Wang Wei", "--org", "示例日报 Example Daily")


def test_user_add_edit_list_disable(tmp_path, demo_settings):
    site = private_site(tmp_path, demo_settings)
    added = run_cli("user", "add", "wang.wei", "--role", "press", *WHO, "--password-stdin", settings=site,
                    input_text="a-secret-password\n")
    assert added.returncode == 0, added.stderr
    assert "a-secret-password" not in added.stdout + added.stderr
    again = run_cli("user", "add", "wang.wei", "--role", "reviewer", *WHO, "--password-stdin", settings=site,
                    input_text="another-password\n")
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    short = run_cli("user", "add", "li", "--role", "press", *WHO, "--password-stdin", settings=site,
                    input_text="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    no_tty = run_cli("user", "add", "li", "--role", "press", *WHO, settings=site, input_text="")
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    bad_role = run_cli("user", "add", "li", "--role", "admin", *WHO, "--password-stdin", settings=site,
                       input_text="x" * 12)
    assert bad_role.returncode == 2
    unnamed = run_cli("user", "add", "li", "--role", "press", "--password-stdin", settings=site, input_text="x" * 12)
    assert unnamed.returncode == 2 and "--display-name" in unnamed.stderr
    edited = run_cli("user", "edit", "wang.wei", "--org", "示例晚报 Example Evening News", settings=site)
    assert edited.returncode == 0, edited.stderr
    listed = json.loads(run_cli("user", "list", "--json", settings=site).stdout)
    assert [(u["name"], u["role"], u["display_name"], u["organisation"], u["disabled"]) for u in listed] == [
        ("wang.wei", "press", "王伟 Wang Wei", "示例晚报 Example Evening News", False)]
    assert "password" not in json.dumps(listed)
    assert run_cli("user", "disable", "wang.wei", settings=site).returncode == 0
    assert json.loads(run_cli("user", "list", "--json", settings=site).stdout)[0]["disabled"] is True
    missing = run_cli("user", "disable", "nobody", settings=site)
    assert missing.returncode == 1 and "no account named 'nobody'" in missing.stderr
    table = run_cli("user", "list", settings=site)
    assert table.returncode == 0 and "wang.wei" in table.stdout and "disabled" in table.stdout


def test_user_reset_unlock_and_alerts(tmp_path, demo_settings):
    site = private_site(tmp_path, demo_settings)
    run_cli("user", "add", "dave", "--role", "responder", *WHO, "--password-stdin", settings=site,
            input_text="dave-first-password\n")
    assert "was not locked" in run_cli("user", "unlock", "dave", settings=site).stdout
    reset = run_cli("user", "reset", "dave", "--password-stdin", settings=site, input_text="dave-second-password\n")
    assert reset.returncode == 0 and "lock lifted" in reset.stdout
    assert run_cli("user", "unlock", "nobody", settings=site).returncode == 1
    assert json.loads(run_cli("user", "alerts", "--json", settings=site).stdout) == []
