// Writes alerts/*.yml: jsonnet -S -m alerts mixin/rules.jsonnet (run by `make mixin`).
local mixin = (import 'mixin.libsonnet');
local yaml = import 'lib/yaml.libsonnet';
local generated = 'Generated from mixin/ by `make mixin`:\nedit mixin/config.libsonnet or mixin/alerts/, not this file.';
{
  'footprint_exporter.rules.yml': yaml.ruleFile(|||
    Recording rules for footprint_exporter. %s

    Names follow level:metric:operation: the level is the attribution labels a series keeps (%s, %s,
    both, %s, or site for none), the metric is the exporter metric without its _total suffix, and
    the operation is rate5m, increase1h, increase1d (counters), sum (power gauge) or ratio_* (idle share).
    Energy and emissions rules keep the `state` label (busy / idle): sum without (state) gives the total.
    Every expression reads the exporter through the one matcher %s.
  ||| % [
    generated,
    mixin._config.labels.project,
    mixin._config.labels.user,
    mixin._config.labels.machine,
    mixin._config.jobSelector,
  ], mixin.prometheusRules.groups),
  'footprint_exporter.alerts.yml': yaml.ruleFile(|||
    Alerting rules for footprint_exporter. %s

    Every alert has labels.severity and the annotations summary, description and runbook_url.
    Thresholds sit on lines ending in a "# threshold" comment; they come from _config.thresholds.
    FootprintProjectIdleEnergyOverBudget and the two grid alerts read recorded series: load
    footprint_exporter.rules.yml together with this file.
  ||| % generated, mixin.prometheusAlerts.groups),
}
