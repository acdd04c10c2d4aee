"""kiosk.service's system-call filter as scripts/unit_sandbox.py reads it: systemd's rules for
SystemCallFilter= (allow- or deny-list, `~`, resets, errno suffixes) over the groups
`systemd-analyze syscall-filter` prints on this machine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.unit_sandbox import SandboxError, expand, read_unit, syscall_filter, syscall_groups

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def groups() -> dict[str, list[str]]:
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (scripts/setup.sh installs systemd)"
    listing = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True, check=True)
    return syscall_groups(listing.stdout)


def test_groups_nest_as_systemd_prints_them(groups: dict[str, list[str]]) -> None:
    assert "@chown" in groups["@privileged"] and "fchown" in expand("@privileged", groups)
    assert {"mbind", "setpriority", "sched_setaffinity"} <= set(groups["@resources"])
    assert "read" in expand("@system-service", groups) and "execve" in expand("@default", groups)
    with pytest.raises(SandboxError, match="@nonsense"):
        expand("@nonsense", groups)


def test_the_kiosk_units_filter_allows_what_its_libraries_call_and_nothing_privileged(
        groups: dict[str, list[str]]) -> None:
    chosen = syscall_filter(read_unit((REPO / "kiosk.service").read_text()), groups)
    assert chosen is not None and chosen.allow_list and chosen.error_number is None  # refused calls kill
    allowed = set(chosen.calls)
    assert {"mbind", "sched_setaffinity", "sched_setscheduler", "setpriority"} <= allowed  # OpenBLAS, Mesa, SDL
    assert {"read", "openat", "mmap", "futex", "clone3", "ioctl", "socket", "execve", "getrandom"} <= allowed
    for refused in ("fchown", "setuid", "ptrace", "mount", "reboot", "init_module", "setrlimit", "migrate_pages",
                    "set_mempolicy", "sched_setattr", "bpf", "chroot", "swapon", "iopl", "settimeofday"):
        assert refused not in allowed, refused


def test_systemds_rules_for_lists_resets_and_errno(groups: dict[str, list[str]]) -> None:
    allow = read_unit("[Service]\nSystemCallFilter=@basic-io\nSystemCallFilter=~read\nSystemCallFilter=read\n"
                      "SystemCallFilter=~write\nSystemCallErrorNumber=EPERM\n")
    chosen = syscall_filter(allow, groups)
    assert chosen is not None and chosen.allow_list and chosen.error_number == 1
    assert "read" in chosen.calls and "write" not in chosen.calls and "brk" in chosen.calls  # @default comes along
    deny = read_unit("[Service]\nSystemCallFilter=~@mount mkdir:EACCES\nSystemCallFilter=umount2\n")
    chosen = syscall_filter(deny, groups)
    assert chosen is not None and not chosen.allow_list and chosen.error_number is None
    assert chosen.calls["mkdir"] == 13 and chosen.calls["mount"] is None and "umount2" not in chosen.calls
    reset = read_unit("[Service]\nSystemCallFilter=@basic-io\nSystemCallFilter=\n")
    assert syscall_filter(reset, groups) is None
    # In an allow-list an errno suffix cannot apply: systemd drops the call and refuses it like the rest.
    suffix = syscall_filter(read_unit("[Service]\nSystemCallFilter=@basic-io\nSystemCallFilter=~read:EPERM\n"),
                            groups)
    assert suffix is not None and "read" not in suffix.calls and suffix.error_number is None


def test_unit_files_are_read_like_systemd_reads_them() -> None:
    unit = read_unit("[Unit]\nDescription=x\n[Service]\n# a comment\n; another\nEnvironment=A=1 \\\n  B=2\n"
                     "UMask=0077\nUMask=0027\n[Install]\nWantedBy=multi-user.target\n")
    assert [value.split() for value in unit.all("Environment")] == [["A=1", "B=2"]] and unit.last("UMask") == "0027"
    assert unit.last("Description") == "" and unit.last("WantedBy") == ""
