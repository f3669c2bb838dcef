"""scripts/supervise, which keeps the real-stack `make run`'s worker and beat alive: a process that
dies is started again, and stopping the supervisor stops it for good."""

import os
import signal
import subprocess
import sys

from tests.processes import ROOT
from tests.stack import wait_until


def pids(path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_process_is_started_again_and_a_stop_stops_both(tmp_path):
    record = tmp_path / "pids"
    child = f"import os, time; open({str(record)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(300)"
    supervisor = subprocess.Popen(
        [str(ROOT / "scripts" / "supervise"), "worker", sys.executable, "-c", child],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        (first,) = wait_until(lambda: pids(record), timeout=60, what="the first start")
        os.kill(first, signal.SIGKILL)  # the OOM killer, say
        second = wait_until(lambda: pids(record)[1:], timeout=60, what="a restart")[0]
        assert second != first and alive(second)

        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        wait_until(lambda: not alive(second), timeout=60, what="the supervised process to stop")
        assert len(pids(record)) == 2  # stopped for good, not started a third time
        assert "worker exited with status" in supervisor.stderr.read()
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
