// The five dashboards, keyed by file name.
{
  grafanaDashboards+:: {
    ['footprint_exporter-%s.json' % view]: (import 'views.libsonnet')[view]($._config)
    for view in std.objectFields(import 'views.libsonnet')
  },
}
