// Writes grafana/dashboards/*.json: jsonnet -S -m grafana/dashboards mixin/dashboards.jsonnet (`make mixin`).
local mixin = import 'mixin.libsonnet';
{
  [file]: std.manifestJsonEx(mixin.grafanaDashboards[file], '  ') + '\n'
  for file in std.objectFields(mixin.grafanaDashboards)
}
