#!/usr/bin/env python3
"""Draw a Grafana dashboard as a PNG from a live Prometheus, laid out as Grafana lays it out.

No Grafana runs here: each panel of the dashboard JSON is drawn with matplotlib at its gridPos (24 columns),
from the panel's own PromQL evaluated through the Prometheus HTTP API, with the panel's type (stat, timeseries,
bar gauge, table), its unit (SI prefixes chosen per value, as Grafana does), thresholds colours and table columns.
Variables are set by --var NAME=VALUE; those not given are "All" (.*).

usage: render-dashboard.py PROMETHEUS_URL DASHBOARD.json OUTPUT.png --end UNIX --range SECONDS
           [--scrape-interval SECONDS] [--var NAME=VALUE ...]
"""
import argparse
import datetime
import json
import time
import urllib.parse
import urllib.request

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# unit -> (base symbol, prefixes as (factor, symbol) from the largest)
SCALES = {
    "watt": [(1e6, "MW"), (1e3, "kW"), (1, "W"), (1e-3, "mW")],
    "kwatth": [(1e3, "MWh"), (1, "kWh"), (1e-3, "Wh")],
    "masskg": [(1e3, "t"), (1, "kg"), (1e-3, "g"), (1e-6, "mg")],
    "massg": [(1e6, "t"), (1e3, "kg"), (1, "g"), (1e-3, "mg")],
    "short": [(1e9, "B"), (1e6, "M"), (1e3, "k"), (1, "")],
    "none": [(1, "")],
}


def format_value(value, unit, decimals=None):
    """A value as Grafana's unit formatter shows it: SI prefix by magnitude, durations in the largest unit."""
    if value is None or value != value:
        return "No data"
    if unit == "percentunit":
        return f"{value * 100:.{1 if decimals is None else decimals}f}%"
    if unit == "s":
        for factor, symbol in ((86400, "day"), (3600, "hour"), (60, "min")):
            if abs(value) >= factor:
                amount = value / factor
                return f"{amount:.1f} {symbol}{'s' if symbol != 'min' and amount >= 2 else ''}"
        if 0 < abs(value) < 1:
            return f"{value * 1000:.{0 if abs(value) >= 0.01 else 1}f} ms"
        return f"{value:.{1 if decimals is None else decimals}f} s"
    if unit == "dateTimeAsIso":
        return time.strftime("%Y-%m-%d %H:%M", time.gmtime(value / 1000))
    if unit.startswith("suffix:"):
        return f"{value:.{0 if decimals is None else decimals}f} {unit[len('suffix:'):]}"
    scale = SCALES.get(unit, [(1, unit)])
    factor, symbol = next(((f, s) for f, s in scale if abs(value) >= f), scale[-1])
    if value == 0:
        factor, symbol = next((f, s) for f, s in scale if f == 1)
    scaled = value / factor
    places = decimals if decimals is not None else (
        0 if abs(scaled) >= 100 or scaled == int(scaled) else 1 if abs(scaled) >= 10 else 2)
    return f"{scaled:.{places}f} {symbol}".strip()


def substitute(expr, variables, range_seconds, rate_interval, step):
    values = dict(variables)
    values.update({"__rate_interval": f"{rate_interval}s", "__range": f"{range_seconds}s", "__interval": f"{step}s"})
    for name in sorted(values, key=len, reverse=True):
        expr = expr.replace("${" + name + "}", values[name]).replace("$" + name, values[name])
    return expr


def get(url, path, params):
    with urllib.request.urlopen(f"{url}{path}?{urllib.parse.urlencode(params)}", timeout=60) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", "query failed"))
    return body["data"]


def legend(metric, template):
    if template:
        text = template
        for key, value in metric.items():
            text = text.replace("{{" + key + "}}", value)
        return text
    return ", ".join(f"{v}" for k, v in sorted(metric.items()) if k not in ("__name__", "job", "instance")) or "value"


def threshold_colour(defaults, value):
    colour = "#73bf69"
    names = {"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830", "blue": "#5794f2", "yellow": "#fade2a"}
    for step in defaults.get("thresholds", {}).get("steps", []):
        if step.get("value") is None or (value is not None and value >= step["value"]):
            colour = names.get(step["color"], step["color"])
    return colour


def instant(args, expr, end):
    data = get(args.prometheus, "/api/v1/query", {"query": expr, "time": end})
    if data["resultType"] == "scalar":
        return [({}, float(data["result"][1]))]
    return [(series["metric"], float(series["value"][1])) for series in data["result"]]


def draw_stat(axis, panel, results, defaults):
    unit, decimals = defaults.get("unit", "short"), defaults.get("decimals")
    axis.set_axis_off()
    if not results:
        axis.text(0.5, 0.4, "No data", ha="center", va="center", fontsize=16, color="#8e8e8e")
        return
    count = len(results)
    for index, (name, value) in enumerate(results[:6]):
        y = 0.42 if count == 1 else 0.8 - index * (0.75 / min(count, 6))
        text = format_value(value, unit, decimals)
        size = 22 if count == 1 else 11
        label = f"{name}  " if count > 1 or panel.get("options", {}).get("textMode") == "value_and_name" else ""
        axis.text(0.5, y, f"{label}{text}", ha="center", va="center", fontsize=size,
                  color=threshold_colour(defaults, value), fontweight="bold")


