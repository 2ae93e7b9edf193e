# expect: \.hostname
.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))
