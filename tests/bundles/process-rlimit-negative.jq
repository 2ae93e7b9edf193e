# expect: \.process\.rlimits\[0\]\.hard
.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": -1, "soft": 1}]
