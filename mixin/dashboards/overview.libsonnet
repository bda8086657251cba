// Footprint / Overview: Site-wide energy, emissions and idle waste of the hosts footprint_exporter models.
local g = import '../lib/grafana.libsonnet';

function(config)
  local s = g.selectors(config);
  g.dashboard(config, 'overview', 'Footprint / Overview', 'Site-wide energy, emissions and idle waste of the hosts footprint_exporter models.', 'now-24h', [
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
    g.stat({
      title: 'Miles driven',
      description: "Emissions over the dashboard's time range expressed as miles driven by an average petrol car.",
      gridPos: { x: 0, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="car_distance", unit="mile"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Gallons of petrol',
      description: "Emissions over the dashboard's time range expressed as US gallons of petrol burned.",
      gridPos: { x: 4, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="gasoline", unit="gallon"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Tree seedlings (10 years)',
      description: "Urban tree seedlings that would have to grow for ten years to absorb the emissions over the dashboard's time range.",
      gridPos: { x: 8, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="tree_seedling", unit="tree_10_years"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Smartphone charges',
      description: "Energy over the dashboard's time range expressed as full smartphone charges.",
      gridPos: { x: 12, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_joules_per_unit{%(base)s, equivalency="smartphone_charge", unit="charge"})', instant=true),
      ],
    }),
    g.stat({
      title: 'LED bulb hours',
      description: "Energy over the dashboard's time range expressed as hours of one LED bulb.",
      gridPos: { x: 16, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_joules_per_unit{%(base)s, equivalency="led_bulb", unit="hour"})', instant=true),
      ],
    }),
    g.stat({
      title: 'Hours of video streaming',
      description: "Emissions over the dashboard's time range expressed as hours of video streaming.",
      gridPos: { x: 20, y: 4, w: 4, h: 4 },
      unit: 'short',
      decimals: 1,
      thresholds: [{ color: 'blue', value: null }],
      targets: [
        g.target(s, 'sum(sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))\n/\nmax(footprint_equivalency_grams_per_unit{%(base)s, equivalency="video_streaming", unit="hour"})', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Power by state',
      description: 'Energy per second (watts) of the selected hosts, busy and idle stacked.',
      gridPos: { x: 0, y: 8, w: 8, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (state) (rate(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval]))', legend='{{state}}'),
      ],
    }),
    g.timeseries({
      title: 'Emissions per hour by state',
      description: 'Grams CO2e per hour of the selected hosts, busy and idle stacked.',
      gridPos: { x: 8, y: 8, w: 8, h: 8 },
      unit: 'massg',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (state) (rate(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])) * 3600', legend='{{state}}'),
      ],
    }),
    g.timeseries({
      title: 'Grid carbon intensity',
      description: 'The carbon intensity in force per provider and grid region, as the exporter used it.',
      gridPos: { x: 16, y: 8, w: 8, h: 8 },
      unit: 'suffix: gCO2e/kWh',
      min: 0,
      targets: [
        g.target(s, 'footprint_grid_carbon_intensity_grams_per_kilowatt_hour{%(grid)s}', legend='{{provider}} {{grid_region}}'),
      ],
    }),
    g.bargauge({
      title: 'Top projects by energy',
      description: "The ten projects with the most energy over the dashboard's time range.",
      gridPos: { x: 0, y: 16, w: 8, h: 8 },
      unit: 'kwatth',
      decimals: 1,
      links: [g.link('project', 'Project ${__field.labels.%s}' % s.project, s.project, '${__field.labels.%s}' % s.project)],
      targets: [
        g.target(s, 'topk(10, sum by (%(project)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))) / 3.6e6', legend='{{%(project)s}}', instant=true),
      ],
    }),
    g.bargauge({
      title: 'Top users by emissions',
      description: "The ten users with the most emissions over the dashboard's time range.",
      gridPos: { x: 8, y: 16, w: 8, h: 8 },
      unit: 'masskg',
      decimals: 2,
      links: [g.link('user', 'User ${__field.labels.%s}' % s.user, s.user, '${__field.labels.%s}' % s.user)],
      targets: [
        g.target(s, 'topk(10, sum by (%(user)s) (sum_over_time(increase(footprint_host_emissions_grams_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval]))) / 1000', legend='{{%(user)s}}', instant=true),
      ],
    }),
    g.bargauge({
      title: 'Idle share by project',
      description: "The ten projects with the highest share of idle energy over the dashboard's time range.",
      gridPos: { x: 16, y: 16, w: 8, h: 8 },
      unit: 'percentunit',
      decimals: 1,
      max: 1,
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 0.5 }, { color: 'red', value: 0.8 }],
      links: [g.link('project', 'Project ${__field.labels.%s}' % s.project, s.project, '${__field.labels.%s}' % s.project)],
      targets: [
        g.target(s, 'topk(10, sum by (%(project)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s, state="idle"}[$__rate_interval])[$__range:$__rate_interval]))\n/\nsum by (%(project)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])))', legend='{{%(project)s}}', instant=true),
      ],
    }),
    g.bargauge({
      title: 'Energy by machine type',
      description: "Energy per machine type over the dashboard's time range. Empty where the exporter has no machine_name label.",
      gridPos: { x: 0, y: 24, w: 12, h: 8 },
      unit: 'kwatth',
      decimals: 1,
      targets: [
        g.target(s, 'sum by (%(machine)s) (sum_over_time(increase(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval])[$__range:$__rate_interval])) / 3.6e6', legend='{{%(machine)s}}', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Power by project',
      description: 'Energy per second (watts) per project, stacked.',
      gridPos: { x: 12, y: 24, w: 12, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      links: [g.link('project', 'Project ${__field.labels.%s}' % s.project, s.project, '${__field.labels.%s}' % s.project)],
      targets: [
        g.target(s, 'sum by (%(project)s) (rate(footprint_host_energy_joules_total{%(hosts)s}[$__rate_interval]))', legend='{{%(project)s}}'),
      ],
    }),
    g.stat({
      title: 'Greenest half-hour in the next 24 h',
      description: "Start of the forecast's lowest-intensity half-hour over the next 24 hours, per grid region: the time to run heavy jobs that can wait.",
      gridPos: { x: 0, y: 32, w: 12, h: 4 },
      unit: 'dateTimeAsIso',
      textMode: 'value_and_name',
      targets: [
        g.target(s, 'min by (grid_region) (footprint_grid_carbon_intensity_forecast_min_start_timestamp_seconds{%(grid)s}) * 1000', legend='{{grid_region}}', instant=true),
      ],
    }),
    g.stat({
      title: 'Greenest half-hour vs now',
      description: "How much lower the forecast's lowest half-hour of the next 24 hours is than the carbon intensity in force now, per grid region.",
      gridPos: { x: 12, y: 32, w: 12, h: 4 },
      unit: 'percentunit',
      decimals: 0,
      textMode: 'value_and_name',
      targets: [
        g.target(s, '1 - min by (grid_region) (footprint_grid_carbon_intensity_forecast_min_grams_per_kilowatt_hour{%(grid)s}) / on (grid_region) max by (grid_region) (footprint_grid_carbon_intensity_grams_per_kilowatt_hour{%(grid)s})', legend='{{grid_region}}', instant=true),
      ],
    }),
    g.stat({
      title: 'Hosts by power method',
      description: 'Selected hosts per method that gave their power over the last interval: node (whole-node meter), rapl (RAPL counters), calibrated (profile with fitted coefficients) or model (profile as configured).',
      gridPos: { x: 0, y: 36, w: 8, h: 8 },
      unit: 'none',
      textMode: 'value_and_name',
      targets: [
        g.target(s, 'count by (method) (footprint_host_power_method{%(hosts)s} == 1)', legend='{{method}}', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Power by machine type and method',
      description: 'Power per machine type over each collection interval, split by the method that gave it (measured: node, rapl; modelled: calibrated, model). Empty where the exporter has no machine_name label.',
      gridPos: { x: 8, y: 36, w: 16, h: 8 },
      unit: 'watt',
      stacking: 'normal',
      targets: [
        g.target(s, 'sum by (%(machine)s, method) (footprint_host_power_watts{%(hosts)s} * on (job, instance, host) group_left (method) (footprint_host_power_method{%(hosts)s} == 1))', legend='{{%(machine)s}} {{method}}'),
      ],
    }),
    g.table(config, {
      title: 'Power profile coefficients',
      description: 'Coefficients of each power profile: as configured, and as fitted from whole-node measurements of its hosts where a fit is in force (per core for cpu_*_watts_per_core).',
      gridPos: { x: 0, y: 44, w: 12, h: 8 },
      unit: 'watt',
      columns: [['profile'], ['coefficient'], ['Value #A', 'watt', 2], ['Value #B', 'watt', 2]],
      names: { profile: 'Profile', coefficient: 'Coefficient', 'Value #A': 'Configured', 'Value #B': 'Fitted' },
      sortBy: 'profile',
      targets: [
        g.target(s, 'max by (profile, coefficient) (footprint_power_profile_watts{%(base)s, origin="configured"})', instant=true, format='table'),
        g.target(s, 'max by (profile, coefficient) (footprint_power_profile_watts{%(base)s, origin="fitted"})', instant=true, format='table'),
      ],
    }),
    g.table(config, {
      title: 'Power profile fits',
      description: 'Per profile: the whole-node-measured hosts in the calibration window at the latest fit attempt, and the relative RMS error of the fit in force (empty without one).',
      gridPos: { x: 12, y: 44, w: 12, h: 8 },
      unit: 'none',
      columns: [['profile'], ['Value #A', 'none', 0], ['Value #B', 'percentunit', 1]],
      names: { profile: 'Profile', 'Value #A': 'Measured hosts', 'Value #B': 'Fit error' },
      sortBy: 'Value #A',
      targets: [
        g.target(s, 'max by (profile) (footprint_power_profile_fit_hosts{%(base)s})', instant=true, format='table'),
        g.target(s, 'max by (profile) (footprint_power_profile_fit_error_ratio{%(base)s})', instant=true, format='table'),
      ],
    }),
    g.timeseries({
      title: 'Fit error by profile',
      description: "Relative RMS residual of each profile's fit in force: RMS of (measured - fitted) node watts over the calibration window, divided by the mean measured node watts.",
      gridPos: { x: 0, y: 52, w: 12, h: 8 },
      unit: 'percentunit',
      min: 0,
      targets: [
        g.target(s, 'max by (profile) (footprint_power_profile_fit_error_ratio{%(base)s})', legend='{{profile}}'),
      ],
    }),
    g.table(config, {
      title: 'Rejected fit attempts',
      description: 'Profiles whose latest fit attempt was rejected, with the reason (too_few_hosts, too_little_load_spread, non_physical); a fit in force, if any, stays.',
      gridPos: { x: 12, y: 52, w: 12, h: 8 },
      unit: 'none',
      columns: [['profile'], ['reason'], ['Value #A', 'none', 0]],
      names: { profile: 'Profile', reason: 'Reason', 'Value #A': 'Rejected' },
      sortBy: 'profile',
      targets: [
        g.target(s, 'max by (profile, reason) (footprint_power_profile_fit_rejected{%(base)s} == 1)', instant=true, format='table'),
      ],
    }),
  ])
