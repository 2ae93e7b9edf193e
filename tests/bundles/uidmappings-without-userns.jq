# expect: \.linux\.uidMappings
.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
