# expect: \.linux\.namespaces\[[0-9]+\]
.linux.namespaces |= map(if .type == "network" then .path = "/proc/999999999/ns/net" else . end)
