"""The layering contract (pyproject.toml, import-linter): the project keeps it, and it fails on an upward import,
also one hidden inside a function."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    return {"root_packages": config["root_packages"], "layers": contract["layers"]}


def _lint(cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    args = [str(LINT_IMPORTS), "--no-cache"] + ([str(config)] if config else [])
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env={"PYTHONPATH": str(cwd)}, timeout=120)


def test_the_project_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


@pytest.mark.parametrize(
    "body",
    ["from goals import status\n", "def later():\n    from dashboards import views\n"],
    ids=["module-level", "inside-a-function"],
)
def test_the_contract_fails_on_an_upward_import(tmp_path, body):
    contract = _contract()
    for package in contract["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "goals" / "status.py").write_text("")
    (tmp_path / "dashboards" / "views.py").write_text("")
    (tmp_path / "departments" / "upward.py").write_text(body)
    config = tmp_path / "contract.toml"
    layers = ", ".join(f'"{layer}"' for layer in contract["layers"])
    packages = ", ".join(f'"{package}"' for package in contract["root_packages"])
    config.write_text(
        f"[tool.importlinter]\nroot_packages = [{packages}]\n\n[[tool.importlinter.contracts]]\n"
        f'name = "layers"\ntype = "layers"\nlayers = [{layers}]\n'
    )
    result = _lint(tmp_path, config)
    assert result.returncode != 0
    assert "departments is not allowed to import" in result.stdout
