// The footprint_exporter mixin: recording rules, alerts and Grafana dashboards, configured by _config.
(import 'config.libsonnet')
+ (import 'alerts/rules.libsonnet')
+ (import 'alerts/alerts.libsonnet')
+ (import 'dashboards/dashboards.libsonnet')
