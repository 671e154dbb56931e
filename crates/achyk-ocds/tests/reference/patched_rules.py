"""Print the merge rules OCP's reference (ocdsmerge) derives from the OCDS release schema patched
by the given extensions, and write the patched schema for `ocdskit compile --schema`.

usage: patched_rules.py RELEASE_SCHEMA OUT_SCHEMA [EXTENSION_RELEASE_SCHEMA ...]

Prints one line per rule: `dotted.path<TAB>omitWhenMerged|wholeListMerge`, sorted.
The patch is applied with the `json_merge_patch` package, which ocdsextensionregistry uses.
"""

import json
import sys

import json_merge_patch
from ocdsmerge.rules import get_merge_rules


def main():
    schema_path, out_path, *extensions = sys.argv[1:]
    with open(schema_path) as f:
        schema = json.load(f)
    for extension in extensions:
        with open(extension) as f:
            schema = json_merge_patch.merge(schema, json.load(f))
    with open(out_path, "w") as f:
        json.dump(schema, f)
    rules = get_merge_rules(schema)
    for path, rule in sorted((".".join(path), rule) for path, rule in rules.items()):
        print(f"{path}\t{rule}")


if __name__ == "__main__":
    main()
