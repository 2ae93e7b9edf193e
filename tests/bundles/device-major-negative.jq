# expect: \.linux\.devices\[0\]
.linux.devices = [{"path": "/dev/rt-x", "type": "c", "major": -1, "minor": 3}]
