#!/usr/bin/python3
"""Run a program under kiosk.service's sandbox without systemd as PID 1.

Run it with Debian's /usr/bin/python3 (python3-seccomp is built for it, not for the venv), as
root, and it execs the command given after `--` as the unit would have it run:

    sudo /usr/bin/python3 scripts/unit_sandbox.py --unit kiosk.service --groups video,dialout \\
        --path /var/lib/nova-kiosk=/srv/test/state --path /opt/nova-kiosk=$PWD \\
        -- .venv/bin/kiosk --config my.toml run --headless

What it rebuilds from the unit file, in this order:
- a private mount namespace: ProtectSystem=strict (every mount read-only but /dev, /proc, the
  private /tmp and ReadWritePaths=), PrivateTmp=yes (fresh /tmp and /var/tmp), ProtectHome=yes
  (/home, /root, /run/user empty and unreadable), ProtectProc=invisible + ProcSubset=pid (a /proc
  of its own showing only the process's own pids), ProtectKernelTunables= and
  ProtectControlGroups= (/sys read-only: included in the strict remount);
- StateDirectory= (made, handed to the user); User= and Group= with the user's supplementary
  groups (initgroups, as systemd does) — a User= this machine lacks is made for the sandbox only,
  in its own /etc/passwd and /etc/group, as the install's useradd would make it;
  CapabilityBoundingSet= (empty: every capability dropped from the bounding set, so none
  survives leaving root); NoNewPrivileges=yes (prctl); UMask=;
- WorkingDirectory=, a clean environment (Environment= lines, HOME, USER, LOGNAME, SHELL, PATH,
  STATE_DIRECTORY) plus what --env adds;
- the seccomp filters: SystemCallFilter= lines read exactly as systemd 252 reads them (first line
  decides allow- or deny-list; `~` removes from an allow-list; groups expanded from what
  `systemd-analyze syscall-filter` prints on this machine), with SystemCallErrorNumber= or the
  kill action; SystemCallArchitectures=native (libseccomp's default: other ABIs are killed);
  RestrictAddressFamilies=, RestrictRealtime=, RestrictNamespaces=, LockPersonality= as the
  extra filters systemd adds for them.

Not reproduced (they need systemd as PID 1 or its cgroup): DevicePolicy=/DeviceAllow= and
IPAddressAllow= (cgroup BPF programs), RemoveIPC=, KeyringMode=,
WatchdogSec=/Restart= (the manager's job; the test checks the notify messages instead),
ProtectKernelModules=/ProtectKernelLogs=/ProtectClock=/ProtectHostname= (their EPERM filters are
covered by the kill filter: @module, @clock, sethostname are outside the allow-list), and
RestrictSUIDSGID=.

`--print` shows the syscall filter that would be loaded and exits.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import grp
import os
import pwd
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 0x400, 0x800, 0x200000
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
SCHED_FIFO, SCHED_RR, SCHED_DEADLINE, SCHED_RESET_ON_FORK = 1, 2, 6, 0x40000000
NAMESPACE_FLAGS = {"cgroup": 0x02000000, "ipc": 0x08000000, "net": 0x40000000, "mnt": CLONE_NEWNS,
                   "pid": 0x20000000, "user": 0x10000000, "uts": 0x04000000, "time": 0x00000080}
ADDRESS_FAMILIES = {"AF_UNIX": 1, "AF_LOCAL": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16, "AF_PACKET": 17,
                    "AF_BLUETOOTH": 31, "AF_CAN": 29}
AF_MAX = 46  # Linux 6.x
PER_LINUX = 0
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(Exception):
    """The unit asks for something this launcher cannot read or set up."""


@dataclass
class Unit:
    """The [Service] settings of a unit file, each key with its assignments in order."""

    settings: dict[str, list[str]] = field(default_factory=dict)

    def all(self, key: str) -> list[str]:
        return self.settings.get(key, [])

    def last(self, key: str, default: str = "") -> str:
        values = self.all(key)
        return values[-1] if values else default

    def yes(self, key: str) -> bool:
        return self.last(key).lower() in ("yes", "true", "1", "on")


def read_unit(text: str) -> Unit:
    unit, section, pending = Unit(), "", ""
    for raw in text.splitlines():
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line:
            key, value = line.split("=", 1)
            unit.settings.setdefault(key.strip(), []).append(value.strip())
    return unit


def syscall_groups(listing: str) -> dict[str, list[str]]:
    """`systemd-analyze syscall-filter` output: each @group with its calls and nested groups."""
    groups: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in listing.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif not line.strip():
            current = None
        elif current is not None and not line.strip().startswith("#"):
            current.append(line.strip())
    return groups


def expand(name: str, groups: dict[str, list[str]], seen: frozenset[str] = frozenset()) -> list[str]:
    if not name.startswith("@"):
        return [name]
    if name not in groups:
        raise SandboxError(f"unknown system call group {name}: `systemd-analyze syscall-filter` does not list it")
    calls: list[str] = []
    for item in groups[name]:
        if item not in seen:
            calls += expand(item, groups, seen | {name})
    return calls


@dataclass
class SyscallFilter:
    allow_list: bool
    calls: dict[str, int | None]  # allow-list: the allowed calls; deny-list: call -> errno (None: the default)
    error_number: int | None  # SystemCallErrorNumber= (None: kill the process)


def _errno(value: str) -> int | None:
    if value in ("", "kill"):
        return None
    number = value if value.isdigit() else getattr(errno, value, None)
    if number is None:
        raise SandboxError(f"unknown errno name {value!r}")
    return int(number)


def syscall_filter(unit: Unit, groups: dict[str, list[str]]) -> SyscallFilter | None:
    """SystemCallFilter= as systemd 252's config parser builds it (src/core/load-fragment.c)."""
    allow_list: bool | None = None
    calls: dict[str, int | None] = {}
    for assignment in unit.all("SystemCallFilter"):
        if not assignment:
            allow_list, calls = None, {}
            continue
        invert = assignment.startswith("~")
        words = assignment.lstrip("~").split()
        if allow_list is None:
            allow_list = not invert
            if allow_list:  # an allow-list always starts from @default
                calls = dict.fromkeys(expand("@default", groups))
        for word in words:
            name, _, number = word.partition(":")
            code = _errno(number) if number else None
            for call in expand(name, groups):
                if invert != allow_list:  # adds to the list (allow, or deny with its errno)
                    calls[call] = code if not allow_list else None
                else:
                    calls.pop(call, None)
    if allow_list is None:
        return None
    return SyscallFilter(allow_list, calls, _errno(unit.last("SystemCallErrorNumber")))


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str
    shell: str
    passwd: str = ""  # when set: /etc/passwd and /etc/group as the sandbox shows them (the user is
    group: str = ""  # made for the sandbox only)


