# expect: \.linux\.devices\[0\]\.path
.linux.devices = [{"path": "/etc/rt-evil", "type": "c", "major": 1, "minor": 3}]
