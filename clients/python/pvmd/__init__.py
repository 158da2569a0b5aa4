"""pvmd: run JAM PVM programs in the pvmd daemon from Python.

    import pvmd
    with pvmd.Client("unix:///run/pvmd/pvmd.sock") as client, client.session() as s:
        inst = s.instantiate(code_blob, gas=10_000, registers=regs)
        exit = inst.run(lambda call: ...)

See README.md for the API.
"""

from pvmd.client import (  # noqa: F401
    HALT_ADDRESS, NUM_REGISTERS, PAGE_SIZE, Access, Client, Engine, Exit, Format, HostCall, Info,
    Instance, InstanceState, Invocation, Limits, Pages, PvmdError, RunState, Session, Status, Upload,
)

__all__ = [
    "Access", "Client", "Engine", "Exit", "Format", "HostCall", "Info", "Instance", "InstanceState",
    "Invocation", "Limits", "Pages", "PvmdError", "RunState", "Session", "Status", "Upload",
    "HALT_ADDRESS", "PAGE_SIZE", "NUM_REGISTERS",
]
