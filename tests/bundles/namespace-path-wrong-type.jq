# expect: \.linux\.namespaces\[[0-9]+\]
.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)
