"""`kiosk fleet`: the operators' dashboard, reading Prometheus or polling a few kiosks itself."""

from __future__ import annotations

import argparse
import os

from kiosk.errors import KioskError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Serves a web page showing each kiosk's agency, state, frame times, backlog, devices, "
                          "alerts and, on demand, its screen; problem kiosks first, sortable, filterable by agency. "
                          "With --prometheus the fleet is read from Prometheus' HTTP API (its alerts included); "
                          "without, the server polls each kiosk NAME=URL itself (fine for a handful). Beyond "
                          "127.0.0.1 it needs a login (HTTP basic auth).")
    parser.epilog = ("secrets are better passed in the environment than on the command line (visible to every "
                     "local account): NOVA_FLEET_TOKEN, NOVA_FLEET_AUTH. exit codes: 0 stopped; 1 bad NAME=URL; 69 "
                     "address in use or not this machine's; 78 bad --listen or --auth, or a network address without "
                     "--auth")
    parser.add_argument("kiosks", nargs="*", metavar="NAME=URL", help="e.g. lyon-1=http://10.0.0.21:9108")
    parser.add_argument("--prometheus", metavar="URL", default="",
                        help="read the fleet from Prometheus, e.g. http://127.0.0.1:9090 (deploy/prometheus/)")
    parser.add_argument("--listen", default="127.0.0.1:9200",
                        help="dashboard address (default 127.0.0.1:9200; 0.0.0.0:9200 needs --auth)")
    parser.add_argument("--token", default=os.environ.get("NOVA_FLEET_TOKEN", ""),
                        help="the kiosks' ops.token (default: $NOVA_FLEET_TOKEN)")
    parser.add_argument("--auth", default=os.environ.get("NOVA_FLEET_AUTH", ""), metavar="USER:PASSWORD",
                        help="login the dashboard asks for (default: $NOVA_FLEET_AUTH); required beyond loopback")


def polled_kiosks(items: list[str]) -> list[tuple[str, str]]:
    """NAME=URL arguments as (name, URL without its trailing slash)."""
    kiosks = []
    for item in items:
        name, _, url = item.partition("=")
        if not url.startswith(("http://", "https://")):
            raise KioskError(f"`{item}` is not NAME=URL", hint="e.g. lyon-1=http://10.0.0.21:9108")
        kiosks.append((name, url.rstrip("/")))
    return kiosks


def run(args: argparse.Namespace) -> int:
    from kiosk.ops.fleet import FleetServer
    from kiosk.ops.fleet_prometheus import PrometheusFleet
    from kiosk.ops.http import parse_listen

    if bool(args.prometheus) == bool(args.kiosks):
        raise KioskError("name either --prometheus URL or the kiosks to poll (NAME=URL …), not both",
                         hint="kiosk fleet --prometheus http://127.0.0.1:9090, or kiosk fleet lyon-1=http://10.0.0.21:9108")
    if args.prometheus and not args.prometheus.startswith(("http://", "https://")):
        raise KioskError(f"--prometheus {args.prometheus} is not a URL", hint="e.g. http://127.0.0.1:9090")
    kiosks = polled_kiosks(args.kiosks)
    host, port = parse_listen(args.listen, "--listen")
    source = PrometheusFleet(args.prometheus).views if args.prometheus else None
    server = FleetServer(host, port, kiosks, args.token, args.auth, source=source)
    login = f"login required (user {server.user})" if server.password else "no login: this machine only"
    watched = f"the kiosks Prometheus at {args.prometheus} scrapes" if source else f"{len(kiosks)} kiosk(s)"
    print(f"fleet: http://{args.listen.rpartition(':')[0]}:{server.port}/ watching {watched}; {login}", flush=True)
    server.serve_forever()
    return 0
