"""The house checks itself: one import package whose layers import only downward (import-linter,
config in pyproject.toml), a contract that sees every module, top-level folders that are links and
never packages of their own, and modules and functions that stay small."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "statpub"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set)


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "node_modules" not in p.parts)


def lint_imports(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)


def test_the_layers_contract_holds_and_sees_every_module():
    result = lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    analysed = int(re.search(r"Analyzed (\d+) files", result.stdout).group(1))
    assert analysed == len(modules())  # a folder the scanner cannot see would be missing here


def test_a_forbidden_import_in_a_copy_breaks_the_contract(tmp_path: Path):
    """The contract is not vacuous: the warehouse importing the site, in a copy, is reported."""
    shutil.copytree(PACKAGE, tmp_path / "statpub", ignore=shutil.ignore_patterns("__pycache__", "data", "node_modules"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    gate = tmp_path / "statpub" / "warehouse" / "gate.py"
    gate.write_text(gate.read_text(encoding="utf-8") + "\nfrom statpub.dashboards import app  # noqa\n",
                    encoding="utf-8")
    result = lint_imports(tmp_path, {"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "statpub.warehouse.gate -> statpub.dashboards.app" in result.stdout, result.stdout


def test_every_feature_is_in_the_independence_contract():
    """A new feature folder must be listed, or it could import another feature unseen."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [independent] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "independence"]
    features = {f"statpub.features.{p.name}" for p in (PACKAGE / "features").iterdir()
                if (p / "__init__.py").is_file()}
    assert set(independent["modules"]) == features


def test_one_feature_importing_another_in_a_copy_breaks_the_contract(tmp_path: Path):
    shutil.copytree(PACKAGE, tmp_path / "statpub", ignore=shutil.ignore_patterns("__pycache__", "data", "node_modules"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    plugin = tmp_path / "statpub" / "features" / "push" / "__init__.py"
    plugin.write_text(plugin.read_text(encoding="utf-8") + "\nfrom statpub.features.press import access  # noqa\n",
                      encoding="utf-8")
    result = lint_imports(tmp_path, {"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0 and "statpub.features.push -> statpub.features.press.access" in result.stdout, \
        result.stdout


@pytest.mark.parametrize("folder", ["etl", "warehouse", "dashboards"])
def test_top_level_folders_are_links_never_packages_of_their_own(folder: str):
    assert (REPO_ROOT / folder).is_symlink() and (REPO_ROOT / folder).resolve() == PACKAGE / folder
    result = subprocess.run([sys.executable, "-c", f"import {folder}"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and f"import statpub.{folder}, not {folder}" in result.stderr


@pytest.mark.parametrize("name", ["review", "press"])
def test_former_top_level_packages_are_gone(name: str):
    result = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "ModuleNotFoundError" in result.stderr


def _literal_lines(node: ast.AST) -> int:
    """Lines taken by data literals (tables of words, mappings) inside `node`: they do not count."""
    spans = set()
    for child in ast.walk(node):
        if isinstance(child, (ast.Assign, ast.AnnAssign, ast.Return)) and isinstance(child.value, LITERALS):
            spans.update(range(child.value.lineno, child.value.end_lineno + 1))
    return len(spans)


def test_modules_and_functions_stay_small():
    too_long = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = len(path.read_text(encoding="utf-8").splitlines()) - _literal_lines(tree)
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO_ROOT)}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1 - _literal_lines(node)
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name}(): {length} lines")
    assert not too_long, "split these:\n" + "\n".join(too_long)


def test_no_test_imports_a_private_name_from_another_module():
    private = re.compile(r"^\s*from (statpub|tests)[\w.]* import [^#\n]*\b_[a-z]\w*", re.M)
    found = [f"{p.relative_to(REPO_ROOT)}: {m.group(0).strip()}"
             for p in (REPO_ROOT / "tests").rglob("*.py") if "node_modules" not in p.parts
             for m in private.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found
