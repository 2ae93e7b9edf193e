# expect: \.linux\.namespaces\[[0-9]+\]
.linux.namespaces |= map(if .type == "network" then .path = "/etc/passwd" else . end)
