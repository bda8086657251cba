// Recording rules: power, energy, emissions and idle share per attribution level.
//
// Names follow level:metric:operation (https://prometheus.io/docs/practices/rules/). A level is the set of
// attribution labels a series keeps; it is named after them (project_user for both), or `site` for none.
local levels(labels) = [
  { name: labels.project, by: [labels.project] },
  { name: labels.user, by: [labels.user] },
  { name: labels.project + '_' + labels.user, by: [labels.project, labels.user] },
  { name: labels.machine, by: [labels.machine] },
  { name: 'site', by: [] },
];

local sumBy(by, inner) =
  if std.length(by) == 0 then 'sum(%s)' % inner else 'sum by (%s) (%s)' % [std.join(', ', by), inner];

// The energy and emissions rules of one window (rate5m, increase1h, ...) for every level.
local windowRules(config, operation, func, range) =
  local selector = '{%s}' % config.jobSelector;
  std.flattenArrays([
    [
      {
        record: '%s:footprint_host_energy_joules:%s' % [level.name, operation],
        expr: sumBy(level.by + ['state'], '%s(footprint_host_energy_joules_total%s[%s])' % [func, selector, range]),
      },
      {
        record: '%s:footprint_host_emissions_grams:%s' % [level.name, operation],
        expr: sumBy(level.by + ['state'], '%s(footprint_host_emissions_grams_total%s[%s])' % [func, selector, range]),
      },
    ]
    for level in levels(config.labels)
  ]) + [
    {
      local energy = '%s:footprint_host_energy_joules:%s' % [level.name, operation],
      record: '%s:footprint_host_energy_idle:ratio_%s' % [level.name, operation],
      expr: |||
        sum without (state) (%(energy)s{state="idle"})
        /
        (sum without (state) (%(energy)s) > 0)
      ||| % { energy: energy },
      [if level.name == config.labels.project then 'comment']::
        'Idle share: idle energy / all energy. A level that used no energy in the window yields no\n'
        + 'series rather than NaN.',
    }
    for level in levels(config.labels)
  ];

{
  prometheusRules+:: {
    groups+: [
      {
        comment:: 'Modelled power right now (watts), summed per level.',
        name: 'footprint_exporter.power',
        rules: [
          {
            record: '%s:footprint_host_power_watts:sum' % level.name,
            expr: sumBy(level.by, 'footprint_host_power_watts{%s}' % $._config.jobSelector),
          }
          for level in levels($._config.labels)
        ],
      },
      {
        comment:: 'Energy (joules per second, i.e. watts) and emissions (grams per second) over the last 5m,\n'
                  + 'by busy/idle state, then the idle share of energy over the same window.',
        name: 'footprint_exporter.rate5m',
        rules: windowRules($._config, 'rate5m', 'rate', '5m'),
      },
      {
        comment:: 'Energy (joules) and emissions (grams) over the last hour, by busy/idle state, then the idle\n'
                  + 'share of that energy.',
        name: 'footprint_exporter.increase1h',
        rules: windowRules($._config, 'increase1h', 'increase', '1h'),
      },
      {
        comment:: 'Energy (joules) and emissions (grams) over the last day, by busy/idle state, then the idle\n'
                  + 'share of that energy. FootprintProjectIdleEnergyOverBudget reads the per-project idle energy.',
        name: 'footprint_exporter.increase1d',
        rules: windowRules($._config, 'increase1d', 'increase', '1d'),
      },
    ],
  },
}
