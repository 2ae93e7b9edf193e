# expect: \.linux\.devices\[0\]\.type
.linux.devices = [{"path": "/dev/rt-x", "type": "x", "major": 1, "minor": 3}]
