"""The Python client against the real pvmd daemon."""

import hashlib
import struct
import unittest

import grpc

import pvmd
from pvmd import Access, Format, Pages, PvmdError, RunState, Status

from . import programs as P
from .daemon import Daemon, require_go_or_bin

daemon: Daemon = None  # type: ignore[assignment]


def setUpModule():
    global daemon
    require_go_or_bin()
    daemon = Daemon()


def tearDownModule():
    if daemon is not None:
        code = daemon.stop()
        if code != 0:
            raise AssertionError(f"pvmd exited with status {code}")


def regs(**set_):
    """13 registers: φ0 = HALT_ADDRESS, and r7=..., r8=... as given."""
    r = [pvmd.HALT_ADDRESS] + [0] * 12
    for k, v in set_.items():
        r[int(k[1:])] = v
    return r


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = pvmd.Client(daemon.unix)
        self.addCleanup(self.client.close)

    def test_info(self):
        info = self.client.info()
        self.assertTrue(info.version)
        self.assertIn(info.default_profile, info.numberings)
        self.assertIn("interpreter", info.engines)
        self.assertGreater(info.limits.max_message_bytes, 0)
        self.assertGreater(info.limits.max_gas_per_run, 0)

    def test_tcp(self):
        self.assertIsNotNone(daemon.tcp, "the daemon logged no tcp:// listener")
        with pvmd.Client(daemon.tcp) as c, c.session() as s:
            inst = s.instantiate(P.ADDER, gas=100, registers=regs(r7=2, r8=3))
            ex = inst.run()
            self.assertEqual(ex.status, Status.HALT)
            self.assertEqual(ex.registers[7], 5)

    def test_host_call_loop(self):
        """The guest bumps a counter in memory and calls ecalli; the handler
        checks it through a memory read, adds 1000 with a queued write, sets
        φ7 (0 stops the loop) and charges gas."""
        rounds = 50
        seen = []
        with self.client.session() as s:
            inst = s.instantiate(P.HOST_CALL_LOOP, gas=1_000_000, registers=regs(),
                                 page_map=[Pages(P.DATA_PAGE, 4096, Access.READ_WRITE)])
            self.assertEqual(inst.profile, "gp-0.8")
            self.assertEqual(inst.code_hash, hashlib.blake2b(P.HOST_CALL_LOOP, digest_size=32).digest())

            def on_call(call: pvmd.HostCall):
                i = len(seen) + 1
                self.assertEqual(call.id, P.LOOP_CALL_ID)
                self.assertIs(call.instance, inst)
                counter = struct.unpack("<Q", call.read_memory(P.DATA_PAGE, 8))[0]
                self.assertEqual(counter, i + 1000 * (i - 1))
                if i > 1:
                    self.assertEqual(call.registers[7], (i - 1) * 7)
                seen.append((call.pc, call.gas))
                call.write_memory(P.DATA_PAGE, struct.pack("<Q", counter + 1000))
                call.registers[7] = 0 if i == rounds else i * 7
                call.gas -= 10

            ex = inst.run(on_call)
            self.assertEqual(ex.status, Status.HALT, ex)
            self.assertTrue(ex.halted)
            self.assertEqual(len(seen), rounds)
            self.assertEqual(len({pc for pc, _ in seen}), 1, "every call is at the same ecalli")
            for (_, g1), (_, g2) in zip(seen, seen[1:]):
                self.assertLess(g2, g1 - 10, "the handler's charge sticks")
            self.assertEqual(struct.unpack("<Q", inst.read_memory(P.DATA_PAGE, 8))[0], rounds + 1000 * rounds)
            st = inst.state()
            self.assertEqual(st.run_state, RunState.FINISHED)
            self.assertEqual(st.gas, ex.gas)
            self.assertEqual(st.mapped_bytes, 4096)
            self.assertGreater(st.instructions, 5 * rounds)

    def test_step_by_step(self):
        """start/resume without a handler, and ending a run from a host call."""
        with self.client.session() as s:
            inst = s.instantiate(P.TIGHT_LOOP, gas=1000, registers=regs(r7=1))
            call = inst.start()
            self.assertIsInstance(call, pvmd.HostCall)
            st = inst.state()
            self.assertEqual((st.run_state, st.call_id, st.pc), (RunState.AT_HOST_CALL, P.LOOP_CALL_ID, call.pc))
            call = inst.resume(registers={7: 5}, gas=call.gas - 1)
            self.assertEqual(call.registers[7], 5)
            call.panic()
            ex = inst.resume(call)
            self.assertEqual((ex.status, ex.pc), (Status.PANIC, call.pc))
            # A finished instance runs again from the start with fresh gas.
            ex = inst.run(lambda c: c.end(Status.HALT), gas=1000)
            self.assertEqual(ex.status, Status.HALT)
            # Without a handler a host call is an error, and the run stays paused.
            with self.assertRaises(ValueError):
                inst.run()
            self.assertEqual(inst.state().run_state, RunState.AT_HOST_CALL)
            ex = inst.resume_run(lambda c: c.registers.__setitem__(7, 0))
            self.assertEqual(ex.status, Status.HALT)

    def test_page_fault(self):
        with self.client.session() as s:
            # By hand: the run returns the fault; map the page and resume.
            inst = s.instantiate(P.FAULT_THEN_HALT, gas=100, registers=regs())
            ex = inst.run()
            self.assertEqual((ex.status, ex.fault_address), (Status.PAGE_FAULT, P.FAULT_PAGE))
            self.assertTrue(ex.page_fault)
            st = inst.state()
            self.assertEqual((st.run_state, st.fault_address), (RunState.AT_PAGE_FAULT, P.FAULT_PAGE))
            inst.map_pages(P.FAULT_PAGE, pvmd.PAGE_SIZE, Access.READ_ONLY)
            inst.write_memory(P.FAULT_PAGE, bytes([41]), force=True)  # read-only: needs force
            ex = inst.resume_run()
            self.assertEqual((ex.status, ex.registers[7]), (Status.HALT, 42))

            # With a page-fault handler.
            faults = []

            def on_fault(ex: pvmd.Exit) -> bool:
                faults.append(ex.fault_address)
                ex.instance.map_pages(ex.fault_address, pvmd.PAGE_SIZE, Access.READ_WRITE)
                ex.instance.write_memory(ex.fault_address, bytes([99]))
                return True

            inst = s.instantiate(P.FAULT_THEN_HALT, gas=100, registers=regs())
            ex = inst.run(on_page_fault=on_fault)
            self.assertEqual(faults, [P.FAULT_PAGE])
            self.assertEqual((ex.status, ex.registers[7]), (Status.HALT, 100))

    def test_nested_instance(self):
        """The outer guest calls `invoke`; the handler runs an inner instance
        on the same session and returns its result in φ7."""
        with self.client.session() as s:
            outer = s.instantiate(P.CALL_INNER, gas=100, registers=regs())

            def on_call(call: pvmd.HostCall):
                self.assertEqual(call.id, P.INVOKE_CALL_ID)
                with call.session.instantiate(P.ADDER, gas=100, registers=regs(r7=1 << 40, r8=5)) as inner:
                    self.assertNotEqual(inner.id, outer.id)
                    iex = inner.run()
                    self.assertEqual(iex.status, Status.HALT)
                    self.assertEqual(outer.state().run_state, RunState.AT_HOST_CALL)
                call.registers[7] = iex.registers[7]

            ex = outer.run(on_call)
            self.assertEqual((ex.status, ex.registers[7]), (Status.HALT, (1 << 40) + 6))

    def test_standard_program_upload_and_invoke(self):
        args = b"hello, pvmd"
        up = self.client.upload(P.ECHO_ARGS_STANDARD, format=Format.STANDARD)
        self.assertEqual(up.code_hash, hashlib.blake2b(P.ECHO_ARGS_STANDARD, digest_size=32).digest())
        self.assertEqual(up.profile, "gp-0.8")
        self.assertTrue(self.client.upload(P.ECHO_ARGS_STANDARD, format=Format.STANDARD).already_cached)
        with self.client.session() as s:
            inst = s.instantiate(code_hash=up.code_hash, format=Format.STANDARD, gas=1000, arguments=args)
            self.assertTrue(inst.from_cache)
            ex = inst.run()
            self.assertEqual(ex.status, Status.HALT)
            self.assertEqual(ex.registers[7], 0xFEFF0000)
            self.assertEqual(inst.read_memory(ex.registers[7], ex.registers[8]), args)
            by_bytes = s.instantiate(P.ECHO_ARGS_STANDARD, format=Format.STANDARD, gas=1000)
            self.assertTrue(by_bytes.from_cache)
        inv = self.client.invoke(code_hash=up.code_hash, format=Format.STANDARD, gas=1000, arguments=args,
                                 read_memory=[(0xFEFF0000, 5), (0x10, 1)])
        self.assertEqual(inv.outcome.status, Status.HALT)
        self.assertEqual(inv.output, args)
        self.assertEqual(inv.memory, [b"hello", b""])
        inv = self.client.invoke(P.TIGHT_LOOP, gas=100, registers=regs())
        self.assertIsInstance(inv.outcome, pvmd.HostCall)
        self.assertEqual(inv.outcome.id, P.LOOP_CALL_ID)

    def test_registers_gas_and_exits(self):
        with self.client.session() as s:
            with s.instantiate(P.ADDER, gas=100) as inst:
                inst.set_registers(regs(r7=40), gas=77)
                inst.set_registers({8: 2})
                st = inst.state()
                self.assertEqual((st.run_state, st.gas, st.registers[7], st.registers[8]), (RunState.READY, 77, 40, 2))
                self.assertEqual(inst.run().registers[7], 42)
            self.assertEqual(s.instantiate(P.TRAP, gas=100).run().status, Status.PANIC)
            ex = s.instantiate(P.SPIN, gas=100).run()
            self.assertEqual(ex.status, Status.OUT_OF_GAS)
            self.assertLess(ex.gas, 100)

    def test_bad_input(self):
        """Refused requests raise PvmdError with the gRPC code; the session goes on."""
        with self.client.session() as s:
            def code(fn, *a, **kw):
                with self.assertRaises(PvmdError) as cm:
                    fn(*a, **kw)
                self.assertTrue(cm.exception.message)
                return cm.exception.code

            self.assertEqual(code(s.instantiate, b"\xff\xff\xff", gas=10), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(code(s.instantiate, P.ADDER, gas=-1), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(code(s.instantiate, P.ADDER, registers=[1, 2, 3]), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(code(s.instantiate, P.ADDER, profile="gp-9.9"), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(code(s.instantiate, code_hash=b"\0" * 32), grpc.StatusCode.NOT_FOUND)
            inst = s.instantiate(P.ADDER, gas=10, registers=regs())
            self.assertEqual(code(inst.read_memory, 0x20000, 4), grpc.StatusCode.FAILED_PRECONDITION)
            self.assertEqual(code(inst.write_memory, 0x20000, b"x"), grpc.StatusCode.FAILED_PRECONDITION)
            self.assertEqual(code(inst.map_pages, 0x1000, 4096), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(code(inst.resume), grpc.StatusCode.FAILED_PRECONDITION)
            with self.assertRaises(PvmdError) as cm:
                inst.set_registers({13: 1})
            self.assertEqual(cm.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn("index", cm.exception.field)
            inst.destroy()
            self.assertEqual(code(inst.state), grpc.StatusCode.NOT_FOUND)
            self.assertEqual(code(inst.run), grpc.StatusCode.NOT_FOUND)
            # A handler that raises: the exception comes out of run(), the
            # instance stays paused, the session stays usable.
            loop = s.instantiate(P.TIGHT_LOOP, gas=100, registers=regs(r7=1))

            def boom(call):
                raise KeyError("no such host call")

            with self.assertRaises(KeyError):
                loop.run(boom)
            self.assertEqual(loop.state().run_state, RunState.AT_HOST_CALL)
            self.assertEqual(s.instantiate(P.ADDER, gas=100, registers=regs(r7=1, r8=1)).run().registers[7], 2)
        with self.assertRaises(ValueError):
            s.instantiate(P.ADDER, code_hash=b"\0" * 32)
        with self.assertRaises(PvmdError) as cm:
            self.client.upload(b"\x01\x02")
        self.assertEqual(cm.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        with self.assertRaises(PvmdError) as cm:
            self.client.invoke(P.ADDER, gas=-5)
        self.assertEqual(cm.exception.code, grpc.StatusCode.INVALID_ARGUMENT)

    def test_cancel_and_abandoned_sessions(self):
        s = self.client.session()
        inst = s.instantiate(P.TIGHT_LOOP, gas=100, registers=regs(r7=1))
        self.assertIsInstance(inst.start(), pvmd.HostCall)
        s.cancel()
        self.assertFalse(s.open)
        with self.assertRaises(PvmdError) as cm:
            inst.state()
        self.assertEqual(cm.exception.code, grpc.StatusCode.CANCELLED)
        # A session dropped without close() is cancelled when collected.
        s = self.client.session()
        s.instantiate(P.ADDER, gas=1)
        del s
        with self.client.session() as s2:
            self.assertEqual(s2.instantiate(P.ADDER, gas=100, registers=regs(r7=1, r8=2)).run().registers[7], 3)

    def test_closed_session_and_unreachable_daemon(self):
        s = self.client.session()
        s.instantiate(P.ADDER, gas=1)
        s.close()
        with self.assertRaises(PvmdError) as cm:
            s.instantiate(P.ADDER, gas=1)
        self.assertEqual(cm.exception.code, grpc.StatusCode.CANCELLED)
        with pvmd.Client("unix://" + daemon.dir + "/nothing-here.sock") as c:
            with self.assertRaises(PvmdError) as cm:
                c.info(timeout=2)
            self.assertIn(cm.exception.code, (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED))


if __name__ == "__main__":
    unittest.main()
