// Alerts. Every alert has labels.severity (critical, warning or info) and the annotations summary,
// description and runbook_url (the alert's section of alerts/README.md under _config.runbookBaseURL).
// Thresholds come from _config.thresholds; the descriptions quote the same values.
local duration(seconds) =
  if seconds % 3600 == 0 then '%dh' % (seconds / 3600)
  else if seconds % 60 == 0 then '%dm' % (seconds / 60)
  else '%ds' % seconds;

// '2h' or 7200 as words ('2 hours') for descriptions; Prometheus durations of one unit only.
local words(d) =
  local seconds =
    if std.type(d) == 'number' then d
    else
      local n = std.parseInt(std.substr(d, 0, std.length(d) - 1));
      n * { s: 1, m: 60, h: 3600, d: 86400 }[d[std.length(d) - 1]];
  local unit(n, name) = '%d %s%s' % [n, name, if n == 1 then '' else 's'];
  if seconds % 86400 == 0 then unit(seconds / 86400, 'day')
  else if seconds % 3600 == 0 then unit(seconds / 3600, 'hour')
  else if seconds % 60 == 0 then unit(seconds / 60, 'minute')
  else unit(seconds, 'second');

local power(watts) = if watts % 1000 == 0 then '%g kW' % (watts / 1000) else '%g W' % watts;

local percent(share) = '%d%%' % std.floor(share * 100 + 0.5);

