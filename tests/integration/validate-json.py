#!/usr/bin/env python3
"""Validate a JSON document against an OCI runtime-spec JSON schema.

usage: validate-json.py SCHEMA.json DOCUMENT.json

The schema's relative $refs (defs.json, config-linux.json, ...) resolve in
the schema's own directory. Prints `valid` and exits 0, or prints each
error as `invalid: PATH: MESSAGE` and exits 1.
"""
import json
import os
import sys
import warnings


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def make_validator(schema_path):
    import jsonschema

    schema_path = os.path.abspath(schema_path)
    schema_dir = os.path.dirname(schema_path)
    schema = load(schema_path)
    cls = jsonschema.validators.validator_for(schema)
    try:
        # jsonschema >= 4.18: the referencing library.
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        def retrieve(uri):
            name = uri.split("/")[-1]
            return Resource.from_contents(load(os.path.join(schema_dir, name)),
                                          default_specification=DRAFT4)

        registry = Registry(retrieve=retrieve)
        base = "file://" + schema_path
        registry = registry.with_resource(
            base, Resource.from_contents(schema, default_specification=DRAFT4))
        schema = dict(schema)
        schema.setdefault("$id", base)
        schema["id"] = base
        return cls(schema, registry=registry)
    except ImportError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            resolver = jsonschema.RefResolver("file://" + schema_dir + "/", schema)
        return cls(schema, resolver=resolver)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        doc = load(sys.argv[2])
    except (OSError, ValueError) as e:
        print("invalid: %s" % e)
        return 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator = make_validator(sys.argv[1])
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        for e in errors:
            print("invalid: .%s: %s" % (".".join(str(p) for p in e.path), e.message))
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
