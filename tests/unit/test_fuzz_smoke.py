"""The atheris fuzz target (tests/fuzz/fuzz_text.py) runs clean for a bounded number of
inputs, so that `make test` exercises it: no crash, no call slower than its limit, no
unmasked number. Longer runs: see the target's docstring."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "tests" / "fuzz" / "fuzz_text.py"


@pytest.mark.timeout(300)
def test_fuzz_target_runs_clean(tmp_path):
    pytest.importorskip("atheris")
    cmd = [sys.executable, str(TARGET), "-runs=3000", "-max_len=4000", "-len_control=0", "-seed=1",
           f"-dict={TARGET.parent / 'text.dict'}", f"-artifact_prefix={tmp_path}/"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=280)
    log = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, log
    assert "Done 3000 runs" in log, log
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*")), log
