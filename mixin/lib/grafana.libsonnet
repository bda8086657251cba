// Grafana JSON for the footprint_exporter dashboards, without grafonnet (which needs network vendoring).
// Every panel and target takes its data source from the ${datasource} variable; every expression is a
// template filled with the selectors of `selectors(config)`.
local datasource = { type: 'prometheus', uid: '${datasource}' };

local steps(list) = { mode: 'absolute', steps: list };
local green = [{ color: 'green', value: null }];

// Column names Grafana's table shows for the label names the queries keep.
local columnNames(labels) = {
  host: 'Host',
  [labels.project]: 'Project',
  [labels.user]: 'User',
  [labels.machine]: 'Machine type',
  source: 'Source',
  version: 'Version',
  revision: 'Revision',
  instance: 'Instance',
};

local uidPrefix = 'footprint_exporter-';

{
  // Template fields: the label names, the job/instance matchers every exporter series gets, the grid region
  // matcher of series that carry grid_region, and the attribution matchers of host series.
  selectors(config):: {
    local l = config.labels,
    project: l.project,
    user: l.user,
    machine: l.machine,
    base: 'job=~"$job", instance=~"$instance"',
    grid: self.base + ', grid_region=~"$grid_region"',
    hosts: self.grid + ', %(p)s=~"$%(p)s", %(u)s=~"$%(u)s", %(m)s=~"$%(m)s", host=~"$host"'
                       % { p: l.project, u: l.user, m: l.machine },
  },

  // A drill-down link to another footprint dashboard. It keeps the time range, data source, job, instance and
  // grid region, and the variables named in `keep`, and sets `variable` to `value` (a Grafana expression such
  // as ${__value.raw} in a table cell or ${__field.labels.user} on a series).
  link(view, title, variable, value, keep=[]):: {
    title: title,
    url: '/d/%s%s?${__url_time_range}&${datasource:queryparam}&${job:queryparam}&${instance:queryparam}'
         % [uidPrefix, view]
         + '&${grid_region:queryparam}'
         + std.join('', ['&${%s:queryparam}' % k for k in keep])
         + '&var-%s=%s' % [variable, value],
  },

  target(s, expr, legend=null, instant=false, format='time_series', interval=null):: {
    datasource: datasource,
    expr: expr % s,
    editorMode: 'code',
    range: !instant,
    instant: instant,
    format: format,
    [if legend != null then 'legendFormat']: legend % s,
    [if interval != null then 'interval']: interval,
  },

  local panel(type, p) = {
    type: type,
    title: p.title,
    description: p.description,
    datasource: datasource,
    gridPos: p.gridPos,
    targets: [
      t { refId: std.char(std.codepoint('A') + i) }
      for i in std.range(0, std.length(p.targets) - 1)
      for t in [p.targets[i]]
    ],
  },

  local defaults(p, colorMode) = {
    unit: p.unit,
    thresholds: steps(std.get(p, 'thresholds', green)),
    color: { mode: colorMode },
    mappings: [],
    [if std.objectHas(p, 'decimals') then 'decimals']: p.decimals,
    [if std.objectHas(p, 'min') then 'min']: p.min,
    [if std.objectHas(p, 'max') then 'max']: p.max,
  },

  local reduce = { calcs: ['lastNotNull'], fields: '', values: false },

  // One number (or one per series, named) from an instant query.
  stat(p):: panel('stat', p) {
    fieldConfig: { defaults: defaults(p, 'thresholds'), overrides: [] },
    options: {
      reduceOptions: reduce,
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: std.get(p, 'textMode', 'auto'),
      wideLayout: true,
      showPercentChange: false,
    },
  },

  // Series over time, with a table legend that gives each series' mean, maximum and last value.
  timeseries(p):: panel('timeseries', p) {
    fieldConfig: {
      defaults: defaults(p, 'palette-classic') {
        custom: {
          drawStyle: std.get(p, 'drawStyle', 'line'),
          lineWidth: 1,
          fillOpacity: std.get(p, 'fillOpacity', 10),
          showPoints: 'never',
          spanNulls: false,
          axisPlacement: 'auto',
          axisSoftMin: 0,
          stacking: { mode: std.get(p, 'stacking', 'none'), group: 'A' },
        },
        [if std.objectHas(p, 'links') then 'links']: p.links,
      },
      overrides: [],
    },
    options: {
      legend: {
        displayMode: 'table',
        placement: 'bottom',
        showLegend: true,
        calcs: std.get(p, 'legendCalcs', ['mean', 'max', 'lastNotNull']),
        sortBy: 'Mean',
        sortDesc: true,
      },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  },

  // Horizontal bars, one per series of an instant query; `links` make each bar a drill-down.
  bargauge(p):: panel('bargauge', p) {
    fieldConfig: {
      defaults: defaults(p, 'thresholds') {
        min: 0,
        [if std.objectHas(p, 'links') then 'links']: p.links,
      },
      overrides: [],
    },
    options: {
      reduceOptions: reduce,
      displayMode: 'gradient',
      orientation: 'horizontal',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizHeight: 16,
      minVizWidth: 8,
      maxVizHeight: 300,
    },
  },

  // Instant queries merged into one row per label set. `columns` lists [field, unit, decimals] for the
  // values (fields 'Value #A', ...) and [label] for the labels, in display order; `links` maps a label to the
  // drill-down of its cells.
  table(config, p):: panel('table', p) {
    local s = $.selectors(config),
    local columns = [[c[0] % s] + c[1:] for c in p.columns],
    local names = columnNames(config.labels) + std.get(p, 'names', {}),
    local fields = [c[0] for c in columns],
    fieldConfig: {
      defaults: defaults(p, 'thresholds'),
      overrides: [
        {
          matcher: { id: 'byName', options: names[c[0]] },
          properties: [{ id: 'unit', value: c[1] }, { id: 'decimals', value: c[2] }],
        }
        for c in columns
        if std.length(c) == 3
      ] + [
        {
          matcher: { id: 'byName', options: names[label % s] },
          properties: [{ id: 'links', value: [p.links[label]] }],
        }
        for label in std.objectFields(std.get(p, 'links', {}))
      ],
    },
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '', countRows: false },
      sortBy: [{ displayName: names[p.sortBy % s], desc: true }],
    },
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true, job: true, __name__: true } + { [f]: true for f in std.get(p, 'exclude', []) },
          indexByName: { [fields[i]]: i for i in std.range(0, std.length(fields) - 1) },
          renameByName: names,
        },
      },
    ],
  },

  local queryVariable(name, label, query, multi=true, regex='', sort=1, current=null) = {
    name: name,
    label: label,
    type: 'query',
    datasource: datasource,
    definition: query,
    query: query,
    includeAll: multi,
    [if multi then 'allValue']: '.*',
    multi: multi,
    current: if current != null then current
    else if multi then { selected: true, text: ['All'], value: ['$__all'] }
    else {},
    options: [],
    // On dashboard load and on time range change, so new hosts and users appear.
    refresh: 2,
    regex: regex,
    sort: sort,
    hide: 0,
    skipUrlSync: false,
  },

  // The variables of every dashboard: data source, job, instance, grid region, then the attribution labels
  // and the host, each narrowed by the ones before it. `viewerFirst` makes the user variable start on the
  // viewer's Grafana login where a user label of that name exists.
  variables(config, viewerFirst=false)::
    local s = $.selectors(config);
    local l = config.labels;
    local hostSeries(matchers) = 'footprint_host_power_watts{%s}' % matchers;
    local projectMatchers = s.grid;
    local userMatchers = s.grid + ', %(p)s=~"$%(p)s"' % { p: l.project };
    local machineMatchers = userMatchers + ', %(u)s=~"$%(u)s"' % { u: l.user };
    local hostMatchers = machineMatchers + ', %(m)s=~"$%(m)s"' % { m: l.machine };
    [
      {
        name: 'datasource',
        label: 'Data source',
        type: 'datasource',
        query: 'prometheus',
        current: {},
        options: [],
        refresh: 1,
        regex: '',
        hide: 0,
        includeAll: false,
        multi: false,
        skipUrlSync: false,
      },
      // One job at a time: two scrape jobs of the same exporter would otherwise count every host twice.
      queryVariable('job',
                    'Job',
                    'label_values(footprint_exporter_build_info, job)',
                    multi=false,
                    current={ selected: true, text: config.jobName, value: config.jobName }),
      queryVariable('instance', 'Instance', 'label_values(footprint_exporter_build_info{job=~"$job"}, instance)'),
      queryVariable('grid_region', 'Grid region', 'label_values(%s, grid_region)' % hostSeries(s.base)),
      queryVariable(l.project, 'Project', 'label_values(%s, %s)' % [hostSeries(projectMatchers), l.project]),
      if viewerFirst then
        // The viewer's login scores 1 and every other user 0; sorted so, Grafana's first option (chosen when
        // the dashboard opens without a user in its URL) is the viewer wherever such a user exists.
        local users = 'count by (%s) (%s)' % [l.user, hostSeries(userMatchers)];
        local viewer = 'count by (%s) (%s)' % [l.user, hostSeries(userMatchers + ', %s="${__user.login}"' % l.user)];
        queryVariable(l.user,
                      'User',
                      'query_result(sort_desc(%s * 0 + 1 or %s * 0))' % [viewer, users],
                      multi=false,
                      regex='/%s="([^"]+)"/' % l.user,
                      sort=0) { includeAll: false }
      else
        queryVariable(l.user, 'User', 'label_values(%s, %s)' % [hostSeries(userMatchers), l.user]),
      queryVariable(l.machine, 'Machine type', 'label_values(%s, %s)' % [hostSeries(machineMatchers), l.machine]),
      queryVariable('host', 'Host', 'label_values(%s, host)' % hostSeries(hostMatchers)),
    ],

  dashboard(config, view, title, description, from, panels, viewerFirst=false):: {
    __inputs: [],
    annotations: { list: [] },
    description: description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [
      {
        asDropdown: true,
        icon: 'external link',
        includeVars: true,
        keepTime: true,
        tags: [config.dashboardTags[0]],
        targetBlank: false,
        title: 'Footprint dashboards',
        tooltip: '',
        type: 'dashboards',
        url: '',
      },
    ],
    panels: [
      panels[i] { id: i + 1 }
      for i in std.range(0, std.length(panels) - 1)
    ],
    refresh: config.dashboardRefresh,
    schemaVersion: 39,
    tags: config.dashboardTags,
    templating: { list: $.variables(config, viewerFirst) },
    time: { from: from, to: 'now' },
    timepicker: {},
    timezone: '',
    title: title,
    uid: uidPrefix + view,
    version: 1,
    weekStart: '',
  },
}
