#!/usr/bin/python3
"""Host calls per second on one session: a guest doing `ecalli` in a loop,
the handler resuming at once.

    /usr/bin/python3 bench.py                     # starts its own daemon
    /usr/bin/python3 bench.py --address unix:///run/pvmd/pvmd.sock --calls 100000
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pvmd  # noqa: E402
from tests import programs as P  # noqa: E402
from tests.daemon import Daemon  # noqa: E402


def bench(address: str, calls: int, engine: pvmd.Engine) -> float:
    with pvmd.Client(address) as client, client.session() as s:
        inst = s.instantiate(P.TIGHT_LOOP, gas=10**10, engine=engine,
                             registers=[pvmd.HALT_ADDRESS] + [0] * 6 + [1] + [0] * 5)
        left = calls

        def on_call(call: pvmd.HostCall) -> None:
            nonlocal left
            left -= 1
            if left == 0:
                call.registers[7] = 0  # stop the loop

        left = min(1000, calls)
        inst.run(on_call, gas=10**10)  # warm up
        left = calls
        inst.set_registers({7: 1})
        t = time.perf_counter()
        ex = inst.run(on_call, gas=10**10)
        dt = time.perf_counter() - t
        assert ex.status == pvmd.Status.HALT, ex
        return calls / dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", help="a running daemon (default: build and start one)")
    ap.add_argument("--calls", type=int, default=50_000)
    ap.add_argument("--engine", choices=["auto", "interpreter", "recompiler"], default="auto")
    args = ap.parse_args()
    daemon = None
    address = args.address
    if address is None:
        daemon = Daemon()
        address = daemon.unix
    try:
        rate = bench(address, args.calls, pvmd.Engine[args.engine.upper()])
    finally:
        if daemon is not None:
            daemon.stop()
    print(f"python: {rate:,.0f} host calls/s ({1e6 / rate:.1f} µs per call) on one session, "
          f"{args.calls} calls, engine {args.engine}")


if __name__ == "__main__":
    main()
