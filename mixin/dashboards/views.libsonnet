// Each view is a function of the mixin's _config that returns its dashboard.
{
  overview: import 'overview.libsonnet',
  project: import 'project.libsonnet',
  user: import 'user.libsonnet',
  host: import 'host.libsonnet',
  health: import 'health.libsonnet',
}