{
  local config = $._config,
  local t = config.thresholds,
  local job = config.jobSelector,
  local runbook(name) = '%s#%s' % [config.runbookBaseURL, std.asciiLower(name)],
  local alert(name, body) = body {
    alert: name,
    annotations+: { runbook_url: runbook(name) },
  },

  prometheusAlerts+:: {
    groups+: [
      {
        comment:: 'Energy spent on workspaces that do nothing.',
        name: 'footprint_exporter.idle',
        rules: [
          alert('FootprintHostIdleEnergyHigh', {
            comment:: 'Idle power and idle share over the window, both above their thresholds. Per host and its\n'
                      + 'attribution labels, so the alert names the project and user to talk to. The power threshold\n'
                      + "scales with the host's cores (docs/power.md), so it means the same for a 2-core VM and a\n"
                      + '128-core node.',
            expr: |||
              sum without (state) (
                rate(footprint_host_energy_joules_total{%(job)s, state="idle"}[%(window)s])
              ) > %(watts)g # threshold: idle power, watts per core
                * footprint_host_cpu_cores{%(job)s}
              and
              (
                  sum without (state) (rate(footprint_host_energy_joules_total{%(job)s, state="idle"}[%(window)s]))
                /
                  sum without (state) (rate(footprint_host_energy_joules_total{%(job)s}[%(window)s]))
              ) > %(share)g # threshold: idle share of energy
            ||| % { job: job, window: t.hostIdleWindow, watts: t.hostIdleWattsPerCore, share: t.hostIdleShare },
            'for': t.hostIdleFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Workspace {{ $labels.host }} has been almost entirely idle for %s.' % words(t.hostIdleFor),
              description:
                'Host {{ $labels.host }} (project {{ $labels.%s }}, user {{ $labels.%s }}) has spent more than %s '
                % [config.labels.project, config.labels.user, percent(t.hostIdleShare)]
                + 'of its energy idle for at least %s and draws {{ $value | humanize }}W while idle. ' % words(t.hostIdleFor)
                + 'Stopping or downsizing the workspace saves that power.',
            },
          }),
          alert('FootprintProjectIdleEnergyOverBudget', {
            comment:: "A project's idle energy over the last day, in kWh, against one budget for all projects.",
            expr: |||
              sum without (state) (
                %(project)s:footprint_host_energy_joules:increase1d{state="idle"}
              ) / 3.6e6
              > %(budget)s # threshold: kWh of idle energy per project per day
            ||| % { project: config.labels.project, budget: t.projectIdleKilowattHoursPerDay },
            'for': '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Project {{ $labels.%s }} is over its daily idle-energy budget.' % config.labels.project,
              description:
                'The workspaces of project {{ $labels.%s }} used {{ printf "%%.1f" $value }} kWh while idle '
                % config.labels.project
                + 'in the last 24 hours; the budget is %s kWh.' % t.projectIdleKilowattHoursPerDay,
            },
          }),
        ],
      },
      {
        comment:: 'The grid that feeds the site.',
        name: 'footprint_exporter.carbon',
        rules: [
          alert('FootprintCarbonIntensityHighWithBusyLoad', {
            comment:: "Intensity is per grid region; busy power is the site's total whatever the regions of its hosts.",
            expr: |||
              footprint_grid_carbon_intensity_grams_per_kilowatt_hour{%(job)s}
                > %(intensity)s # threshold: grid intensity, gCO2e/kWh
              and on ()
              sum(site:footprint_host_energy_joules:rate5m{state="busy"})
                > %(busy)s # threshold: site busy power, watts
            ||| % { job: job, intensity: t.gridIntensityGramsPerKilowattHour, busy: t.siteBusyWatts },
            'for': '30m',
            labels: { severity: 'info' },
            annotations: {
              summary: 'Grid carbon intensity in {{ $labels.grid_region }} is high while the site is busy.',
              description:
                '{{ $labels.provider }} reports {{ $value | humanize }} gCO2e/kWh for grid region '
                + "{{ $labels.grid_region }} (threshold %s) while the site's busy load is above %s. "
                  % [t.gridIntensityGramsPerKilowattHour, power(t.siteBusyWatts)]
                + 'Work that can wait will emit less when the grid is cleaner.',
            },
          }),
          alert('FootprintGreenerWindowAhead', {
            comment:: "The forecast's cleanest half-hour of the next 24 h is well below the intensity in force and at\n"
                      + 'least the lead time away, while the site is busy: deferrable heavy jobs would emit less there.',
            expr: |||
              (
                1 - (
                  max by (job, instance, grid_region) (footprint_grid_carbon_intensity_forecast_min_grams_per_kilowatt_hour{%(job)s})
                  / on (job, instance, grid_region)
                  max by (job, instance, grid_region) (footprint_grid_carbon_intensity_grams_per_kilowatt_hour{%(job)s})
                )
              ) > %(share)g # threshold: share below the intensity now
              and on (job, instance, grid_region)
              (
                max by (job, instance, grid_region) (footprint_grid_carbon_intensity_forecast_min_start_timestamp_seconds{%(job)s})
                - time()
              ) > %(lead)s # threshold: seconds until the window starts
              and on ()
              sum(site:footprint_host_energy_joules:rate5m{state="busy"})
                > %(busy)s # threshold: site busy power, watts
            ||| % { job: job, share: t.greenerWindowShare, lead: t.greenerWindowLeadSeconds, busy: t.siteBusyWatts },
            'for': '15m',
            labels: { severity: 'info' },
            annotations: {
              summary: 'A greener window is ahead in {{ $labels.grid_region }}.',
              description:
                'The cleanest half-hour of the next 24 h in grid region {{ $labels.grid_region }} is '
                + '{{ $value | humanizePercentage }} below the carbon intensity now and starts at '
                + '{{ with printf "max(footprint_grid_carbon_intensity_forecast_min_start_timestamp_seconds'
                + "{grid_region='%s'})\" $labels.grid_region | query }}{{ . | first | value | humanizeTimestamp }}"
                + '{{ end }}. Heavy jobs that can wait would emit less if started then.',
            },
          }),
          alert('FootprintCarbonIntensityStale', {
            expr: |||
              footprint_grid_carbon_intensity_age_seconds{%(job)s}
                > %(age)s # threshold: age of the intensity in force, seconds
            ||| % { job: job, age: t.intensityMaxAgeSeconds },
            'for': '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Carbon intensity for {{ $labels.grid_region }} is stale.',
              description:
                'The carbon intensity in force for grid region {{ $labels.grid_region }} from '
                + '{{ $labels.provider }} is {{ $value | humanizeDuration }} old (threshold %s). '
                  % duration(t.intensityMaxAgeSeconds)
                + 'Emissions are computed with an outdated value.',
            },
          }),
          alert('FootprintCarbonIntensityFallback', {
            expr: 'footprint_grid_carbon_intensity_fallback{%s} == 1\n' % job,
            'for': t.fallbackFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Emissions for {{ $labels.grid_region }} use the fallback carbon intensity.',
              description:
                'For at least %s, emissions for grid region {{ $labels.grid_region }} have been ' % words(t.fallbackFor)
                + 'computed with the configured fallback intensity instead of a value from {{ $labels.provider }}.',
            },
          }),
        ],
      },
      {
        comment:: 'The exporter and its inputs.',
        name: 'footprint_exporter.health',
        rules: [
          alert('FootprintSourceDown', {
            expr: 'footprint_source_up{%s} == 0\n' % job,
            'for': t.sourceDownFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'footprint_exporter cannot read its {{ $labels.source }} source.',
              description:
                'Every attempt of {{ $labels.instance }} to read source {{ $labels.source }} has failed for at '
                + 'least %s. Series that depend on it are missing or stale.' % words(t.sourceDownFor),
            },
          }),
          alert('FootprintExporterAbsent', {
            comment:: 'Down (up == 0) or not scraped at all (no up series for the job).',
            expr: |||
              up{%(job)s} == 0
              or
              absent(up{%(job)s})
            ||| % { job: job },
            'for': t.exporterAbsentFor,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'footprint_exporter is down or not scraped.',
              description:
                '{{ if $labels.instance }}Target {{ $labels.instance }} of job {{ $labels.job }} has been '
                + 'down{{ else }}Prometheus has had no target of job {{ $labels.job }}{{ end }} for at least '
                + '%s. No energy or emissions are recorded meanwhile.' % words(t.exporterAbsentFor),
            },
          }),
          alert('FootprintCollectionStalled', {
            comment:: 'The exporter answers but no collection of node metrics has succeeded: the collection loop\n'
                      + 'is stuck, or the node-metrics source fails (then FootprintSourceDown fires as well).',
            expr: |||
              time() - footprint_last_collection_timestamp_seconds{%(job)s}
                > %(seconds)s # threshold: seconds since the last successful collection
            ||| % { job: job, seconds: t.collectionStalledSeconds },
            'for': '5m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'footprint_exporter has had no successful collection for %s.'
                       % words(t.collectionStalledSeconds),
              description:
                'The last successful collection of node metrics by {{ $labels.instance }} was '
                + '{{ $value | humanizeDuration }} ago. Its host counters do not advance.',
            },
          }),
          alert('FootprintCounterReset', {
            comment:: 'One alert per exporter instance, however many host series were reset.',
            expr: |||
              sum by (job, instance) (
                resets(footprint_host_energy_joules_total{%(job)s}[1h])
              ) > 0
            ||| % { job: job },
            labels: { severity: 'info' },
            annotations: {
              summary: 'Energy counters of {{ $labels.instance }} were reset.',
              description:
                '{{ $value | humanize }} footprint_host_energy_joules_total series of {{ $labels.instance }} '
                + 'went backwards in the last hour. rate() and increase() correct for it; energy between the '
                + 'last scrape and the reset is not counted.',
            },
          }),
        ],
      },
    ],
  },
}
