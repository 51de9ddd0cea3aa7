"""The run found no postmortem to check.

## What it does
Reports a run that found no postmortem file: the paths given hold none, or the policy's
`postmortems` globs match nothing under the repository root.

## Why it matters
A checker that passes when it checked nothing hides a misconfigured glob, a wrong working
directory or a renamed folder. In CI that is a silent, permanent green.

## Example
```yaml
# pmcheck.yaml
postmortems: ["post-mortems/**/*.yaml"]   # the folder is called postmortems/
```

## Use instead
```yaml
# pmcheck.yaml
postmortems: ["postmortems/**/*.yaml"]
```

## Options
`postmortems` in `pmcheck.yaml` lists the globs, relative to the repository root.
"""

from __future__ import annotations

from pmcheck.findings import Severity

CODE = "PM905"
NAME = "no-postmortems-found"
SEVERITY = Severity.ERROR
SCOPE = "engine"
