// A YAML writer for Prometheus rule files that keeps the field order Prometheus documents (record or alert,
// expr, for, labels, annotations), writes expressions as literal blocks, folds long annotations, and turns
// the hidden field `comment` of a group or rule into `#` lines above it. std.manifestYamlDoc sorts keys and
// drops comments, which makes a generated rule file hard to read.
local reserved = ['true', 'false', 'null', 'yes', 'no', 'on', 'off', '~', ''];
local indicators = std.stringChars('-?:,[]{}#&*!|>\'"%@`');

local numeric(s) = std.length([c for c in std.stringChars(s) if !std.member('0123456789.+-eE_', c)]) == 0;

local plainIsSafe(s) =
  !std.member(reserved, std.asciiLower(s))
  && !std.member(indicators, s[0])
  && s[0] != ' ' && s[std.length(s) - 1] != ' ' && s[std.length(s) - 1] != ':'
  && std.length(std.findSubstr(': ', s)) == 0
  && std.length(std.findSubstr(' #', s)) == 0
  && !numeric(s);

local indentLines(text, pad) =
  std.join('\n', [if line == '' then '' else pad + line for line in std.split(text, '\n')]);

// Words of `s` packed into lines of at most `width` characters.
local wrap(s, width) =
  local words = std.split(s, ' ');
  local step(lines, word) =
    if std.length(lines) == 0 then [word]
    else if std.length(lines[std.length(lines) - 1]) + 1 + std.length(word) <= width
    then lines[:std.length(lines) - 1] + [lines[std.length(lines) - 1] + ' ' + word]
    else lines + [word];
  std.foldl(step, words, []);

local foldable(s) =
  std.length(s) > 90 && std.length(std.findSubstr(' ', s)) > 0 && std.length(std.findSubstr('  ', s)) == 0
  && s[0] != ' ' && s[std.length(s) - 1] != ' ';

// `key: value` for a string value at indentation `pad`.
local scalar(key, value, pad, fold=false) =
  local s = std.toString(value);
  if std.type(value) == 'number' then '%s%s: %g' % [pad, key, value]
  else if std.length(std.findSubstr('\n', s)) > 0 then
    local body = if std.endsWith(s, '\n') then std.substr(s, 0, std.length(s) - 1) else s;
    '%s%s: %s\n%s' % [pad, key, if std.endsWith(s, '\n') then '|' else '|-', indentLines(body, pad + '  ')]
  else if fold && foldable(s) then
    '%s%s: >-\n%s' % [pad, key, indentLines(std.join('\n', wrap(s, 96)), pad + '  ')]
  else if plainIsSafe(s) then '%s%s: %s' % [pad, key, s]
  else '%s%s: %s' % [pad, key, std.escapeStringJson(s)];

local commentLine(pad, line) = if line == '' then pad + '#\n' else '%s# %s\n' % [pad, line];

local comment(object, pad) =
  if std.objectHasAll(object, 'comment') then
    std.join('', [commentLine(pad, line) for line in std.split(object.comment, '\n')])
  else '';

// Annotations in the order a reader wants them; other keys follow in alphabetical order.
local annotationOrder = ['summary', 'description', 'runbook_url'];

local mapping(key, object, pad, fold=false) =
  local keys = [k for k in annotationOrder if std.objectHas(object, k)]
               + [k for k in std.objectFields(object) if !std.member(annotationOrder, k)];
  '%s%s:\n%s' % [pad, key, std.join('\n', [scalar(k, object[k], pad + '  ', fold) for k in keys])];

local ruleOrder = ['record', 'alert', 'expr', 'for', 'keep_firing_for'];

local rule(r) =
  local pad = '      ';
  local fields = [k for k in ruleOrder if std.objectHas(r, k)];
  local first = scalar(fields[0], r[fields[0]], '');
  local rest = [scalar(k, r[k], pad + '  ') for k in fields[1:]]
               + (if std.objectHas(r, 'labels') then [mapping('labels', r.labels, pad + '  ')] else [])
               + (if std.objectHas(r, 'annotations') then
                    [mapping('annotations', r.annotations, pad + '  ', true)] else []);
  comment(r, pad) + pad + '- ' + first + std.join('', ['\n' + line for line in rest]);

local group(g) =
  comment(g, '  ')
  + '  - name: %s\n' % g.name
  + (if std.objectHas(g, 'interval') then '    interval: %s\n' % g.interval else '')
  + '    rules:\n'
  + std.join('\n', [rule(r) for r in g.rules]);

{
  // A complete rule file: `header` (lines without `#`) as a comment, then the groups.
  ruleFile(header, groups)::
    std.join('', [commentLine('', line) for line in std.split(std.rstripChars(header, '\n'), '\n')])
    + 'groups:\n'
    + std.join('\n\n', [group(g) for g in groups])
    + '\n',
}
