# expect: \.process\.rlimits\[0\]
.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 20}]
