"""Set-up for every pytest run from this folder: unit tests, nbval over labs/, browser tests.

No network: tests/network_guard.py refuses outbound connections in this process and, named
in PYTHONSTARTUP, in every kernel started from it (nbval's, the browser tests' JupyterLab's).
It lives here, not in tests/conftest.py, so that `pytest labs/` alone is guarded too.
"""

import os
import runpy
from pathlib import Path

NETWORK_GUARD = Path(__file__).parent / "tests" / "network_guard.py"
runpy.run_path(str(NETWORK_GUARD))
os.environ["PYTHONSTARTUP"] = str(NETWORK_GUARD)