def unit_account(name: str, group_name: str, home: str, member_of: list[str]) -> Account:
    """The unit's user. One that does not exist here is made for the sandbox only, as the install
    (`useradd --system --home HOME --groups ...`) makes it: the highest uid free below 1000, a group
    of its own with the same number, member of those groups that exist on this machine."""
    try:
        known = pwd.getpwnam(name)
    except KeyError:
        pass
    else:
        gid = grp.getgrnam(group_name).gr_gid if group_name else known.pw_gid
        return Account(name, known.pw_uid, gid, known.pw_dir, known.pw_shell)
    passwd, group = Path("/etc/passwd").read_text(), Path("/etc/group").read_text()
    used = {int(line.split(":")[2]) for text in (passwd, group) for line in text.splitlines() if line.count(":") >= 3}
    uid = next(number for number in range(999, 99, -1) if number not in used)
    lines = []
    for line in group.splitlines():
        fields = line.split(":")
        if len(fields) == 4 and fields[0] in member_of:
            fields[3] = ",".join([member for member in fields[3].split(",") if member] + [name])
        lines.append(":".join(fields))
    lines.append(f"{name}:x:{uid}:")
    passwd = passwd.rstrip("\n") + f"\n{name}:x:{uid}:{uid}:{name} (sandbox):{home}:/usr/sbin/nologin\n"
    return Account(name, uid, uid, home, "/usr/sbin/nologin", passwd, "\n".join(lines) + "\n")


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def _mounts() -> list[tuple[str, int]]:
    """Mount points (deepest last) with the flags to keep when remounting them read-only."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        point = fields[4].encode().decode("unicode_escape")
        options = set(fields[5].split(","))
        flags = sum(flag for name, flag in (("nosuid", MS_NOSUID), ("nodev", MS_NODEV), ("noexec", MS_NOEXEC),
                                             ("noatime", MS_NOATIME), ("nodiratime", MS_NODIRATIME),
                                             ("relatime", MS_RELATIME)) if name in options)
        found.append((point, flags))
    return sorted(found, key=lambda item: item[0].count("/"))


def _under(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _bind_back(saved: list[tuple[str, int]]) -> None:
    """Folders opened before a tmpfs hid them, mounted again at their old place inside it (the
    folders created on the way can be crossed, not listed)."""
    for path, fd in saved:
        missing = Path(path)
        while not missing.parent.exists():
            missing = missing.parent
        os.makedirs(path, mode=0o711, exist_ok=True)
        os.chmod(missing.parent, os.stat(missing.parent).st_mode | 0o111)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)


def _show_file(path: str, text: str) -> None:
    """`text` as the file at `path`, in this mount namespace only: written in the private /tmp,
    bound over `path`, then unlinked (the mount keeps it)."""
    copy = Path("/tmp") / f".unit-sandbox{path.replace('/', '-')}"
    copy.write_text(text)
    copy.chmod(0o644)
    _mount(str(copy), path, None, MS_BIND)
    copy.unlink()


def isolate_files(unit: Unit, keep: list[str], writable: list[str], expose: list[str], account: Account) -> None:
    """The unit's file-system view in a new mount namespace. `keep` are folders under /tmp that
    stay visible in the private /tmp (they stand for the unit's /opt and /var/lib paths);
    `expose` are folders under a home that stay visible, read-only, through ProtectHome (as a
    `BindReadOnlyPaths=` drop-in would show them)."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    kept = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in keep]
    exposed = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in expose]
    private_tmp = []
    if unit.yes("PrivateTmp"):
        for tmp in ("/tmp", "/var/tmp"):
            if os.path.isdir(tmp):
                _mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
                private_tmp.append(tmp)
        _bind_back(kept)
    else:  # the folders stay where they are
        for _, fd in kept:
            os.close(fd)
    if account.passwd:
        if "/tmp" not in private_tmp:
            raise SandboxError("a user made for the sandbox needs PrivateTmp=yes (or an existing user: --user)")
        _show_file("/etc/passwd", account.passwd)
        _show_file("/etc/group", account.group)
    for path in writable:
        _mount(path, path, None, MS_BIND | MS_REC)  # its own mount, left writable below
    if unit.last("ProtectHome") not in ("", "no", "yes", "tmpfs"):
        raise SandboxError(f"ProtectHome={unit.last('ProtectHome')}: only yes and tmpfs are rebuilt here")
    if unit.last("ProtectHome") in ("yes", "tmpfs"):
        for home in ("/home", "/root", "/run/user"):
            if os.path.isdir(home):
                mode = "0755" if unit.last("ProtectHome") == "tmpfs" else "0000"
                _mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"mode={mode}")
    _bind_back(exposed)
    if unit.last("ProtectSystem") == "strict":
        left_writable = ["/dev", "/proc", *writable]  # and the private /tmp itself, not what is kept in it
        sysfs_readonly = unit.yes("ProtectKernelTunables") or unit.yes("ProtectControlGroups")
        for point, flags in _mounts():
            sysfs = point == "/sys" or point.startswith("/sys/")
            if point in private_tmp or _under(point, left_writable) or (sysfs and not sysfs_readonly):
                continue
            try:
                _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
            except SandboxError:
                if os.path.exists(point):  # a mount hidden under another one cannot be reached: harmless
                    raise
    elif unit.last("ProtectSystem"):
        raise SandboxError(f"ProtectSystem={unit.last('ProtectSystem')}: only strict is rebuilt here")
    proc_options = []
    if unit.last("ProtectProc") in ("invisible", "noaccess", "ptraceable"):
        proc_options.append(f"hidepid={unit.last('ProtectProc')}")
    if unit.last("ProcSubset") == "pid":
        proc_options.append("subset=pid")
    if proc_options:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, ",".join(proc_options))


