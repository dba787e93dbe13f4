"""One app for the map, one for the audits: the map imports nothing of the audits, and the
project package sits on top. import-linter holds the line; these tests run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
    )


def test_the_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_a_map_module_importing_the_audits_breaks_the_contract(tmp_path: Path) -> None:
    for package in ("skillmap", "audits", "config"):
        shutil.copytree(ROOT / package, tmp_path / package)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    values = tmp_path / "skillmap" / "values.py"
    values.write_text(values.read_text() + "\nfrom audits import scoring  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "skillmap.values -> audits.scoring" in result.stdout
    assert "BROKEN" in result.stdout
