"""Loads a `policyc export fides` file with fideslang and checks that every key it refers to
exists, in the default Fides taxonomy or among the file's own terms.

usage: load_fides.py FILE ; prints a JSON summary on success, the problems and exit 1 otherwise.
"""
import json
import sys

import yaml
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.models import Taxonomy

raw = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
taxonomy = Taxonomy.model_validate(raw)
known = {
    "data_category": {c.fides_key for c in DEFAULT_TAXONOMY.data_category} | {c.fides_key for c in taxonomy.data_category},
    "data_use": {u.fides_key for u in DEFAULT_TAXONOMY.data_use} | {u.fides_key for u in taxonomy.data_use},
    "data_subject": {s.fides_key for s in DEFAULT_TAXONOMY.data_subject},
}
datasets = {d.fides_key for d in taxonomy.dataset}
problems = []
declarations = []
for system in taxonomy.system:
    for d in system.privacy_declarations:
        problems += [f"{d.name}: unknown data category {k}" for k in d.data_categories if k not in known["data_category"]]
        if d.data_use not in known["data_use"]:
            problems.append(f"{d.name}: unknown data use {d.data_use}")
        problems += [f"{d.name}: unknown data subject {k}" for k in d.data_subjects if k not in known["data_subject"]]
        problems += [f"{d.name}: unknown dataset {k}" for k in (d.dataset_references or []) if k not in datasets]
        if not d.retention_period:
            problems.append(f"{d.name}: no retention period")
        declarations.append({"name": d.name, "data_use": d.data_use, "retention_period": d.retention_period,
                             "legal_basis": d.legal_basis_for_processing.value if d.legal_basis_for_processing else None})


def walk(fields):
    for f in fields or []:
        problems.extend(f"field {f.name}: unknown data category {k}" for k in (f.data_categories or []) if k not in known["data_category"])
        walk(f.fields)


for ds in taxonomy.dataset:
    for c in ds.collections:
        walk(c.fields)
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(json.dumps({"declarations": declarations, "datasets": sorted(datasets)}))