def drop_privileges(unit: Unit, account: Account, last_capability: int) -> None:
    if unit.all("CapabilityBoundingSet") and unit.last("CapabilityBoundingSet"):
        raise SandboxError("only an empty CapabilityBoundingSet= is rebuilt here")
    if unit.all("CapabilityBoundingSet"):
        for cap in range(last_capability + 1):
            _check(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    if unit.last("AmbientCapabilities"):
        raise SandboxError("AmbientCapabilities= other than empty is not rebuilt here")
    os.initgroups(account.name, account.gid)  # reads the sandbox's /etc/group
    os.setresgid(account.gid, account.gid, account.gid)
    os.setresuid(account.uid, account.uid, account.uid)  # no capability survives this
    if unit.yes("NoNewPrivileges"):
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS")
    if unit.last("UMask"):
        os.umask(int(unit.last("UMask"), 8))


def seccomp_filters(unit: Unit, groups: dict[str, list[str]]) -> list[object]:
    """The libseccomp filters for the unit, in the order systemd loads them: SystemCallFilter= last,
    nearest the execve (it refuses seccomp() itself). The kernel evaluates every filter and the
    strictest answer wins (kill before errno before allow)."""
    import seccomp  # type: ignore[import-not-found]  # Debian python3-seccomp: only /usr/bin/python3 has it

    filters: list[object] = []
    chosen = syscall_filter(unit, groups)
    if chosen is not None:
        refuse = seccomp.KILL_PROCESS if chosen.error_number is None else seccomp.ERRNO(chosen.error_number)
        main = seccomp.SyscallFilter(refuse if chosen.allow_list else seccomp.ALLOW)
        for call, code in sorted(chosen.calls.items()):
            action = seccomp.ALLOW if chosen.allow_list else (refuse if code is None else seccomp.ERRNO(code))
            with contextlib.suppress(RuntimeError, ValueError, OSError):  # a call this architecture lacks:
                main.add_rule_exactly(action, call)  # systemd skips those too
    if unit.last("SystemCallArchitectures") not in ("", "native"):
        raise SandboxError("only SystemCallArchitectures=native is rebuilt here")
    families = unit.last("RestrictAddressFamilies")
    if families:
        if families.startswith("~"):
            raise SandboxError("only an allow-list of RestrictAddressFamilies= is rebuilt here")
        unknown = [name for name in families.split() if name not in ADDRESS_FAMILIES]
        if unknown:
            raise SandboxError(f"RestrictAddressFamilies={unknown[0]}: add its number to ADDRESS_FAMILIES")
        allowed = {ADDRESS_FAMILIES[name] for name in families.split()}
        net = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in range(AF_MAX):
            if family not in allowed:
                net.add_rule_exactly(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
        net.add_rule_exactly(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.GE, AF_MAX))
        filters.append(net)
    if unit.yes("RestrictRealtime"):
        realtime = seccomp.SyscallFilter(seccomp.ALLOW)
        for policy in (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE):
            realtime.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "sched_setscheduler",
                                      seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF & ~SCHED_RESET_ON_FORK, policy))
        filters.append(realtime)
    if unit.last("RestrictNamespaces"):
        if unit.last("RestrictNamespaces") != "yes":
            raise SandboxError("only RestrictNamespaces=yes is rebuilt here")
        spaces = seccomp.SyscallFilter(seccomp.ALLOW)
        for name, flag in NAMESPACE_FLAGS.items():
            # clone() keeps its exit signal in the low byte, where CLONE_NEWTIME's bit would sit
            for call in ("unshare",) if name == "time" else ("unshare", "clone"):
                spaces.add_rule_exactly(seccomp.ERRNO(errno.EPERM), call, seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
        spaces.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "setns")
        # clone3 passes its flags in memory the filter cannot read: systemd answers ENOSYS so that
        # glibc falls back to clone(), whose flags it can check.
        spaces.add_rule_exactly(seccomp.ERRNO(errno.ENOSYS), "clone3")
        filters.append(spaces)
    if unit.yes("LockPersonality"):  # the current personality (PER_LINUX) only, as systemd locks it
        persona = seccomp.SyscallFilter(seccomp.ALLOW)
        persona.add_rule_exactly(seccomp.ERRNO(errno.EPERM), "personality", seccomp.Arg(0, seccomp.NE, PER_LINUX))
        filters.append(persona)
    if chosen is not None:
        filters.append(main)
    return filters


