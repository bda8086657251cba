// Footprint / Project: Energy, emissions and idle waste of one or more cloud projects, by user and host.
local g = import '../lib/grafana.libsonnet';

function(config)
  local s = g.selectors(config);
  g.dashboard(config, 'project', 'Footprint / Project', 'Energy, emissions and idle waste of one or more cloud projects, by user and host.', 'now-24h', [
    g.stat({
      title: 'Energy',
      description: "Modelled energy of the selected hosts over the dashboard's time range.",
      gridPos: { x: 0, y: 0, w: 4, h: 4 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true),
      ],
    }),
    g.stat({
      title: 'Emissions',
      description: "Emissions (CO2 equivalent) of the selected hosts over the dashboard's time range: energy times the grid carbon intensity in force.",
      gridPos: { x: 4, y: 0, w: 4, h: 4 },
      unit: 'masskg',
      decimals: 2,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle energy',
      description: "Energy spent while the hosts were idle over the dashboard's time range: what stopping idle workspaces would save.",
      gridPos: { x: 8, y: 0, w: 4, h: 4 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle share',
      description: "Idle energy / all energy over the dashboard's time range.",
      gridPos: { x: 12, y: 0, w: 4, h: 4 },
      unit: 'percentunit',
      decimals: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true),
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
    g.timeseries({
      title: 'Power by user',
      description: 'Energy per second (watts) per user in the selected projects, stacked.',
      gridPos: { x: 0, y: 4, w: 12, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      links: [g.link('user', 'User ${__field.labels.%s}' % s.user, s.user, '${__field.labels.%s}' % s.user, keep=[s.project])],
      targets: [
        g.target(s, 'sum by (%(user)s) (rate(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval]))', legend='{{%(user)s}}'),
      ],
    }),
    g.timeseries({
      title: 'Idle power by user',
      description: 'Power spent idle per user in the selected projects, stacked.',
      gridPos: { x: 12, y: 4, w: 12, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (%(user)s) (rate(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval]))', legend='{{%(user)s}}'),
      ],
    }),
    g.timeseries({
      title: 'Idle share by project',
      description: 'Idle energy / all energy per project over time.',
      gridPos: { x: 0, y: 12, w: 12, h: 8 },
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      targets: [
        g.target(s, 'sum by (%(project)s) (rate(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval]))\n/\nsum by (%(project)s) (rate(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval]))', legend='{{%(project)s}}'),
      ],
    }),
    g.timeseries({
      title: 'Emissions per hour by project',
      description: 'Grams CO2e per hour per project, stacked.',
      gridPos: { x: 12, y: 12, w: 12, h: 8 },
      unit: 'massg',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (%(project)s) (rate(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])) * 3600', legend='{{%(project)s}}'),
      ],
    }),
    g.bargauge({
      title: 'Energy by user',
      description: "Energy per user in the selected projects over the dashboard's time range.",
      gridPos: { x: 0, y: 20, w: 8, h: 8 },
      unit: 'kwatth',
      decimals: 1,
      links: [g.link('user', 'User ${__field.labels.%s}' % s.user, s.user, '${__field.labels.%s}' % s.user, keep=[s.project])],
      targets: [
        g.target(s, 'sort_desc(sum by (%(user)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))) / 3.6e6', legend='{{%(user)s}}', instant=true),
      ],
    }),
    g.bargauge({
      title: 'Emissions by user',
      description: "Emissions per user in the selected projects over the dashboard's time range.",
      gridPos: { x: 8, y: 20, w: 8, h: 8 },
      unit: 'masskg',
      decimals: 2,
      links: [g.link('user', 'User ${__field.labels.%s}' % s.user, s.user, '${__field.labels.%s}' % s.user, keep=[s.project])],
      targets: [
        g.target(s, 'sort_desc(sum by (%(user)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))) / 1000', legend='{{%(user)s}}', instant=true),
      ],
    }),
    g.bargauge({
      title: 'Idle energy by user',
      description: "Idle energy per user in the selected projects over the dashboard's time range.",
      gridPos: { x: 16, y: 20, w: 8, h: 8 },
      unit: 'kwatth',
      decimals: 1,
      links: [g.link('user', 'User ${__field.labels.%s}' % s.user, s.user, '${__field.labels.%s}' % s.user, keep=[s.project])],
      targets: [
        g.target(s, 'sort_desc(sum by (%(user)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))) / 3.6e6', legend='{{%(user)s}}', instant=true),
      ],
    }),
    g.table(config, {
      title: 'Hosts',
      description: "Per host of the selected projects over the dashboard's time range.",
      gridPos: { x: 0, y: 28, w: 24, h: 9 },
      unit: 'kwatth',
      columns: [['%(project)s'], ['%(user)s'], ['host'], ['%(machine)s'], ['Value #A', 'kwatth', 2], ['Value #B', 'kwatth', 2], ['Value #C', 'percentunit', 1], ['Value #D', 'masskg', 3]],
      names: { 'Value #A': 'Energy', 'Value #B': 'Idle energy', 'Value #C': 'Idle share', 'Value #D': 'Emissions' },
      sortBy: 'Value #A',
      links: { [s.project]: g.link('project', 'Open the project dashboard', s.project, '${__value.raw}'), [s.user]: g.link('user', 'Open the user dashboard', s.user, '${__value.raw}', keep=[s.project]), host: g.link('host', 'Open the host dashboard', 'host', '${__value.raw}', keep=[s.project, s.user]) },
      targets: [
        g.target(s, 'sum by (%(project)s, %(user)s, host, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true, format='table'),
        g.target(s, 'sum by (%(project)s, %(user)s, host, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true, format='table'),
        g.target(s, 'sum by (%(project)s, %(user)s, host, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum by (%(project)s, %(user)s, host, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true, format='table'),
        g.target(s, 'sum by (%(project)s, %(user)s, host, %(machine)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true, format='table'),
      ],
    }),
  ])
