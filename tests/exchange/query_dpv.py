"""Parses a DPV export with rdflib and asks, by SPARQL, each category's retention durations.

usage: query_dpv.py FILE FORMAT ; prints {"category": ["P7D", ...]} as JSON (durations sorted).
"""
import json
import sys

import rdflib

g = rdflib.Graph()
g.parse(sys.argv[1], format=sys.argv[2])
rows = g.query(
    """
    PREFIX dpv: <https://w3id.org/dpv#>
    PREFIX dct: <http://purl.org/dc/terms/>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?category ?duration ?purpose WHERE {
      ?h a dpv:PersonalDataHandling ; dct:identifier ?category .
      OPTIONAL { ?h dpv:hasStorageCondition ?s . ?s a dpv:StorageDuration ; rdf:value ?duration }
      OPTIONAL { ?h dpv:hasPurpose ?purpose }
    }
    """
)
out = {}
for category, duration, purpose in rows:
    entry = out.setdefault(str(category), {"durations": set(), "purposes": set()})
    if duration is not None:
        entry["durations"].add(str(duration))
    if purpose is not None:
        entry["purposes"].add(str(purpose).rsplit(":", 1)[-1])
print(json.dumps({k: {"durations": sorted(v["durations"]), "purposes": sorted(v["purposes"])} for k, v in out.items()}, sort_keys=True))
