// Footprint / User: Your footprint this week and what it equals: energy, emissions and idle waste of one user's workspaces.
local g = import '../lib/grafana.libsonnet';

function(config)
  local s = g.selectors(config);
  g.dashboard(config, 'user', 'Footprint / User', "Your footprint this week and what it equals: energy, emissions and idle waste of one user's workspaces.", 'now-7d', [
    g.stat({
      title: 'Your energy',
      description: "Energy of your workspaces over the dashboard's time range (default: last 7 days).",
      gridPos: { x: 0, y: 0, w: 5, h: 4 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true),
      ],
    }),
    g.stat({
      title: 'Your emissions',
      description: "Emissions (CO2 equivalent) of your workspaces over the dashboard's time range.",
      gridPos: { x: 5, y: 0, w: 5, h: 4 },
      unit: 'masskg',
      decimals: 2,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true),
      ],
    }),
    g.stat({
      title: 'Spent idle',
      description: "Energy your workspaces used while idle over the dashboard's time range: stopping them when unused saves it.",
      gridPos: { x: 10, y: 0, w: 5, h: 4 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true),
      ],
    }),
    g.stat({
      title: 'Idle share',
      description: "Idle energy / all energy over the dashboard's time range.",
      gridPos: { x: 15, y: 0, w: 5, h: 4 },
      unit: 'percentunit',
      decimals: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true),
      ],
    }),
    g.stat({
      title: 'Workspaces',
      description: "Your workspaces in the exporter's last collection.",
      gridPos: { x: 20, y: 0, w: 4, h: 4 },
      unit: 'none',
      targets: [
        g.target(s, 'count(footprint_host_power_watts{%(hosts)s})', instant=true),
      ],
    }),
    g.stat({
      title: 'Kilometres driven',
      description: 'Your emissions as kilometres driven by an average petrol car.',
      gridPos: { x: 0, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="car_distance", unit="kilometre"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Miles driven',
      description: 'Your emissions as miles driven by an average petrol car.',
      gridPos: { x: 3, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="car_distance", unit="mile"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Smartphone charges',
      description: 'Your energy as full smartphone charges.',
      gridPos: { x: 6, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_joules_per_unit{%(base)s, equivalency="smartphone_charge", unit="charge"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Laptop charges',
      description: 'Your energy as full laptop charges.',
      gridPos: { x: 9, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_joules_per_unit{%(base)s, equivalency="laptop_charge", unit="charge"})', instant=true),
      ],
    }),
    g.stat({
      title: 'LED bulb hours',
      description: 'Your energy as hours of one LED bulb.',
      gridPos: { x: 12, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_joules_per_unit{%(base)s, equivalency="led_bulb", unit="hour"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Tree seedlings (10 years)',
      description: 'Urban tree seedlings that would have to grow for ten years to absorb your emissions.',
      gridPos: { x: 15, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="tree_seedling", unit="tree_10_years"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Hours of video streaming',
      description: 'Your emissions as hours of video streaming.',
      gridPos: { x: 18, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="video_streaming", unit="hour"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Plastic bottles',
      description: 'Your emissions as bottled drinks (whole product, bottle and contents).',
      gridPos: { x: 21, y: 4, w: 3, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="plastic_bottle", unit="bottle"})', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Emissions per day',
      description: 'Emissions of the past 24 hours at each day boundary, from the recording rule cloud_project_name_user:footprint_host_emissions_grams:increase1d (filtered by project and user only).',
      gridPos: { x: 0, y: 8, w: 12, h: 8 },
      unit: 'massg',
      drawStyle: 'bars',
      fillOpacity: 80,
      targets: [
        g.target(s, 'sum(%(project)s_%(user)s:footprint_host_emissions_grams:increase1d{%(project)s=~"$%(project)s", %(user)s=~"$%(user)s"})', legend='emissions', interval='1d'),
      ],
    }),
    g.timeseries({
      title: 'Power of your workspaces',
      description: 'Modelled power per workspace, stacked.',
      gridPos: { x: 12, y: 8, w: 12, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (host) (footprint_host_power_watts{%(hosts)s})', legend='{{host}}'),
      ],
    }),
    g.table(config, {
      title: 'Your workspaces',
      description: "Per workspace over the dashboard's time range.",
      gridPos: { x: 0, y: 16, w: 16, h: 9 },
      unit: 'kwatth',
      columns: [['host'], ['%(project)s'], ['%(machine)s'], ['Value #A', 'kwatth', 2], ['Value #B', 'percentunit', 1], ['Value #C', 'masskg', 3], ['Value #D', 'watt', 0]],
      names: { 'Value #A': 'Energy', 'Value #B': 'Idle share', 'Value #C': 'Emissions', 'Value #D': 'Power now' },
      sortBy: 'Value #A',
      links: { [s.project]: g.link('project', 'Open the project dashboard', s.project, '${__value.raw}'), host: g.link('host', 'Open the host dashboard', 'host', '${__value.raw}', keep=[s.project, s.user]) },
      targets: [
        g.target(s, 'sum by (host, %(project)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum by (host, %(project)s, %(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(machine)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 1000', instant=true, format='table'),
        g.target(s, 'sum by (host, %(project)s, %(machine)s) (footprint_host_power_watts{%(hosts)s})', instant=true, format='table'),
      ],
    }),
    g.bargauge({
      title: 'By project',
      description: "Your emissions per project over the dashboard's time range.",
      gridPos: { x: 16, y: 16, w: 8, h: 8 },
      unit: 'masskg',
      decimals: 2,
      links: [g.link('project', 'Project ${__field.labels.%s}' % s.project, s.project, '${__field.labels.%s}' % s.project)],
      targets: [
        g.target(s, 'sort_desc(sum by (%(project)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))) / 1000', legend='{{%(project)s}}', instant=true),
      ],
    }),
  ], viewerFirst=true)
