# expect: \.linux\.namespaces\[[0-9]+\]\.type: unknown namespace type "pidd"
.linux.namespaces |= map(if .type == "pid" then .type = "pidd" else . end)
