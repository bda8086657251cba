/// The pages' one stylesheet and one script, served from the exporter's own origin, and the policy that
/// forbids everything else.
public enum PageAssets {
    public static let stylesheetPath = "/analysis/assets/style.css"
    public static let scriptPath = "/analysis/assets/ticker.js"
    public static let iconPath = "/analysis/assets/icon.svg"

    /// A small leaf, so browsers do not ask for `/favicon.ico`.
    public static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#2f7d32" \
        d="M14 2C7 2 2 5 2 11c0 1.2.3 2.2.8 3l1-1C5 9 8 7 11 6 8 8 6 10 5 13.5 11 14 14 10 14 2z"/></svg>

        """

    /// Nothing from another origin, no inline script or style, no framing, no form posting.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Readable on a phone (one column below 40rem), contrast of at least 4.5:1 for text.
    public static let stylesheet = """
        :root { color-scheme: light; --ink: #1b1f23; --muted: #4a5560; --line: #c9d1d9; --busy: #1f5fa8; --idle: #b35900;
          --known: #59636e; --card: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
        header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
        header { border-bottom: 1px solid var(--line); }
        nav a { margin-right: 1rem; }
        a { color: #0b5cad; }
        a:focus, a:hover { color: #07417a; }
        h1 { font-size: 1.6rem; margin: 1rem 0 0.5rem; }
        h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.75rem; padding: 0;
          margin: 0; list-style: none; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; }
        .card .label { display: block; color: var(--muted); font-size: 0.9rem; }
        .card .figure { font-size: 1.4rem; font-variant-numeric: tabular-nums; }
        .unit, .note { color: var(--muted); }
        .split { display: flex; height: 1.5rem; border: 1px solid var(--line); border-radius: 4px; overflow: hidden; }
        .split .busy { fill: var(--busy); }
        .split .idle { fill: var(--idle); }
        .swatch-busy { color: var(--busy); font-weight: bold; }
        .swatch-idle { color: var(--idle); font-weight: bold; }
        .swatch-known { color: var(--known); font-weight: bold; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        caption { text-align: left; color: var(--muted); padding: 0.25rem 0; }
        th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.number, th.number { text-align: right; }
        svg { max-width: 100%; height: auto; display: block; }
        svg .busy { fill: var(--busy); }
        svg .idle { fill: var(--idle); }
        svg .known { fill: none; stroke: var(--known); stroke-width: 2; stroke-dasharray: 6 3; }
        svg .up { fill: none; stroke: var(--ink); stroke-width: 1.5; }
        svg .axis { stroke: var(--line); }
        svg text { font-size: 12px; fill: var(--muted); }
        footer { margin-top: 2rem; padding-bottom: 2rem; color: var(--muted); font-size: 0.9rem; }
        @media (max-width: 40rem) { body { font-size: 15px; } .card .figure { font-size: 1.2rem; } }

        """

    /// The idle ticker: the idle energy grows by the idle power every second, and is set again from the JSON
    /// endpoint every 15 s (never backwards). Without JavaScript the page shows the counters as rendered.
    public static let script = """
        "use strict";
        (function () {
          var figure = document.querySelector('[data-metric="idle_energy_kwh"][data-live]');
          if (!figure) { return; }
          var value = parseFloat(figure.getAttribute("data-value")) || 0;
          var watts = parseFloat(figure.getAttribute("data-rate-watts")) || 0;
          var last = Date.now();
          function show() {
            figure.setAttribute("data-value", String(value));
            figure.textContent = value.toFixed(6);
          }
          function tick() {
            var now = Date.now();
            value += watts * (now - last) / 1000 / 3600000;
            last = now;
            show();
          }
          function resync() {
            var request = new XMLHttpRequest();
            request.open("GET", figure.getAttribute("data-live"));
            request.responseType = "json";
            request.onload = function () {
              var live = request.response;
              if (request.status !== 200 || !live) { return; }
              tick();
              var behind = Math.max(0, (live.now || 0) - (live.collected_at || live.now || 0));
              var estimate = live.idle_energy_kwh + live.idle_power_watts * behind / 3600000;
              if (estimate > value) { value = estimate; }
              watts = live.idle_power_watts;
              var power = document.querySelector('[data-metric="idle_power_watts"]');
              if (power) {
                power.setAttribute("data-value", String(watts));
                power.textContent = watts.toFixed(1);
              }
              show();
            };
            request.send();
          }
          setInterval(tick, 1000);
          setInterval(resync, 15000);
        })();

        """
}
