"""binder/ builds the Binder and JupyterHub image: repo2docker reads it, the environment pins
the CPU-only PyTorch that `make` installs, and its packages stay those of pyproject.toml."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.test_environment import requirement_name

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
# In the image only: the hub's "run this lab" links (scripts/build_site.py) need nbgitpuller.
IMAGE_ONLY = {"nbgitpuller"}


def binder_specs(text: str) -> dict[str, str]:
    """Package name -> its spec, from a conda environment file's dependencies."""
    specs = {}
    dependencies = text.partition("\ndependencies:\n")[2]
    for match in re.finditer(r"^  - ([A-Za-z0-9_.-]+)(.*)$", dependencies, re.M):
        specs[match[1].lower()] = (match[1] + match[2]).replace(" ", "")
    return specs


def torch_version() -> str:
    """The torch version `make` installs (the Makefile's TORCH_SPEC)."""
    return re.search(r"^TORCH_SPEC \?= torch==(\S+)$", (REPO / "Makefile").read_text(), re.M)[1]


def test_binder_environment_pins_the_cpu_torch_make_installs():
    specs = binder_specs((BINDER / "environment.yml").read_text())
    assert specs["pytorch"] == f"pytorch={torch_version()}=cpu*", specs["pytorch"]
    assert "torch" not in specs, "pip's torch on Linux is a CUDA build"
    assert "conda-forge" in (BINDER / "environment.yml").read_text()


def test_binder_environment_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {requirement_name(s): s.replace(" ", "") for s in project["dependencies"]}
    wanted.pop("torch")  # pinned as conda-forge's CPU pytorch (test above)
    specs = binder_specs((BINDER / "environment.yml").read_text())
    image = {k: v for k, v in specs.items() if k not in {"python", "pip", "pytorch"}}
    assert {k: v for k, v in image.items() if k not in IMAGE_ONLY} == wanted
    assert IMAGE_ONLY <= image.keys()
    # The comparison sees a loosened pin.
    assert binder_specs("\ndependencies:\n  - numpy>=1.0\n") != {"numpy": wanted["numpy"]}


def test_post_build_installs_rnnviz_its_export_config_and_trusts_the_labs():
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    assert re.search(r"^python -m pip install --no-deps -e \.$", text, re.M)
    assert "jupyter-config/jupyter_nbconvert_config.json" in text
    assert "sys.prefix" in text and "etc/jupyter/jupyter_nbconvert_config.json" in text
    assert re.search(r'^JUPYTER_DATA_DIR="\$TRUST_DIR" jupyter trust labs/\*\.ipynb$', text, re.M)
    assert "jupyter_server_config.d/rnnviz-trust.json" in text
    assert re.search(r"^mkdir -p \"\$TRUST_DIR\"", text, re.M)


def test_repo2docker_reads_the_binder_folder():
    """`repo2docker --no-build --debug` prints the Dockerfile it would build: a Python 3.11
    conda environment updated from binder/environment.yml, then binder/postBuild."""
    repo2docker = Path(sys.executable).parent / "repo2docker"
    if not repo2docker.exists():
        pytest.fail("repo2docker is missing: the test extra installs jupyter-repo2docker")
    result = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    dockerfile, log = result.stdout, result.stderr
    assert "Building conda environment for python=3.11" in log, log
    assert re.search(
        r"env update -p \$\{NB_PYTHON_PREFIX\} --file \"binder/environment.yml\"", dockerfile
    ), dockerfile
    assert "COPY --chown" in dockerfile and "src/binder/environment.yml" in dockerfile
    assert re.search(r"^RUN \./binder/postBuild$", dockerfile, re.M)
    # The top-level environment.yml (unpinned pytorch, test extras) is not the image's.
    assert '--file "environment.yml"' not in dockerfile


def test_trust_kept_in_the_image_covers_a_clone_of_the_labs(tmp_path):
    """postBuild signs the labs into a trust database under sys.prefix (`jupyter trust` with
    JUPYTER_DATA_DIR there) and points the server's notary at it: the server's contents
    manager reads that setting, and a copy of a lab elsewhere (nbgitpuller's clone in a
    student's home) is trusted by it."""
    import nbformat
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config import Config

    trust_dir = tmp_path / "rnnviz-trust"
    trust_dir.mkdir()  # as postBuild makes it
    image_copy = tmp_path / "image" / "labs"
    clone = tmp_path / "home" / "rnnviz" / "labs"
    for folder in (image_copy, clone):
        shutil.copytree(REPO / "labs", folder, ignore=shutil.ignore_patterns(".ipynb_*"))
    lab = "01_rnn_from_scratch.ipynb"
    subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "trust", str(image_copy / lab)],
        env=dict(os.environ, JUPYTER_DATA_DIR=str(trust_dir)),
        check=True,
        capture_output=True,
    )
    assert (trust_dir / "nbsignatures.db").exists()
    config = Config({"NotebookNotary": {"data_dir": str(trust_dir)}})
    manager = FileContentsManager(root_dir=str(tmp_path / "home"), config=config)
    assert manager.notary.data_dir == str(trust_dir)
    assert manager.notary.check_signature(nbformat.read(clone / lab, as_version=4))
    # Only what was signed is trusted: another lab, or an edited copy, is not.
    other = nbformat.read(clone / "02_computational_graphs.ipynb", as_version=4)
    assert not manager.notary.check_signature(other)
    edited = nbformat.read(clone / lab, as_version=4)
    edited.cells[0].source += "\n# edited"
    assert not manager.notary.check_signature(edited)
