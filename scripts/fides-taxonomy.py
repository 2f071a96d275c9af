#!/usr/bin/env python3
"""Writes data/fides-taxonomy.txt: the default Fides taxonomy's keys, one `kind key` a line.

Run after upgrading fideslang; tests/exchange.rs checks the file against the installed package.
"""
import fideslang
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

lines = []
for kind in ("data_category", "data_use", "data_subject"):
    for item in getattr(DEFAULT_TAXONOMY, kind):
        lines.append(f"{kind} {item.fides_key}")
print(f"# default taxonomy of fideslang {fideslang.__version__}")
print("\n".join(sorted(lines)))