def clean_environment(unit: Unit, account: Account, state: str, extra: list[str]) -> dict[str, str]:
    env = {"PATH": DEFAULT_PATH, "HOME": account.home, "USER": account.name, "LOGNAME": account.name,
           "SHELL": account.shell}
    if unit.last("StateDirectory"):
        env["STATE_DIRECTORY"] = state
    for assignment in unit.all("Environment") + extra:
        for word in assignment.split():
            key, _, value = word.partition("=")
            env[key] = value
    return env


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unit", type=Path, required=True, help="the unit file (kiosk.service)")
    parser.add_argument("--user", help="run as this user (it must exist here) instead of the unit's User=, which is "
                                       "made for the sandbox only when it does not exist here")
    parser.add_argument("--groups", default="", metavar="A,B",
                        help="the groups a user made for the sandbox belongs to (as useradd --groups)")
    parser.add_argument("--path", action="append", default=[], metavar="UNIT=HERE",
                        help="a path the unit names, and where it is on this machine (e.g. /var/lib/nova-kiosk=DIR)")
    parser.add_argument("--keep", action="append", default=[], metavar="DIR",
                        help="a folder under /tmp that stays visible in the private /tmp")
    parser.add_argument("--expose", action="append", default=[], metavar="DIR",
                        help="a folder in a home directory that stays visible, read-only (e.g. the Python of a venv)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="added to the environment")
    parser.add_argument("--print", action="store_true", help="print the system call filter and exit")
    parser.add_argument("command", nargs="*", help="the program and its arguments (after --)")
    args = parser.parse_args(argv)

    mappings = [tuple(mapping.split("=", 1)) for mapping in args.path]
    text = args.unit.read_text()
    for unit_path, here in mappings:
        text = text.replace(unit_path, here)
    unit = read_unit(text)
    state = f"/var/lib/{unit.last('StateDirectory')}" if unit.last("StateDirectory") else ""
    for unit_path, here in mappings:
        state = state.replace(unit_path, here)
    listing = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True, check=True).stdout
    groups = syscall_groups(listing)
    if args.print:
        chosen = syscall_filter(unit, groups)
        if chosen is not None:
            print(("allow" if chosen.allow_list else "deny") + f", refused: {chosen.error_number or 'kill'}")
            print("\n".join(sorted(chosen.calls)))
        return 0
    if not args.command:
        parser.error("give the command to run after --")
    if os.geteuid() != 0:
        raise SandboxError("run it as root: it builds a mount namespace and then drops to the unit's user")
    last_capability = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    if args.user:
        known = pwd.getpwnam(args.user)
        account = Account(known.pw_name, known.pw_uid, known.pw_gid, known.pw_dir, known.pw_shell)
    else:  # the install makes the unit's user with its home in the state folder
        account = unit_account(unit.last("User"), unit.last("Group"), state or "/", args.groups.split(","))
    if state:  # StateDirectory=: made if missing and handed to the user (systemd's default mode 0755)
        os.makedirs(state, mode=0o755, exist_ok=True)
        os.chown(state, account.uid, account.gid)
    isolate_files(unit, args.keep, [p for assignment in unit.all("ReadWritePaths") for p in assignment.split()],
                  args.expose, account)
    drop_privileges(unit, account, last_capability)
    if unit.last("WorkingDirectory"):
        os.chdir(unit.last("WorkingDirectory").lstrip("-"))
    env = clean_environment(unit, account, state, args.env)
    filters = seccomp_filters(unit, groups)
    for built in filters:
        built.load()  # type: ignore[attr-defined]
    os.execve(args.command[0], args.command, env)
    return 127  # pragma: no cover - execve does not return


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SandboxError as exc:
        print(f"unit_sandbox: {exc}", file=sys.stderr)
        sys.exit(2)
