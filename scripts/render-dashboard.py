#!/usr/bin/env python3
"""Render a Grafana dashboard's panels as PNG images from a live Prometheus, for the README.

No Grafana runs here, so this draws each panel of a dashboard JSON with matplotlib from the same PromQL,
evaluated through the Prometheus HTTP API with the dashboard's template variables set to "All" and the
Grafana interval macros replaced by concrete windows.

usage: render-dashboard.py PROMETHEUS_URL DASHBOARD.json OUTPUT.png [--range-seconds N] [--scrape-interval S]
"""
import argparse
import json
import math
import time
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def substitute(expr, range_seconds, step, scrape_interval):
    # Grafana's rule: at least four scrape intervals, so every window holds enough samples.
    rate_interval = max(4 * scrape_interval, step)
    values = {
        "$__rate_interval": f"{rate_interval}s", "${__rate_interval}": f"{rate_interval}s",
        "$__range": f"{range_seconds}s", "${__range}": f"{range_seconds}s",
        "$__interval": f"{step}s", "${__interval}": f"{step}s",
    }
    for name in ("cloud_project_name", "user", "machine_name", "host"):
        values[f"${{{name}}}"] = ".*"
        values[f"${name}"] = ".*"
    for key in sorted(values, key=len, reverse=True):
        expr = expr.replace(key, values[key])
    return expr


def get(url, path, params):
    with urllib.request.urlopen(f"{url}{path}?{urllib.parse.urlencode(params)}", timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", "query failed"))
    return body["data"]


def legend(metric, template):
    if template:
        text = template
        for key, value in metric.items():
            text = text.replace("{{" + key + "}}", value).replace("{{ " + key + " }}", value)
        return text
    return ",".join(f"{k}={v}" for k, v in sorted(metric.items()) if k != "__name__") or "value"


UNIT_SCALE = {"joule": (1, "J"), "watt": (1, "W"), "kwatth": (1, "kWh"), "massg": (1, "g"), "masskg": (1, "kg"),
              "percentunit": (100, "%"), "s": (1, "s"), "none": (1, ""), "short": (1, "")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prometheus")
    parser.add_argument("dashboard")
    parser.add_argument("output")
    parser.add_argument("--range-seconds", type=int, default=600)
    parser.add_argument("--scrape-interval", type=int, default=15, help="Prometheus' scrape interval, seconds")
    args = parser.parse_args()
    dashboard = json.load(open(args.dashboard))
    panels = []

    def walk(items):
        for panel in items:
            if panel.get("type") == "row":
                walk(panel.get("panels", []))
            elif panel.get("targets"):
                panels.append(panel)
    walk(dashboard.get("panels", []))

    end = time.time()
    start = end - args.range_seconds
    step = max(1, args.range_seconds // 120)
    columns = 3
    rows = math.ceil(len(panels) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 3.2 * rows), squeeze=False)
    for axis, panel in zip(axes.flat, panels):
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        scale, suffix = UNIT_SCALE.get(unit, (1, unit))
        axis.set_title(panel.get("title", ""), fontsize=10, loc="left")
        kind = panel.get("type")
        for target in panel["targets"]:
            expr = substitute(target["expr"], args.range_seconds, step, args.scrape_interval)
            if kind == "timeseries":
                data = get(args.prometheus, "/api/v1/query_range", {"query": expr, "start": start, "end": end, "step": step})
                for series in data["result"][:8]:
                    xs = [float(t) - end for t, _ in series["values"]]
                    ys = [float(v) * scale for _, v in series["values"]]
                    axis.plot(xs, ys, label=legend(series["metric"], target.get("legendFormat")))
                axis.set_xlabel("seconds before now", fontsize=8)
                axis.set_ylabel(suffix, fontsize=8)
            else:
                data = get(args.prometheus, "/api/v1/query", {"query": expr, "time": end})
                result = data["result"] if data["resultType"] == "vector" else [{"metric": {}, "value": data["result"]}]
                labels = [legend(s["metric"], target.get("legendFormat")) for s in result[:10]]
                values = [float(s["value"][1]) * scale for s in result[:10]]
                if kind == "stat" and unit == "dateTimeAsIso":
                    # Grafana shows milliseconds since the epoch as a date; so does this, in UTC, one line a series.
                    text = "\n".join(
                        f"{label}  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(value / 1000))}".strip()
                        for label, value in zip(labels, values))
                    axis.text(0.5, 0.45, text, ha="center", va="center", fontsize=14)
                    axis.set_axis_off()
                elif kind == "stat" and len(values) == 1:
                    axis.text(0.5, 0.45, f"{values[0]:.4g} {suffix}", ha="center", va="center", fontsize=22)
                    axis.set_axis_off()
                else:
                    axis.barh(labels, values)
                    axis.set_xlabel(suffix, fontsize=8)
        if kind == "timeseries" and axis.lines:
            axis.legend(fontsize=6, loc="upper left")
        axis.tick_params(labelsize=7)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_axis_off()
    figure.suptitle(f"{dashboard.get('title', '')} (last {args.range_seconds} s, rendered from Prometheus)", fontsize=13)
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    figure.savefig(args.output, dpi=80)
    print(f"wrote {args.output}: {len(panels)} panels")


if __name__ == "__main__":
    main()
