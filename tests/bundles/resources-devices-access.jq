# expect: \.linux\.resources\.devices\[[0-9]+\]\.access
.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwz"}]
