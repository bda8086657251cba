// Site settings for the footprint_exporter mixin. Override any of them in a file of your own:
//   (import 'mixin.libsonnet') + { _config+:: { jobName: 'energy', runbookBaseURL: 'https://...' } }
{
  _config+:: {
    // The Prometheus scrape job of the exporter. Rules and alerts read only this job, so a copy of the series
    // under another job (federation, a second scrape job) is not counted twice.
    jobName: 'footprint_exporter',
    jobSelector: 'job="%s"' % self.jobName,

    // Attribution label names, as configured in the exporter (source.*.attribution_labels). Recording rule
    // levels, dashboard variables and table columns are named after them.
    labels: {
      project: 'cloud_project_name',
      user: 'user',
      machine: 'machine_name',
    },

    // Where alerts/README.md is browsable; each alert links to its section there.
    runbookBaseURL: 'https://git.example.org/footprint_exporter/-/blob/main/alerts/README.md',

    // Alert thresholds. The descriptions quote these values, and alerts/README.md explains the defaults.
    thresholds: {
      // FootprintHostIdleEnergyHigh: idle power per core the host holds (docs/power.md: below the lowest idle draw
      // published for x86 cloud cores, so it means the same for a 2-core VM and a 128-core node)
      hostIdleWattsPerCore: 0.5,
      hostIdleShare: 0.9,  // and its idle share of energy, both over hostIdleWindow
      hostIdleWindow: '30m',
      hostIdleFor: '2h',
      projectIdleKilowattHoursPerDay: 10,  // FootprintProjectIdleEnergyOverBudget
      gridIntensityGramsPerKilowattHour: 300,  // FootprintCarbonIntensityHighWithBusyLoad
      siteBusyWatts: 1000,  // the site's busy power for the two grid alerts
      greenerWindowShare: 0.3,  // FootprintGreenerWindowAhead: share below the intensity now
      greenerWindowLeadSeconds: 3600,  // and how far ahead the window must start
      intensityMaxAgeSeconds: 7200,  // FootprintCarbonIntensityStale
      fallbackFor: '30m',  // FootprintCarbonIntensityFallback
      sourceDownFor: '15m',  // FootprintSourceDown
      exporterAbsentFor: '5m',  // FootprintExporterAbsent
      collectionStalledSeconds: 600,  // FootprintCollectionStalled
    },

    // Dashboards.
    dashboardTags: ['footprint_exporter', 'energy', 'carbon'],
    dashboardRefresh: '5m',
  },
}
