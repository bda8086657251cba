#!/usr/bin/env python3
"""History for the dashboard pictures, in OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.

  nodes    a day of node_exporter series (CPU seconds per mode, memory, boot time, up) for a small site, at one
           point a minute, with the target labels Prometheus' node job would attach, plus the site's intensity
           file for the same day and the next one (the exporter's `file` provider reads it).
  gauges   the exporter's host gauges over the same day, derived the way the exporter derives them: power from
           the report's energy counters (joules per second over each step), CPU idle share and active memory
           from the node series, cores and boot time from them too, and the grid intensity in force from the
           intensity file. The report (`footprint_exporter report --format openmetrics`) carries only counters.

usage: dashboard-history.py nodes END HOURS NODES.om INTENSITY.csv
       dashboard-history.py gauges NODES.om REPORT.om INTENSITY.csv LABELS OUT.om
"""
import math
import re
import sys

STEP = 60
# host, project, user, machine type, cores, memory GiB, load profile (busy share by hour of day)
HOSTS = [
    ("ws-astro-01:9100", "astro", "alice", "Artemis (Matlab)", 8, 32, "office"),
    ("ws-astro-02:9100", "astro", "bob", "Artemis (Matlab)", 8, 32, "idle"),
    ("ws-astro-03:9100", "astro", "alice", "Hermes (GPU)", 16, 64, "batch"),
    ("ws-bio-01:9100", "bio", "carol", "Artemis (Matlab)", 4, 16, "office"),
    ("ws-bio-02:9100", "bio", "dave", "Hermes (GPU)", 16, 64, "night"),
    ("ws-isis-01:9100", "isis", "jane.doe", "Artemis (Matlab)", 4, 16, "idle"),
]


def busy_share(profile, hour, index):
    """A deterministic daily pattern: office hours, overnight batch, a long job, or nearly nothing."""
    wobble = 0.05 * math.sin(index / 7.0)
    if profile == "office":
        base = 0.55 if 8 <= hour < 18 else 0.03
    elif profile == "night":
        base = 0.85 if hour >= 20 or hour < 6 else 0.05
    elif profile == "batch":
        base = 0.9 if 2 <= hour < 14 else 0.1
    else:
        base = 0.01
    return min(1.0, max(0.0, base + wobble))


def labels(host, project, user, machine, extra=""):
    return (f'job="node",instance="{host}",cloud_project_name="{project}",user="{user}",'
            f'machine_name="{machine}"{extra}')


