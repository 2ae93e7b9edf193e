# expect: \.linux\.uidMappings\[0\]\.size
.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": -1}] | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1}]
