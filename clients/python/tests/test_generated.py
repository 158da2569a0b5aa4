"""The committed pvmd/v1/pvmd_pb2.py describes the current proto/pvmd/v1/pvmd.proto."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from google.protobuf import descriptor_pb2

from pvmd.v1 import pvmd_pb2

from .daemon import REPO


def _strip_json_names(fdp: descriptor_pb2.FileDescriptorProto) -> None:
    def walk(msgs):
        for m in msgs:
            for f in m.field:
                f.ClearField("json_name")
            walk(m.nested_type)
    walk(fdp.message_type)


class GeneratedTest(unittest.TestCase):
    def test_descriptor_matches_proto(self):
        proto = REPO / "proto" / "pvmd" / "v1" / "pvmd.proto"
        if not proto.exists():
            self.skipTest(f"no {proto}")
        if shutil.which("protoc") is None:
            self.skipTest("no protoc to compile the proto with")
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "set.pb"
            subprocess.run(["protoc", "-I", str(REPO / "proto"), f"--descriptor_set_out={out}", "pvmd/v1/pvmd.proto"], check=True)
            want = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file[0]
        got = descriptor_pb2.FileDescriptorProto.FromString(pvmd_pb2.DESCRIPTOR.serialized_pb)
        _strip_json_names(want)
        _strip_json_names(got)
        self.assertEqual(got, want, "clients/python/pvmd/v1 is stale: run clients/python/generate.sh")


if __name__ == "__main__":
    unittest.main()
