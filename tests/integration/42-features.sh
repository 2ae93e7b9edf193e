# shellcheck shell=bash
# rt features: the runtime-spec features document.

FEATURES_SCHEMA_DIR=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema

features_py() { if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi; }

features() {
	run_cmd "$RT" features
	assert_success "features"
	printf '%s\n' "$OUT" >"$T/features.json"
}

# The installed runtime-spec has no features schema before 1.1, and the
# 1.3 schema lags its own text (no memoryPolicy, intelRdt.schemata or
# monitoring): then this one, written from features.md and
# features-linux.md of 1.3.0, with the enums of the installed defs (whose
# NamespaceType predates the time namespace of 1.2). No property beyond
# those may appear.
write_features_schema() {
	local dir=$1
	mkdir -p "$dir"
	cp "$FEATURES_SCHEMA_DIR/defs.json" "$FEATURES_SCHEMA_DIR/defs-linux.json" "$dir/"
	cat >"$dir/features-schema.json" <<-'EOF'
		{
		  "$schema": "http://json-schema.org/draft-04/schema#",
		  "type": "object",
		  "required": ["ociVersionMin", "ociVersionMax"],
		  "additionalProperties": false,
		  "definitions": {
		    "enabled": {"type": "object", "additionalProperties": false,
		                "properties": {"enabled": {"type": "boolean"}}},
		    "flags": {"type": "array", "items": {"$ref": "defs-linux.json#/definitions/SeccompFlag"}}
		  },
		  "properties": {
		    "ociVersionMin": {"$ref": "defs.json#/definitions/ociVersion"},
		    "ociVersionMax": {"$ref": "defs.json#/definitions/ociVersion"},
		    "hooks": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
		    "mountOptions": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
		    "annotations": {"$ref": "defs.json#/definitions/annotations"},
		    "potentiallyUnsafeConfigAnnotations": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
		    "linux": {
		      "type": "object",
		      "additionalProperties": false,
		      "properties": {
		        "namespaces": {"type": "array", "items": {"anyOf": [
		          {"$ref": "defs-linux.json#/definitions/NamespaceType"}, {"enum": ["time"]}]}},
		        "capabilities": {"type": "array", "items": {"type": "string", "pattern": "^CAP_[A-Z_]+$"}},
		        "cgroup": {"type": "object", "additionalProperties": false, "properties": {
		          "v1": {"type": "boolean"}, "v2": {"type": "boolean"}, "systemd": {"type": "boolean"},
		          "systemdUser": {"type": "boolean"}, "rdma": {"type": "boolean"}}},
		        "seccomp": {"type": "object", "additionalProperties": false, "properties": {
		          "enabled": {"type": "boolean"},
		          "actions": {"type": "array", "items": {"$ref": "defs-linux.json#/definitions/SeccompAction"}},
		          "operators": {"type": "array", "items": {"$ref": "defs-linux.json#/definitions/SeccompOperators"}},
		          "archs": {"type": "array", "items": {"$ref": "defs-linux.json#/definitions/SeccompArch"}},
		          "knownFlags": {"$ref": "#/definitions/flags"},
		          "supportedFlags": {"$ref": "#/definitions/flags"}}},
		        "apparmor": {"$ref": "#/definitions/enabled"},
		        "selinux": {"$ref": "#/definitions/enabled"},
		        "intelRdt": {"type": "object", "additionalProperties": false, "properties": {
		          "enabled": {"type": "boolean"}, "schemata": {"type": "boolean"},
		          "monitoring": {"type": "boolean"}}},
		        "memoryPolicy": {"type": "object", "additionalProperties": false, "properties": {
		          "modes": {"type": "array", "items": {"enum": ["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
		            "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"]}},
		          "flags": {"type": "array", "items": {"enum": ["MPOL_F_NUMA_BALANCING",
		            "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"]}}}},
		        "mountExtensions": {"type": "object", "additionalProperties": false, "properties": {
		          "idmap": {"$ref": "#/definitions/enabled"}}},
		        "netDevices": {"$ref": "#/definitions/enabled"}
		      }
		    }
		  }
		}
	EOF
}

test_features_schema() {
	features
	local schema=$FEATURES_SCHEMA_DIR/features-schema.json
	[ -f "$FEATURES_SCHEMA_DIR/defs-linux.json" ] ||
		skip "runtime-spec schemas missing: apt-get install golang-github-opencontainers-specs-dev"
	"$(features_py)" -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema missing"
	if [ ! -f "$schema" ]; then
		write_features_schema "$T/schema"
		schema=$T/schema/features-schema.json
	fi
	run_cmd "$(features_py)" "$ITEST_DIR/validate-json.py" "$schema" "$T/features.json"
	[ "$STATUS" -eq 0 ] || fail "features do not match ${schema##*/}: $(head -n3 <<<"$OUT" | tr '\n' '|')"
}