def draw_bars(axis, results, defaults):
    unit, decimals = defaults.get("unit", "short"), defaults.get("decimals")
    results = results[:10]
    if not results:
        axis.set_axis_off()
        axis.text(0.5, 0.4, "No data", ha="center", va="center", fontsize=16, color="#8e8e8e")
        return
    names = [name for name, _ in results][::-1]
    values = [value for _, value in results][::-1]
    positions = list(range(len(values)))
    bars = axis.barh(positions, values, color="#73bf69", height=0.6)
    top = max(values) if max(values) > 0 else 1
    # Grafana's bar gauge writes the series name above each bar and the value at its end.
    for bar, name, value in zip(bars, names, values):
        axis.text(0, bar.get_y() + bar.get_height() + 0.03, name, va="bottom", fontsize=7)
        axis.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, format_value(value, unit, decimals),
                  va="center", fontsize=7)
    axis.set_yticks([])
    axis.set_ylim(-0.5, len(values))
    axis.set_xlim(0, top * 1.25)
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_value(v, unit)))
    axis.tick_params(labelsize=7)


def draw_table(axis, panel, args, end, variables, range_seconds, rate_interval, step):
    axis.set_axis_off()
    organize = next((t["options"] for t in panel.get("transformations", []) if t["id"] == "organize"), {})
    rename, order = organize.get("renameByName", {}), organize.get("indexByName", {})
    exclude = {k for k, v in organize.get("excludeByName", {}).items() if v}
    units = {}
    for override in panel["fieldConfig"].get("overrides", []):
        for prop in override["properties"]:
            if prop["id"] == "unit":
                units[override["matcher"]["options"]] = prop["value"]
    rows = {}
    label_names = set()
    for target in panel["targets"]:
        expr = substitute(target["expr"], variables, range_seconds, rate_interval, step)
        for metric, value in instant(args, expr, end):
            key = tuple(sorted((k, v) for k, v in metric.items() if k not in exclude))
            label_names.update(k for k, _ in key)
            rows.setdefault(key, {})[f"Value #{target['refId']}"] = value
    columns = sorted((c for c in set(order) | label_names if c not in exclude and (c in label_names or c.startswith("Value"))),
                     key=lambda c: order.get(c, 99))
    headers = [rename.get(c, c) for c in columns]
    sort_name = (panel.get("options", {}).get("sortBy") or [{}])[0].get("displayName")
    table = []
    for key, values in rows.items():
        labels = dict(key)
        table.append([labels.get(c, values.get(c)) for c in columns])
    if sort_name in headers:
        index = headers.index(sort_name)
        table.sort(key=lambda row: -(row[index] if isinstance(row[index], float) else 0))
    cells = [[format_value(v, units.get(h, panel["fieldConfig"]["defaults"].get("unit", "short")))
              if isinstance(v, float) else ("" if v is None else str(v)) for v, h in zip(row, headers)] for row in table]
    if not cells:
        axis.text(0.5, 0.4, "No data", ha="center", va="center", fontsize=16, color="#8e8e8e")
        return
    shown = axis.table(cellText=cells[:12], colLabels=headers, loc="upper center", cellLoc="left")
    shown.auto_set_font_size(False)
    shown.set_fontsize(7)
    shown.scale(1, 1.2)
    for (row, _), cell in shown.get_celld().items():
        cell.set_edgecolor("#d0d0d0")
        if row == 0:
            cell.set_facecolor("#eef0f3")
            cell.set_text_props(fontweight="bold")


