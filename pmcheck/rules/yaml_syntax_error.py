"""The file cannot be read as one safe, plain YAML document.

## What it does
Reports a postmortem file that is not valid YAML, or that uses YAML features pmcheck refuses to
load: anchors and aliases, merge keys (`<<`), tags (`!!python/...`, `!custom`), a second
document after `---`, bytes that are not UTF-8, a file over the size limit (1 MiB) or nesting
deeper than 64 levels. It also reports a symbolic link that points outside the repository, which
is never read.

## Why it matters
A postmortem that does not load is a postmortem nobody checks. The refused features are how a
small file turns into gigabytes in memory (alias "billion laughs" and merge-key bombs), runs
code in naive loaders (tags), or hides content from reviewers (a second document).

## Example
```yaml
owner: &lead alice.ng
executive_sponsor: *lead
```

## Use instead
```yaml
owner: alice.ng
executive_sponsor: dana.kim
```

## Options
None. The limits are fixed so every checkout loads files the same way.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM001"
NAME = "yaml-syntax-error"
SEVERITY = Severity.ERROR
SCOPE = "engine"