def nodes(end, hours, nodes_path, intensity_path):
    end = int(end) // STEP * STEP
    start = end - int(hours) * 3600
    times = list(range(start, end + 1, STEP))
    cpu, memory, total, boot, up = [], [], [], [], []
    for host, project, user, machine, cores, gib, profile in HOSTS:
        boot_time = start - 3 * 86400
        seconds = {"idle": 10_000.0 * cores, "user": 2_000.0 * cores}
        for index, t in enumerate(times):
            share = busy_share(profile, (t // 3600) % 24, index)
            if index:
                seconds["user"] += STEP * cores * share
                seconds["idle"] += STEP * cores * (1 - share)
            for mode, value in seconds.items():
                # Spread over the cores evenly: the exporter sums by host.
                for core in range(cores):
                    cpu.append((labels(host, project, user, machine, f',cpu="{core}",mode="{mode}"'),
                                value / cores, t))
            active = gib * 2**30 * (0.2 + 0.5 * share)
            memory.append((labels(host, project, user, machine), active, t))
            total.append((labels(host, project, user, machine), gib * 2**30, t))
            boot.append((labels(host, project, user, machine), boot_time, t))
            up.append((labels(host, project, user, machine), 1, t))
    with open(nodes_path, "w") as out:
        write_family(out, "node_cpu_seconds", "counter", cpu, "_total")
        write_family(out, "node_memory_Active_bytes", "gauge", memory)
        write_family(out, "node_memory_MemTotal_bytes", "gauge", total)
        write_family(out, "node_boot_time_seconds", "gauge", boot)
        # The exporter lists the hosts whose scrape succeeded.
        write_family(out, "up", "gauge", up)
        out.write("# EOF\n")
    # Half-hourly intensity: a morning and evening peak, cleaner at night and at midday; the next day too, so
    # the forecast panels have something to show.
    with open(intensity_path, "w") as out:
        out.write("start,grams_per_kwh\n")
        first = start // 1800 * 1800
        for t in range(first, end + 86400 + 1800, 1800):
            hour = (t // 3600) % 24 + (t % 3600) / 3600
            value = 190 + 70 * math.sin((hour - 4) / 24 * 2 * math.pi) + 40 * math.sin(hour / 12 * 2 * math.pi)
            out.write(f"{t},{value:.0f}\n")


def write_family(out, name, kind, samples, suffix=""):
    out.write(f"# TYPE {name} {kind}\n")
    by_series = {}
    for series, value, t in samples:
        by_series.setdefault(series, []).append((value, t))
    for series in sorted(by_series):
        for value, t in by_series[series]:
            out.write(f"{name}{suffix}{{{series}}} {value:.17g} {t}\n")


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+) (\S+)$')


def read(path):
    """name -> {labels text -> [(time, value)]} from an OpenMetrics file."""
    result = {}
    for line in open(path):
        match = SAMPLE.match(line.strip())
        if match:
            name, text, value, t = match.groups()
            result.setdefault(name, {}).setdefault(text, []).append((float(t), float(value)))
    return result


def label_map(text):
    return dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', text))


def gauges(nodes_path, report_path, intensity_path, extra, out_path):
    node = read(nodes_path)
    report = read(report_path)
    gauge = {}

    def put(name, series_labels, t, value):
        gauge.setdefault(name, {}).setdefault(series_labels, []).append((t, value))

    # Host labels as the report writes them (host, attribution, grid_region), keyed by host.
    host_labels = {}
    for text in report.get("footprint_host_energy_joules_total", {}):
        found = label_map(text)
        host_labels[found["host"]] = ",".join(f'{k}="{v}"' for k, v in found.items() if k != "state")
    # Power: the energy of each step over its length, busy and idle together.
    energy = {}
    for text, points in report.get("footprint_host_energy_joules_total", {}).items():
        host = label_map(text)["host"]
        for t, value in points:
            energy.setdefault(host, {}).setdefault(t, 0.0)
            energy[host][t] += value
    for host, points in energy.items():
        times = sorted(points)
        for before, after in zip(times, times[1:]):
            put("footprint_host_power_watts", host_labels[host], after, (points[after] - points[before]) / (after - before))
    # CPU idle share, cores, active memory and boot time from the node series.
    idle, everything, cores = {}, {}, {}
    for text, points in node.get("node_cpu_seconds_total", {}).items():
        found = label_map(text)
        host = found["instance"]
        if found["mode"] == "idle":
            cores[host] = cores.get(host, 0) + 1
        for t, value in points:
            everything.setdefault(host, {}).setdefault(t, 0.0)
            everything[host][t] += value
            if found["mode"] == "idle":
                idle.setdefault(host, {}).setdefault(t, 0.0)
                idle[host][t] += value
    for host in everything:
        if host not in host_labels:
            continue
        times = sorted(everything[host])
        for before, after in zip(times, times[1:]):
            spent = everything[host][after] - everything[host][before]
            if spent > 0:
                put("footprint_host_idle_ratio", host_labels[host], after,
                    (idle[host][after] - idle[host][before]) / spent)
            put("footprint_host_cpu_cores", host_labels[host], after, cores[host])
    active = node.get("node_memory_Active_bytes", {})
    total = node.get("node_memory_MemTotal_bytes", {})
    for text, points in active.items():
        host = label_map(text)["instance"]
        if host not in host_labels:
            continue
        totals = dict(total[text])
        for t, value in points:
            put("footprint_host_memory_active_ratio", host_labels[host], t, value / totals[t])
    for text, points in node.get("node_boot_time_seconds", {}).items():
        host = label_map(text)["instance"]
        if host in host_labels:
            for t, value in points:
                put("footprint_host_boot_time_seconds", host_labels[host], t, value)
    # The intensity in force: the row whose half-hour contains the time.
    rows = [tuple(map(float, line.split(","))) for line in open(intensity_path).read().split("\n")[1:] if line]
    regions = sorted({label_map(text).get("grid_region", "default") for text in host_labels.values()})
    times = sorted({t for points in energy.values() for t in points})
    for t in times:
        value = [v for start, v in rows if start <= t][-1]
        for region in regions:
            put("footprint_grid_carbon_intensity_grams_per_kilowatt_hour",
                f'provider="file",grid_region="{region}"', t, value)
    with open(out_path, "w") as out:
        for name in sorted(gauge):
            out.write(f"# TYPE {name} gauge\n")
            for series in sorted(gauge[name]):
                for t, value in gauge[name][series]:
                    out.write(f"{name}{{{extra},{series}}} {value:.17g} {int(t)}\n")
        out.write("# EOF\n")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "nodes":
        nodes(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "gauges":
        gauges(*sys.argv[2:])
    else:
        sys.exit(__doc__)
