// Footprint / Host: Hosts and workspaces: power, idle waste, CPU and memory use.
local g = import '../lib/grafana.libsonnet';

function(config)
  local s = g.selectors(config);
  g.dashboard(config, 'host', 'Footprint / Host', 'Hosts and workspaces: power, idle waste, CPU and memory use.', 'now-24h', [
    g.stat({
      title: 'Idle energy',
      description: "Energy the selected hosts spent idle over the dashboard's time range.",
      gridPos: { x: 0, y: 0, w: 4, h: 4 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle emissions',
      description: "Emissions of idle time over the dashboard's time range.",
      gridPos: { x: 4, y: 0, w: 4, h: 4 },
      unit: 'masskg',
      decimals: 2,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle share',
      description: "Idle energy / all energy over the dashboard's time range.",
      gridPos: { x: 8, y: 0, w: 4, h: 4 },
      unit: 'percentunit',
      decimals: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle power now',
      description: 'Energy per second the selected hosts spend idle, over the last rate interval.',
      gridPos: { x: 12, y: 0, w: 4, h: 4 },
      unit: 'watt',
      decimals: 0,
      targets: [
        g.target(s, 'sum(rate(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval]))', instant=true),
      ],
    }),
    g.stat({
      title: 'Power now',
      description: "Modelled power of the selected hosts over the exporter's last collection interval.",
      gridPos: { x: 16, y: 0, w: 4, h: 4 },
      unit: 'watt',
      decimals: 0,
      targets: [
        g.target(s, 'sum(footprint_host_power_watts{%(hosts)s})', instant=true),
      ],
    }),
    g.stat({
      title: 'Hosts',
      description: "Selected hosts in the exporter's last collection.",
      gridPos: { x: 20, y: 0, w: 4, h: 4 },
      unit: 'none',
      targets: [
        g.target(s, 'count(footprint_host_power_watts{%(hosts)s})', instant=true),
      ],
    }),
    g.table(config, {
      title: 'Idle waste by host',
      description: "Per host over the dashboard's time range, most idle energy first. \"Up for\" counts from the host's boot (workspace start).",
      gridPos: { x: 0, y: 4, w: 24, h: 9 },
      unit: 'kwatth',
      columns: [['host'], ['%(project)s'], ['%(user)s'], ['%(machine)s'], ['Value #A', 'kwatth', 2], ['Value #B', 'percentunit', 1], ['Value #C', 'masskg', 3], ['Value #D', 's', 0], ['Value #E', 's', 0], ['Value #F', 'none', 0]],
      names: { 'Value #A': 'Idle energy', 'Value #B': 'Idle share', 'Value #C': 'Idle emissions', 'Value #D': 'Busy time', 'Value #E': 'Up for', 'Value #F': 'CPU cores' },
      sortBy: 'Value #A',
      links: { [s.project]: g.link('project', 'Open the project dashboard', s.project, '${__value.raw}'), [s.user]: g.link('user', 'Open the user dashboard', s.user, '${__value.raw}', keep=[s.project]), host: g.link('host', 'Open the host dashboard', 'host', '${__value.raw}', keep=[s.project, s.user]) },
      targets: [
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum by (host, %(project)s, %(user)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (sum_over_time(increase(footprint_host_busy_seconds_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (time() - footprint_host_boot_time_seconds{%(hosts)s})', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(user)s, %(machine)s) (footprint_host_cpu_cores{%(hosts)s})', instant=true, format='table'),
      ],
    }),
    g.timeseries({
      title: 'Idle power by host',
      description: 'Energy per second each host spends idle.',
      gridPos: { x: 0, y: 13, w: 12, h: 8 },
      unit: 'watt',
      targets: [
        g.target(s, 'sum by (host) (rate(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval]))', legend='{{host}}'),
      ],
    }),
    g.timeseries({
      title: 'Power by host',
      description: 'Modelled power per host over each collection interval.',
      gridPos: { x: 12, y: 13, w: 12, h: 8 },
      unit: 'watt',
      targets: [
        g.target(s, 'sum by (host) (footprint_host_power_watts{%(hosts)s})', legend='{{host}}'),
      ],
    }),
    g.timeseries({
      title: 'CPU idle share by host',
      description: "Idle share of CPU time per host over the exporter's last collection interval.",
      gridPos: { x: 0, y: 21, w: 12, h: 8 },
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      targets: [
        g.target(s, 'max by (host) (footprint_host_idle_ratio{%(hosts)s})', legend='{{host}}'),
      ],
    }),
    g.timeseries({
      title: 'Active memory by host',
      description: 'Active memory / total memory per host.',
      gridPos: { x: 12, y: 21, w: 12, h: 8 },
      unit: 'percentunit',
      min: 0,
      max: 1,
      targets: [
        g.target(s, 'max by (host) (footprint_host_memory_active_ratio{%(hosts)s})', legend='{{host}}'),
      ],
    }),
    g.timeseries({
      title: 'Busy share by host',
      description: 'Busy share of CPU time per host over each rate interval, from the busy-seconds counter (wall-clock seconds weighted by the busy share).',
      gridPos: { x: 0, y: 29, w: 12, h: 8 },
      unit: 'percentunit',
      min: 0,
      max: 1,
      targets: [
        g.target(s, 'sum by (host) (rate(footprint_host_busy_seconds_total{%(hosts)s}[$__rate_interval]))', legend='{{host}}'),
      ],
    }),
    g.timeseries({
      title: 'Emissions per hour by host',
      description: 'Grams CO2e per hour per host, stacked.',
      gridPos: { x: 12, y: 29, w: 12, h: 8 },
      unit: 'massg',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (host) (rate(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])) * 3600', legend='{{host}}'),
      ],
    }),
    g.table(config, {
      title: 'Power method by host',
      description: "The method that gave each host's power over its last interval: node (whole-node meter, measured), rapl (RAPL counters plus other_watts), calibrated (profile with fitted coefficients) or model (profile as configured); with the host's power and, apart, its GPUs' share of it (only hosts with measured GPUs).",
      gridPos: { x: 0, y: 37, w: 12, h: 8 },
      unit: 'watt',
      columns: [['host'], ['method'], ['%(project)s'], ['%(user)s'], ['%(machine)s'], ['Value #A', 'watt', 0], ['Value #B', 'watt', 0]],
      names: { method: 'Method', 'Value #A': 'Power', 'Value #B': 'GPU power' },
      sortBy: 'Value #A',
      links: { host: g.link('host', 'Open the host dashboard', 'host', '${__value.raw}', keep=[s.project, s.user]) },
      targets: [
        g.target(s, 'sum by (host, method, %(project)s, %(user)s, %(machine)s) (footprint_host_power_watts{%(hosts)s} * on (job, instance, host) group_left (method) (footprint_host_power_method{%(hosts)s} == 1))', instant=true, format='table'),
        g.target(s, 'sum by (host, method, %(project)s, %(user)s, %(machine)s) (footprint_host_gpu_power_watts{%(hosts)s} * on (job, instance, host) group_left (method) (footprint_host_power_method{%(hosts)s} == 1))', instant=true, format='table'),
      ],
    }),
    g.timeseries({
      title: 'Host and GPU power by host',
      description: "Power per host over each collection interval, and apart the GPUs' measured share of it (only hosts with measured GPUs).",
      gridPos: { x: 12, y: 37, w: 12, h: 8 },
      unit: 'watt',
      targets: [
        g.target(s, 'sum by (host) (footprint_host_power_watts{%(hosts)s})', legend='{{host}} host'),
        g.target(s, 'sum by (host) (footprint_host_gpu_power_watts{%(hosts)s})', legend='{{host}} GPUs'),
      ],
    }),
    g.stat({
      title: 'GPU energy by state',
      description: "The GPUs' share of the selected hosts' energy over the dashboard's time range, busy and idle (split by GPU utilisation; only hosts with measured GPUs).",
      gridPos: { x: 0, y: 45, w: 6, h: 8 },
      unit: 'kwatth',
      decimals: 2,
      textMode: 'value_and_name',
      targets: [
        g.target(s, 'sum by (state) (sum_over_time(increase(footprint_host_gpu_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', legend='{{state}}', instant=true),
      ],
    }),
    g.timeseries({
      title: 'GPU power by host and state',
      description: "Energy per second of each host's GPUs, busy and idle stacked (only hosts with measured GPUs).",
      gridPos: { x: 6, y: 45, w: 18, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (host, state) (rate(footprint_host_gpu_energy_joules_total{%(hosts)s}[$__rate_interval]))', legend='{{host}} {{state}}'),
      ],
    }),
  ])
