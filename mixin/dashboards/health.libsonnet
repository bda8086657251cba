// Footprint / Exporter health: Is footprint_exporter running, reading its sources and collecting on time?
local g = import '../lib/grafana.libsonnet';

function(config)
  local s = g.selectors(config);
  g.dashboard(config, 'health', 'Footprint / Exporter health', 'Is footprint_exporter running, reading its sources and collecting on time?', 'now-6h', [
    g.stat({
      title: 'Sources',
      description: "Whether the exporter's last attempt to read each source succeeded.",
      gridPos: { x: 0, y: 0, w: 8, h: 4 },
      unit: 'none',
      thresholds: [{ color: 'red', value: null }, { color: 'green', value: 1 }],
      targets: [
        g.target(s, 'footprint_source_up{%(base)s}', legend='{{source}}', instant=true),
      ],
    }),
    g.stat({
      title: 'Last collection',
      description: 'Seconds since the exporter last finished a collection; FootprintCollectionStalled fires above 600.',
      gridPos: { x: 8, y: 0, w: 6, h: 4 },
      unit: 's',
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 300 }, { color: 'red', value: 600 }],
      targets: [
        g.target(s, 'time() - footprint_last_collection_timestamp_seconds{%(base)s}', legend='{{instance}}', instant=true),
      ],
    }),
    g.stat({
      title: 'Hosts in last collection',
      description: 'Hosts the exporter modelled in its last collection.',
      gridPos: { x: 14, y: 0, w: 5, h: 4 },
      unit: 'none',
      targets: [
        g.target(s, 'sum(footprint_hosts{%(base)s})', instant=true),
      ],
    }),
    g.stat({
      title: 'Selected hosts reporting',
      description: 'Hosts matching the variables above with a power series.',
      gridPos: { x: 19, y: 0, w: 5, h: 4 },
      unit: 'none',
      targets: [
        g.target(s, 'count(footprint_host_power_watts{%(hosts)s})', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Source attempt duration',
      description: 'Duration of the last attempt to read each source.',
      gridPos: { x: 0, y: 4, w: 12, h: 8 },
      unit: 's',
      targets: [
        g.target(s, 'footprint_source_duration_seconds{%(base)s}', legend='{{source}}'),
      ],
    }),
    g.timeseries({
      title: 'Source errors',
      description: 'Failed attempts per source in each rate interval.',
      gridPos: { x: 12, y: 4, w: 12, h: 8 },
      unit: 'short',
      targets: [
        g.target(s, 'sum by (source) (increase(footprint_source_errors_total{%(base)s}[$__rate_interval]))', legend='{{source}}'),
      ],
    }),
    g.timeseries({
      title: 'Carbon intensity age',
      description: 'Age of the carbon intensity in force; FootprintCarbonIntensityStale fires above 2h.',
      gridPos: { x: 0, y: 12, w: 8, h: 8 },
      unit: 's',
      thresholds: [{ color: 'green', value: null }, { color: 'red', value: 7200 }],
      targets: [
        g.target(s, 'footprint_grid_carbon_intensity_age_seconds{%(grid)s}', legend='{{provider}} {{grid_region}}'),
      ],
    }),
    g.stat({
      title: 'Carbon intensity fallback',
      description: "Whether emissions use the configured fallback intensity instead of the provider's value.",
      gridPos: { x: 8, y: 12, w: 8, h: 8 },
      unit: 'none',
      thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
      targets: [
        g.target(s, 'footprint_grid_carbon_intensity_fallback{%(grid)s}', legend='{{provider}} {{grid_region}}', instant=true),
      ],
    }),
    g.timeseries({
      title: 'Carbon intensity',
      description: 'The carbon intensity in force per provider and grid region.',
      gridPos: { x: 16, y: 12, w: 8, h: 8 },
      unit: 'suffix: gCO2e/kWh',
      min: 0,
      targets: [
        g.target(s, 'footprint_grid_carbon_intensity_grams_per_kilowatt_hour{%(grid)s}', legend='{{provider}} {{grid_region}}'),
      ],
    }),
    g.table(config, {
      title: 'Build',
      description: 'Version and revision of every exporter instance.',
      gridPos: { x: 0, y: 20, w: 24, h: 5 },
      unit: 'none',
      columns: [['instance'], ['version'], ['revision']],
      names: { Value: 'Build info' },
      sortBy: 'instance',
      exclude: ['Value'],
      targets: [
        g.target(s, 'footprint_exporter_build_info{%(base)s}', instant=true, format='table'),
      ],
    }),
  ])
