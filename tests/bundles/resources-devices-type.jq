# expect: \.linux\.resources\.devices\[[0-9]+\]\.type
.linux.resources.devices += [{"allow": true, "type": "q", "access": "rwm"}]
