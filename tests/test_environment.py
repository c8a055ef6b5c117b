"""environment.yml (conda, Binder) names the same packages as pyproject.toml."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's.
CONDA_NAME = {"torch": "pytorch"}


def requirement_name(spec: str) -> str:
    return re.split(r"[\s<>=!~\[;]", spec.strip(), maxsplit=1)[0].lower()


def pyproject_packages() -> set:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [
        spec for extra in project["optional-dependencies"].values() for spec in extra
    ]
    return {CONDA_NAME.get(requirement_name(s), requirement_name(s)) for s in specs}


def conda_packages() -> set:
    names, in_deps = set(), False
    for line in (REPO / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        # conda's packages, and under "pip:" those that ship on PyPI only (not `-e .`)
        match = re.match(r"^  - ([A-Za-z0-9_.-]+)|^      - ([A-Za-z0-9_][A-Za-z0-9_.-]*)", line)
        if in_deps and match:
            names.add((match.group(1) or match.group(2)).lower())
    return names - {"python", "pip"}


def test_environment_yml_matches_pyproject():
    assert conda_packages() == pyproject_packages()


def test_conda_pytorch_is_a_cpu_build_and_the_package_itself_is_installed():
    text = (REPO / "environment.yml").read_text()
    assert re.search(r"^  - pytorch .*cpu", text, re.M)
    assert "conda-forge" in text and re.search(r"^      - -e \.$", text, re.M)


def test_the_parser_sees_a_difference():
    # Guard against a parser that always agrees: a missing package must show.
    assert "numpy" in conda_packages() and "pytorch" in pyproject_packages()
    assert pyproject_packages() - {"numpy"} != conda_packages()