test_features_versions_hooks_namespaces() {
	features
	assert_json "$OUT" '.ociVersionMin == "1.0.0"' "ociVersionMin"
	assert_json "$OUT" '.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+")' "ociVersionMax"
	assert_json "$OUT" '.hooks == ["prestart", "createRuntime", "createContainer", "startContainer",
		"poststart", "poststop"]' "hooks"
	assert_json "$OUT" '.linux.namespaces | sort == ["cgroup", "ipc", "mount", "network", "pid", "time",
		"user", "uts"]' "namespaces, time included"
	assert_json "$OUT" '.linux.capabilities | index("CAP_SYS_ADMIN") != null and index("CAP_CHECKPOINT_RESTORE") != null'
	assert_json "$OUT" '.mountOptions | index("rbind") != null and index("tmpcopyup") != null and
		index("rro") != null' "mount options"
}

test_features_cgroup_seccomp() {
	features
	assert_json "$OUT" '.linux.cgroup == {"v1": true, "v2": true, "systemd": true, "systemdUser": true,
		"rdma": true}' "cgroup"
	assert_json "$OUT" '.linux.seccomp.enabled == true' "seccomp enabled"
	assert_json "$OUT" '.linux.seccomp.actions | index("SCMP_ACT_ERRNO") != null and index("SCMP_ACT_KILL_PROCESS") != null'
	assert_json "$OUT" '.linux.seccomp.operators | length == 7' "operators"
	assert_json "$OUT" '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' "archs"
	assert_json "$OUT" '.linux.seccomp.knownFlags as $k | .linux.seccomp.supportedFlags | all(. as $f | $k | index($f) != null)' \
		"supportedFlags are known flags"
	assert_json "$OUT" '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG") != null' \
		"the kernel has SECCOMP_FILTER_FLAG_LOG"
	local v
	v=$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null | sed 's/-.*//')
	assert_json "$OUT" '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")'
	[ -z "$v" ] || assert_json "$OUT" --arg v "$v" '.annotations["io.github.seccomp.libseccomp.version"] == $v' \
		"libseccomp version"
}

# What rt implements, whatever this host has (features.md: "irrelevant to
# the actual availability of the features in the host").
test_features_host_and_extensions() {
	features
	assert_json "$OUT" '.linux.apparmor.enabled == true' "apparmor"
	assert_json "$OUT" '.linux.selinux.enabled == true' "selinux"
	assert_json "$OUT" '.linux.intelRdt == {"enabled": true, "schemata": true, "monitoring": true}' "intelRdt"
	# what is announced must agree with itself
	assert_json "$OUT" '(.mountOptions | index("idmap") != null) == .linux.mountExtensions.idmap.enabled' \
		"idmap option iff the idmap extension"
	assert_json "$OUT" '.annotations["io.github.rt.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+")' "rt version"
	assert_json "$OUT" '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null' \
		"the notify action (listenerPath is supported)"
	assert_json "$OUT" '.linux.mountExtensions.idmap.enabled == true' "idmapped mounts"
}

# runtime-spec 1.3: the version and the sections it adds.
test_features_runtime_spec_1_3() {
	features
	assert_json "$OUT" '.ociVersionMax == "1.3.0"' "ociVersionMax"
	assert_json "$OUT" '.linux.memoryPolicy.modes | sort == ["MPOL_BIND", "MPOL_DEFAULT", "MPOL_INTERLEAVE",
		"MPOL_LOCAL", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"]' "memoryPolicy modes"
	assert_json "$OUT" '.linux.memoryPolicy.flags | sort == ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
		"MPOL_F_STATIC_NODES"]' "memoryPolicy flags"
	assert_json "$OUT" '.linux.netDevices.enabled == true' "netDevices"
	assert_json "$OUT" '.potentiallyUnsafeConfigAnnotations == ["run.oci.pidfd_receiver"]' \
		"the annotations rt acts on"
	assert_json "$OUT" '.mountOptions | index("src-nofollow") != null and index("copy-symlink") != null' \
		"crun's symlink options"
}

test_features_usage() {
	run_cmd "$RT" features extra
	assert_failure "features takes no arguments"
	assert_error_line
	run_cmd "$RT" features --help
	assert_success "features --help"
}

rt_only test_features_cgroup_seccomp test_features_host_and_extensions test_features_usage test_features_runtime_spec_1_3
