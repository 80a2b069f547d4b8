"""Drive a server with Debian's `wrk`: POST distinct questions, read percentiles from its Lua hook.

wrk is a real load generator (C, event loop, keep-alive connections): the client never becomes
the bottleneck the way a Python loop on the same two cores would.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Each connection walks the bodies from its own offset, so concurrent requests differ and no
# body is sent twice within a run shorter than len(bodies) requests.
_LUA = """
local bodies = dofile("%(bodies)s")
local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 100003)
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  local body = bodies[((offset + counter) %% #bodies) + 1]
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    requests: int
    seconds: float
    req_per_s: float
    errors: int  # connect/read/write errors, timeouts and non-2xx answers
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str, path: str, bodies: list[str], concurrency: int, seconds: float, timeout_s: float = 10.0
) -> LoadResult:
    if not wrk_available():
        raise FileNotFoundError("wrk is not installed: `apt-get install wrk` (Debian's package)")
    with tempfile.TemporaryDirectory() as tmp:
        bodies_lua = Path(tmp) / "bodies.lua"
        # Lua long strings need no escaping; JSON with ASCII escapes holds no "]==]".
        bodies_lua.write_text("return {\n" + ",\n".join(f"[==[{b}]==]" for b in bodies) + "\n}\n")
        script = Path(tmp) / "post.lua"
        script.write_text(_LUA % {"bodies": bodies_lua, "path": path})
        threads = max(1, min(2, concurrency))
        cmd = [
            "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds:.0f}s", f"--timeout={timeout_s:.0f}s",
            "-s", str(script), url,
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout[-500:]}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    secs = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return LoadResult(
        concurrency=concurrency,
        requests=raw["requests"],
        seconds=round(secs, 2),
        req_per_s=round(raw["requests"] / secs, 2),
        errors=errors,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
    )


def chat_bodies(questions: list[str]) -> list[str]:
    return [json.dumps({"question": q}) for q in questions]
