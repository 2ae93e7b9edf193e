# expect: \.process\.rlimits\[0\]\.type
.process.rlimits = [{"type": "RLIMIT_FOO", "hard": 1, "soft": 1}]
