# expect: \.linux\.devices\[0\]\.path
.linux.devices = [{"path": "/dev/../etc/rt-evil", "type": "c", "major": 1, "minor": 3}]