def draw_timeseries(axis, panel, args, end, variables, range_seconds, rate_interval, step, defaults):
    unit = defaults.get("unit", "short")
    stacked = defaults.get("custom", {}).get("stacking", {}).get("mode") == "normal"
    bars = defaults.get("custom", {}).get("drawStyle") == "bars"
    lines = []
    for target in panel["targets"]:
        expr = substitute(target["expr"], variables, range_seconds, rate_interval, step)
        target_step = step
        if target.get("interval") == "1d":
            target_step = 86400
        data = get(args.prometheus, "/api/v1/query_range",
                   {"query": expr, "start": end - range_seconds, "end": end, "step": target_step})
        for series in data["result"][:8]:
            xs = [mdates.date2num(_utc(float(t))) for t, _ in series["values"]]
            ys = [float(v) for _, v in series["values"]]
            lines.append((legend(series["metric"], target.get("legendFormat")), xs, ys))
    if not lines:
        axis.text(0.5, 0.5, "No data", ha="center", va="center", fontsize=16, color="#8e8e8e", transform=axis.transAxes)
    elif bars:
        for name, xs, ys in lines:
            axis.bar(xs, ys, width=0.6, label=name, color="#73bf69")
    elif stacked and len({len(xs) for _, xs, _ in lines}) == 1:
        axis.stackplot(lines[0][1], *[ys for _, _, ys in lines], labels=[n for n, _, _ in lines], alpha=0.6)
    else:
        for name, xs, ys in lines:
            axis.plot(xs, ys, label=name, linewidth=1)
    axis.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    pattern = "%H:%M:%S" if range_seconds < 3600 else "%H:%M" if range_seconds <= 86400 else "%m-%d"
    axis.xaxis.set_major_formatter(mdates.DateFormatter(pattern))
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_value(v, unit)))
    axis.set_ylim(bottom=min(0, axis.get_ylim()[0]))
    axis.tick_params(labelsize=7)
    axis.grid(alpha=0.3)
    if lines:
        # Grafana's table legend: each series with its mean, maximum and last value.
        rows = []
        for name, _, ys in lines:
            rows.append(f"{name[:28]:<28} mean {format_value(sum(ys) / len(ys), unit):>10}  "
                        f"max {format_value(max(ys), unit):>10}  last {format_value(ys[-1], unit):>10}")
        handles, _ = axis.get_legend_handles_labels()
        axis.legend(handles, rows, fontsize=6, loc="upper left", prop={"family": "monospace", "size": 6},
                    framealpha=0.8)


def _utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prometheus")
    parser.add_argument("dashboard")
    parser.add_argument("output")
    parser.add_argument("--end", type=float, required=True)
    parser.add_argument("--range", type=int, required=True, help="seconds of history to draw")
    parser.add_argument("--scrape-interval", type=int, default=60, help="spacing of the samples, seconds")
    parser.add_argument("--var", action="append", default=[], help="NAME=VALUE; others are .*")
    parser.add_argument("--note", default="", help="where the data comes from, for the title")
    args = parser.parse_args()
    dashboard = json.load(open(args.dashboard))
    variables = {v["name"]: ".*" for v in dashboard.get("templating", {}).get("list", [])}
    variables.update(dict(item.split("=", 1) for item in args.var))
    variables.pop("datasource", None)
    panels = [p for p in dashboard.get("panels", []) if p.get("type") != "row"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    # Grafana's $__interval for a panel about 1000 pixels wide, and $__rate_interval from it.
    step = max(args.scrape_interval, args.range // 1000 // 60 * 60 or args.scrape_interval)
    rate_interval = max(step + args.scrape_interval, 4 * args.scrape_interval)
    unit_height = 0.42
    figure = plt.figure(figsize=(20, rows * unit_height + 0.8))
    height = rows * unit_height + 0.8
    for panel in panels:
        grid = panel["gridPos"]
        # Room on the left for the first column's axis labels.
        left, width = 0.035 + grid["x"] / 24 * 0.96, grid["w"] / 24 * 0.96
        top = 1 - (0.8 + grid["y"] * unit_height) / height
        box = (left + 0.004, top - grid["h"] * unit_height / height + 0.012, width - 0.008,
               grid["h"] * unit_height / height - 0.035)
        axis = figure.add_axes(box)
        defaults = panel["fieldConfig"]["defaults"]
        figure.text(box[0], box[1] + box[3] + 0.004, panel.get("title", ""), fontsize=9, fontweight="bold")
        kind = panel["type"]
        try:
            if kind == "timeseries":
                draw_timeseries(axis, panel, args, args.end, variables, args.range, rate_interval, step, defaults)
            elif kind == "table":
                draw_table(axis, panel, args, args.end, variables, args.range, rate_interval, step)
            else:
                results = []
                for target in panel["targets"]:
                    expr = substitute(target["expr"], variables, args.range, rate_interval, step)
                    results += [(legend(m, target.get("legendFormat")), v) for m, v in instant(args, expr, args.end)]
                if kind == "bargauge":
                    draw_bars(axis, results, defaults)
                else:
                    draw_stat(axis, panel, results, defaults)
        except RuntimeError as error:
            axis.set_axis_off()
            axis.text(0.5, 0.5, f"query failed: {error}"[:80], ha="center", fontsize=7, color="#f2495c")
        for spine in axis.spines.values():
            spine.set_edgecolor("#d0d0d0")
    span = f"{args.range / 3600:g} h" if args.range >= 3600 else f"{args.range // 60} min"
    chosen = ", ".join(f"{k}={v}" for k, v in sorted(dict(item.split("=", 1) for item in args.var).items()))
    figure.suptitle(f"{dashboard.get('title', '')}: last {span}{', ' + args.note if args.note else ''}"
                    + (f" ({chosen})" if chosen else ""), x=0.01, ha="left", y=1 - 0.3 / height, fontsize=13)
    figure.savefig(args.output, dpi=72)
    print(f"wrote {args.output}: {len(panels)} panels")


if __name__ == "__main__":
    main()
